"""MultiOptimizer and OptimizerMap: routing variables to their own optimizers."""

import numpy as np
import pytest
from optim_helpers import gradient_steps

import lamina

opts = lamina.optimizers


def test_optimizer_map_exact_then_pattern_then_default():
    default, adam, sgd = opts.RMSprop(), opts.Adam(), opts.SGD()
    optimizer_map = opts.OptimizerMap(default)
    optimizer_map["encoder/layer_0/dense"] = adam
    optimizer_map["encoder/.*"] = sgd
    assert optimizer_map["encoder/layer_0/dense"] is adam
    assert optimizer_map["encoder/layer_0/attention/query"] is sgd
    assert optimizer_map["decoder/dense"] is default
    assert len(optimizer_map) == 2 and set(optimizer_map) == {"encoder/layer_0/dense", "encoder/.*"}
    del optimizer_map["encoder/.*"]
    assert optimizer_map["encoder/layer_0/attention/query"] is default


@pytest.mark.parametrize(
    ("action", "error", "message"),
    [
        (lambda m: m.__setitem__("a", opts.Adam()), ValueError, "already exists"),
        (lambda m: m.__setitem__(3, opts.Adam()), ValueError, "key must be a string"),
        (lambda m: m.__setitem__("b", "adam"), ValueError, "Optimizer instance"),
        (
            lambda m: m.__setitem__("c", opts.LossScaleOptimizer(opts.SGD())),
            ValueError,
            "cannot be a LossScaleOptimizer",
        ),
        (
            lambda m: m.update({"a.*": opts.SGD(), ".*b": opts.SGD()}) or m["ab"],
            ValueError,
            "multiple",
        ),
    ],
)
def test_optimizer_map_errors(action, error, message):
    optimizer_map = opts.OptimizerMap(opts.SGD(), {"a": opts.Adam()})
    with pytest.raises(error, match=message):
        action(optimizer_map)


def test_optimizer_map_checks_its_arguments():
    with pytest.raises(TypeError, match="default_optimizer"):
        opts.OptimizerMap("sgd")
    with pytest.raises(TypeError, match="optimizer_map"):
        opts.OptimizerMap(opts.SGD(), [opts.Adam()])


def test_each_variable_steps_with_its_optimizer(model):
    variables = model.trainable_variables
    adam = opts.Adam(learning_rate=0.01, name="adam_d1")
    sgd = opts.SGD(learning_rate=0.1, name="sgd_rest")
    multi = opts.MultiOptimizer(opts.OptimizerMap(sgd, {"net/d1/.*": adam}))
    initial = [v.numpy().copy() for v in variables]
    steps = gradient_steps(model, 3)
    for grads in steps:
        multi.apply(grads, variables)
    assert int(multi.iterations) == 3 and int(adam.iterations) == 3 and int(sgd.iterations) == 3
    assert [o.name for o in multi.optimizers] == ["adam_d1", "sgd_rest"]
    paths = [v.path for v in multi.variables]
    assert paths[:2] == [f"{multi.name}/iteration", f"{multi.name}/learning_rate"]
    assert paths[2:4] == ["adam_d1/iteration", "adam_d1/learning_rate"]
    assert paths[-2:] == ["sgd_rest/iteration", "sgd_rest/learning_rate"]
    # The SGD variables moved by exactly lr * sum of gradients.
    expected_bias = initial[3] - 0.1 * sum(g[3] for g in steps)
    np.testing.assert_allclose(variables[3].numpy(), expected_bias, rtol=1e-5)


def test_a_callable_map_and_set_weights(model):
    variables = model.trainable_variables
    inner = {"kernel": opts.Adam(name="k"), "bias": opts.Lion(name="b")}
    multi = opts.MultiOptimizer(lambda v: inner[v.name], loss_scale_factor=2.0)
    multi.build(variables)
    assert inner["kernel"].loss_scale_factor == 2.0
    weights = [np.full(v.shape, i, v.dtype) for i, v in enumerate(multi.variables)]
    multi.set_weights(weights)
    for i, variable in enumerate(multi.variables):
        assert np.all(variable.numpy() == i)
    with pytest.raises(ValueError, match="expected"):
        multi.set_weights(weights[:-1])


def test_learning_rate_is_on_the_inner_optimizers():
    multi = opts.MultiOptimizer(opts.OptimizerMap(opts.SGD()))
    with pytest.raises(AttributeError, match="individual sub-optimizers"):
        _ = multi.learning_rate
    with pytest.raises(AttributeError, match="individual sub-optimizers"):
        multi.learning_rate = 0.1


def test_nested_wrappers_are_refused(model):
    multi = opts.MultiOptimizer(lambda v: opts.MultiOptimizer(opts.OptimizerMap(opts.SGD())))
    with pytest.raises(ValueError, match="cannot be a MultiOptimizer"):
        multi.build(model.trainable_variables)
    with pytest.raises(TypeError, match="OptimizerMap or a callable"):
        opts.MultiOptimizer("sgd")


def test_config_round_trip_and_compile(model):
    multi = opts.MultiOptimizer(
        opts.OptimizerMap(opts.SGD(name="s"), {"net/d2/.*": opts.Adam(name="a")}), name="m"
    )
    restored = opts.deserialize(opts.serialize(multi))
    assert restored.get_config() == multi.get_config()
    model.compile(optimizer=restored, loss="mse")
    x = np.ones((8, 4), "float32")
    model.fit(x, np.zeros((8, 3), "float32"), epochs=1, verbose=0)
    assert int(restored.iterations) == 1
    assert [int(o.iterations) for o in restored.optimizers] == [1, 1]
