"""lamina.optimizers.LossScaleOptimizer: dynamic loss scaling."""

import numpy as np
import pytest

import lamina
from lamina.optimizers import SGD, LossScaleOptimizer


def test_finite_steps_unscale_and_grow_the_scale():
    v = lamina.Variable(np.zeros(2, "float32"), name="w")
    opt = LossScaleOptimizer(SGD(learning_rate=1.0), initial_scale=8.0, dynamic_growth_steps=2)
    assert float(opt.scale_loss(lamina.ops.convert_to_tensor(1.5))) == 12.0  # not built yet
    opt.apply([np.full(2, 8.0, "float32")], [v])
    np.testing.assert_array_equal(v.numpy(), -1.0)
    assert int(opt.step_counter) == 1 and float(opt.dynamic_scale) == 8.0
    opt.apply([np.full(2, 8.0, "float32")], [v])
    assert int(opt.step_counter) == 0 and float(opt.dynamic_scale) == 16.0
    assert int(opt.iterations) == 2
    assert float(opt.scale_loss(lamina.ops.convert_to_tensor(1.0))) == 16.0


def test_non_finite_gradients_skip_the_step_and_halve_the_scale():
    v = lamina.Variable(np.ones(2, "float32"), name="w")
    opt = LossScaleOptimizer(SGD(learning_rate=1.0, momentum=0.5))
    opt.apply([np.ones(2, "float32")], [v])
    before = [x.numpy().copy() for x in [v, *opt.variables]]
    for bad in (np.inf, np.nan):
        opt.apply([np.array([bad, 1.0], "float32")], [v])
    np.testing.assert_array_equal(v.numpy(), before[0])
    assert float(opt.dynamic_scale) == 2.0**13 and int(opt.step_counter) == 0
    assert int(opt.iterations) == 1  # skipped steps do not count


def test_variables_learning_rate_and_finalize_delegate():
    v = lamina.Variable(np.zeros(2, "float32"), name="w")
    inner = SGD(learning_rate=0.5, use_ema=True, loss_scale_factor=4.0)
    opt = LossScaleOptimizer(inner)
    assert inner.loss_scale_factor is None
    opt.apply([np.ones(2, "float32")], [v])
    assert [x.name for x in opt.variables] == [
        "iteration",
        "learning_rate",
        "step_counter",
        "dynamic_scale",
        "iteration",
        "learning_rate",
        "w_average",
    ]
    assert float(opt.learning_rate) == 0.5
    opt.learning_rate = 0.25
    assert float(inner.learning_rate) == 0.25
    opt.finalize_variable_values([v])


def test_config_round_trip_and_errors():
    opt = LossScaleOptimizer(SGD(momentum=0.5), initial_scale=4.0, dynamic_growth_steps=10)
    config = opt.get_config()
    assert list(config) == ["name", "inner_optimizer", "initial_scale", "dynamic_growth_steps"]
    restored = lamina.optimizers.deserialize(lamina.optimizers.serialize(opt))
    assert isinstance(restored, LossScaleOptimizer)
    assert restored.inner_optimizer.momentum == 0.5 and restored.initial_scale == 4.0
    LossScaleOptimizer(SGD(), clipnorm=None)  # defaults from old configs are accepted
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        LossScaleOptimizer(SGD(), clipnorm=1.0)
    with pytest.raises(ValueError, match="dynamic=False"):
        LossScaleOptimizer(SGD(), dynamic=False)
    with pytest.raises(TypeError, match="inner_optimizer"):
        LossScaleOptimizer("sgd")
    with pytest.raises(ValueError, match="trainable_variables"):
        LossScaleOptimizer(SGD()).apply([np.ones(2, "float32")])
