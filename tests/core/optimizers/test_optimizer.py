"""lamina.optimizers.Optimizer: arguments, state, gradient handling, config."""

import warnings

import numpy as np
import pytest

import lamina
from lamina.optimizers import SGD, Optimizer


def _variables(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [
        lamina.Variable(rng.standard_normal(s).astype("float32"), name=f"w{i}")
        for i, s in enumerate(shapes)
    ]


class PlainGD(Optimizer):
    def update_step(self, gradient, variable, learning_rate):
        self.assign_sub(variable, lamina.ops.multiply(gradient, learning_rate))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"clipnorm": 1.0, "clipvalue": 1.0}, "Only one of|only one of"),
        ({"clipnorm": 1.0, "global_clipnorm": 1.0}, "only one of"),
        ({"use_ema": True, "ema_momentum": 1.5}, "ema_momentum"),
        ({"use_ema": True, "ema_overwrite_frequency": 0.5}, "ema_overwrite_frequency"),
        ({"gradient_accumulation_steps": 1}, "gradient_accumulation_steps"),
        ({"bogus": 1}, "not recognized"),
    ],
)
def test_invalid_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SGD(**kwargs)


@pytest.mark.parametrize("learning_rate", [1, "0.1", np.float32(0.1)])
def test_learning_rate_must_be_float_schedule_or_callable(learning_rate):
    with pytest.raises(ValueError, match="learning_rate"):
        SGD(learning_rate=learning_rate)


def test_momentum_must_be_float_in_range():
    for momentum in (1, -0.1, 1.5):
        with pytest.raises(ValueError, match="momentum"):
            SGD(momentum=momentum)


def test_decay_argument_warns_and_is_ignored():
    with pytest.warns(UserWarning, match="decay"):
        SGD(decay=0.1)


def test_subclass_must_call_super_init():
    class Broken(Optimizer):
        def __init__(self):
            self.x = 1

    with pytest.raises(RuntimeError, match="super"):
        Broken()


def test_base_update_step_is_required():
    (v,) = _variables((2,))
    with pytest.raises(NotImplementedError, match="update_step"):
        Optimizer(learning_rate=0.1).apply([np.ones(2, "float32")], [v])


def test_names_paths_and_order_of_variables():
    lamina.utils.clear_session()
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
    opt = SGD(momentum=0.9, use_ema=True, gradient_accumulation_steps=2)
    assert opt.name == "sgd"
    assert SGD().name == "sgd_1"
    opt.build(model.trainable_variables)
    assert [v.path for v in opt.variables] == [
        "sgd/iteration",
        "sgd/learning_rate",
        "sgd/sequential_dense_kernel_average",
        "sgd/sequential_dense_bias_average",
        "sgd/sequential_dense_kernel_gradient_accumulator",
        "sgd/sequential_dense_bias_gradient_accumulator",
        "sgd/sequential_dense_kernel_momentum",
        "sgd/sequential_dense_bias_momentum",
    ]
    assert all(not v.trainable for v in opt.variables)
    assert opt.iterations.dtype == "int64" and opt.variables[1].dtype == "float32"


def test_custom_subclass_with_ops_and_slots():
    class Slotted(PlainGD):
        def build(self, variables):
            super().build(variables)
            self.counts = self.add_optimizer_variables(variables, ["count", "total"])

    (v,) = _variables((3,))
    opt = Slotted(learning_rate=0.5)
    before = v.numpy().copy()
    opt.apply([np.ones(3, "float32")], [v])
    np.testing.assert_allclose(v.numpy(), before - 0.5)
    assert [x.name for x in opt.variables[2:]] == ["w0_count", "w0_total"]


def test_apply_gradients_returns_iterations_and_counts_steps():
    v1, v2 = _variables((2,), (3,))
    opt = SGD()
    for _ in range(3):
        it = opt.apply_gradients(zip([np.ones(2, "float32"), np.ones(3, "float32")], [v1, v2]))
    assert it is opt.iterations and int(opt.iterations) == 3
    opt.apply([], [])  # empty: a no-op, not a step
    assert int(opt.iterations) == 3


def test_apply_without_variables_needs_build():
    (v,) = _variables((2,))
    opt = SGD()
    with pytest.raises(ValueError, match="build"):
        opt.apply([np.ones(2, "float32")])
    opt.build([v])
    opt.apply([np.ones(2, "float32")])
    with pytest.raises(ValueError, match="one-to-on"):
        opt.apply([np.ones(2, "float32")] * 2)


def test_unknown_variable_and_bad_gradient_shape_raise():
    v1, v2 = _variables((2,), (2,))
    opt = SGD()
    opt.apply([np.ones(2, "float32")], [v1])
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply([np.ones(2, "float32")], [v2])
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        opt.apply([np.ones(3, "float32")], [v1])
    with pytest.raises(ValueError, match="2 gradients for 1 variables"):
        opt.apply([np.ones(2, "float32")] * 2, [v1])


def test_none_gradients_are_skipped_with_a_warning():
    v1, v2 = _variables((2,), (2,))
    before = v2.numpy().copy()
    opt = SGD(learning_rate=1.0)
    with pytest.warns(UserWarning, match="Gradients do not exist for variables \\['w1'\\]"):
        opt.apply([np.ones(2, "float32"), None], [v1, v2])
    np.testing.assert_array_equal(v2.numpy(), before)
    with pytest.raises(ValueError, match="No gradients"):
        opt.apply([None, None], [v1, v2])


def test_learning_rate_property_setter_and_schedule():
    opt = SGD(learning_rate=0.1)
    assert isinstance(opt.learning_rate, lamina.Variable)
    opt.learning_rate = 0.5
    assert float(opt.learning_rate) == 0.5
    schedule = lamina.optimizers.schedules.ExponentialDecay(1.0, 1, 0.5)
    opt.learning_rate = schedule
    assert opt.variables[1:] == []  # the learning rate variable is no longer tracked
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1
    callable_opt = SGD(learning_rate=lambda: 0.25)
    assert callable_opt.learning_rate == 0.25


def test_scale_loss_and_loss_scale_factor_unscale_gradients():
    (v,) = _variables((2,))
    before = v.numpy().copy()
    opt = SGD(learning_rate=1.0, loss_scale_factor=4.0)
    assert float(opt.scale_loss(lamina.ops.convert_to_tensor(2.0))) == 8.0
    assert SGD().scale_loss(3.0) == 3.0
    opt.apply([np.full(2, 4.0, "float32")], [v])
    np.testing.assert_allclose(v.numpy(), before - 1.0)


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"clipvalue": 0.5}, np.array([0.5, -0.5, 0.1], "float32")),
        ({"clipnorm": 1.0}, np.array([3.0, -4.0, 0.0], "float32") / 5.0),
        ({"global_clipnorm": 2.5}, np.array([3.0, -4.0, 0.0], "float32") / 2.0),
    ],
)
def test_gradient_clipping(kwargs, expected):
    grads = {
        "clipvalue": np.array([3.0, -4.0, 0.1], "float32"),
        "clipnorm": np.array([3.0, -4.0, 0.0], "float32"),
        "global_clipnorm": np.array([3.0, -4.0, 0.0], "float32"),
    }[next(iter(kwargs))]
    v = lamina.Variable(np.zeros(3, "float32"))
    SGD(learning_rate=1.0, **kwargs).apply([grads], [v])
    np.testing.assert_allclose(-v.numpy(), expected, rtol=1e-6)


def test_global_clipnorm_with_infinite_gradient_gives_nan():
    v = lamina.Variable(np.zeros(2, "float32"))
    SGD(global_clipnorm=1.0).apply([np.array([np.inf, 1.0], "float32")], [v])
    assert np.isnan(v.numpy()).all()


def test_weight_decay_and_exclusions():
    v1 = lamina.Variable(np.ones(2, "float32"), name="kernel")
    v2 = lamina.Variable(np.ones(2, "float32"), name="bias")
    v3 = lamina.Variable(np.ones(2, "float32"), name="other")
    opt = SGD(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_list=[v3], var_names=["bias"])
    zeros = np.zeros(2, "float32")
    opt.apply([zeros, zeros, zeros], [v1, v2, v3])
    np.testing.assert_allclose(v1.numpy(), 0.95)
    np.testing.assert_array_equal(v2.numpy(), 1.0)
    np.testing.assert_array_equal(v3.numpy(), 1.0)
    opt.exclude_from_weight_decay(var_names=["kernel"])  # later calls apply, as in Keras
    opt.apply([zeros, zeros, zeros], [v1, v2, v3])
    np.testing.assert_allclose(v1.numpy(), 0.95)
    np.testing.assert_allclose(v3.numpy(), 0.95)


def test_gradient_accumulation_updates_every_n_steps_with_the_mean():
    v = lamina.Variable(np.zeros(2, "float32"))
    opt = SGD(learning_rate=1.0, gradient_accumulation_steps=3)
    for i, g in enumerate([1.0, 2.0, 6.0]):
        opt.apply([np.full(2, g, "float32")], [v])
        if i < 2:
            np.testing.assert_array_equal(v.numpy(), 0.0)
    np.testing.assert_allclose(v.numpy(), -3.0)
    assert int(opt.iterations) == 1 and int(opt._iterations) == 3
    np.testing.assert_array_equal(opt._accumulated_gradients[0].numpy(), 0.0)


def test_ema_average_and_finalize():
    v = lamina.Variable(np.zeros(1, "float32"))
    opt = SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    opt.apply([np.ones(1, "float32")], [v])  # first step: average = value
    np.testing.assert_allclose(opt._model_variables_moving_average[0].numpy(), -1.0)
    opt.apply([np.ones(1, "float32")], [v])  # v = -2, average = 0.5 * -1 + 0.5 * -2
    np.testing.assert_allclose(opt._model_variables_moving_average[0].numpy(), -1.5)
    opt.finalize_variable_values([v])
    np.testing.assert_allclose(v.numpy(), -1.5)


def test_ema_overwrite_frequency():
    v = lamina.Variable(np.zeros(1, "float32"))
    opt = SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2)
    opt.apply([np.ones(1, "float32")], [v])
    np.testing.assert_allclose(v.numpy(), -1.0)
    opt.apply([np.ones(1, "float32")], [v])  # second step overwrites with the average
    np.testing.assert_allclose(v.numpy(), -1.5)


def test_constraints_are_applied_after_the_update():
    v = lamina.Variable(np.ones(2, "float32"), constraint=lamina.constraints.NonNeg())
    SGD(learning_rate=1.0).apply([np.full(2, 3.0, "float32")], [v])
    np.testing.assert_array_equal(v.numpy(), 0.0)


def test_get_config_from_config_and_registry():
    opt = SGD(learning_rate=0.5, momentum=0.9, nesterov=True, clipnorm=1.0, name="opt")
    config = opt.get_config()
    assert list(config) == [
        "name",
        "learning_rate",
        "weight_decay",
        "clipnorm",
        "global_clipnorm",
        "clipvalue",
        "use_ema",
        "ema_momentum",
        "ema_overwrite_frequency",
        "loss_scale_factor",
        "gradient_accumulation_steps",
        "momentum",
        "nesterov",
    ]
    clone = SGD.from_config(config)
    assert clone.get_config() == config
    for name in ("sgd", "SGD", "Sgd"):
        assert isinstance(lamina.optimizers.get(name), SGD)
    restored = lamina.optimizers.deserialize(lamina.optimizers.serialize(opt))
    assert restored.get_config() == config
    assert lamina.optimizers.get(opt) is opt and lamina.optimizers.get(None) is None
    with pytest.raises(ValueError, match="Could not interpret"):
        lamina.optimizers.get(3)
    with pytest.raises(ValueError, match="Unknown optimizer: 'nope'"):
        lamina.optimizers.get("nope")


def test_schedule_in_config_round_trips():
    schedule = lamina.optimizers.schedules.CosineDecay(0.1, 100)
    config = SGD(learning_rate=schedule).get_config()
    assert config["learning_rate"]["class_name"] == "CosineDecay"
    restored = SGD.from_config(config)
    assert isinstance(restored._learning_rate, lamina.optimizers.schedules.CosineDecay)


def test_set_weights_and_own_variables_round_trip():
    (v,) = _variables((2,))
    opt = SGD(momentum=0.9)
    with pytest.raises(ValueError, match="not yet been built"):
        opt.set_weights([])
    opt.apply([np.ones(2, "float32")], [v])
    store = {}
    opt.save_own_variables(store)
    other = SGD(momentum=0.9)
    other.build([v])
    other.load_own_variables(store)
    for a, b in zip(opt.variables, other.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        SGD().load_own_variables(store)
    assert "Skipping variable loading" in str(caught[0].message)
    with pytest.raises(ValueError, match="not compatible"):
        opt.set_weights([np.zeros(()), np.zeros(()), np.zeros(5)])


def test_stateless_apply_returns_new_values_and_keeps_state():
    (v,) = _variables((2,))
    opt = SGD(learning_rate=0.5, momentum=0.9)
    with pytest.raises(ValueError, match="must be built"):
        opt.stateless_apply([], [np.ones(2, "float32")], [v.numpy()])
    opt.build([v])
    before = [x.numpy().copy() for x in [v, *opt.variables]]
    values = [np.zeros(2, "float32")]
    state = [x.numpy().copy() for x in opt.variables]
    new_values, new_state = opt.stateless_apply(state, [np.ones(2, "float32")], values)
    np.testing.assert_allclose(new_values[0].numpy(), -0.5)
    np.testing.assert_allclose(new_state[-1].numpy(), -0.5)  # the momentum slot
    assert int(new_state[0]) == 1
    for x, b in zip([v, *opt.variables], before):
        np.testing.assert_array_equal(x.numpy(), b)
    np.testing.assert_array_equal(values[0], 0.0)  # the inputs are not written to
    with pytest.raises(ValueError, match="optimizer_variables"):
        opt.stateless_apply(state[:1], [np.ones(2, "float32")], values)
    with pytest.raises(ValueError, match="trainable_variables"):
        opt.stateless_apply(state, [np.ones(2, "float32")], values * 2)
