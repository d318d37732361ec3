"""SwapEMAWeights with a real SGD(use_ema=True): swaps around evaluation and prediction."""

import numpy as np
import pytest

import lamina
from lamina.callbacks import CallbackList, SwapEMAWeights


@pytest.fixture
def ema_model(model):
    variable = lamina.Variable(np.array([1.0, 2.0], dtype="float32"))
    optimizer = lamina.optimizers.SGD(learning_rate=0.1, use_ema=True)
    optimizer.build([variable])
    optimizer._model_variables_moving_average[0].assign(np.array([5.0, 6.0], dtype="float32"))
    model.optimizer, model.variable = optimizer, variable
    return model


def _values(model):
    average = model.optimizer._model_variables_moving_average[0]
    return model.variable.numpy().tolist(), average.numpy().tolist()


@pytest.mark.parametrize("stage", ["test", "predict"])
def test_swaps_in_and_back(stage, ema_model):
    cb_list = CallbackList([SwapEMAWeights()], model=ema_model)
    getattr(cb_list, f"on_{stage}_begin")()
    assert _values(ema_model) == ([5.0, 6.0], [1.0, 2.0])
    getattr(cb_list, f"on_{stage}_end")()
    assert _values(ema_model) == ([1.0, 2.0], [5.0, 6.0])


def test_swap_on_epoch_and_finalize_after_the_last_epoch(ema_model):
    cb_list = CallbackList(
        [SwapEMAWeights(swap_on_epoch=True)], model=ema_model, verbose=0, epochs=2, steps=1
    )
    cb_list.on_epoch_begin(0)
    cb_list.on_epoch_end(0)
    assert _values(ema_model) == ([5.0, 6.0], [1.0, 2.0])
    cb_list.on_test_begin()  # already swapped: no second swap
    cb_list.on_test_end()
    assert _values(ema_model) == ([1.0, 2.0], [5.0, 6.0])
    cb_list.on_epoch_begin(1)
    cb_list.on_epoch_end(1)
    # After the last epoch both hold the EMA, ready for finalize_variable_values.
    assert _values(ema_model) == ([5.0, 6.0], [5.0, 6.0])


def test_optimizer_without_ema_is_a_clear_error(model):
    model.optimizer = lamina.optimizers.SGD()
    cb_list = CallbackList([SwapEMAWeights()], model=model)
    with pytest.raises(ValueError, match="SwapEMAWeights must be used when `use_ema=True`"):
        cb_list.on_test_begin()


def test_multi_optimizer_needs_one_with_ema(model):
    class Multi:
        def __init__(self):
            self.optimizers = [lamina.optimizers.SGD(), lamina.optimizers.SGD()]

    model.optimizer = Multi()
    with pytest.raises(ValueError, match="at least one inner optimizer has `use_ema=True`"):
        CallbackList([SwapEMAWeights()], model=model).on_predict_begin()
