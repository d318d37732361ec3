"""LambdaCallback: functions as hooks, extra hooks by keyword."""

import pytest

from lamina.callbacks import CallbackList, LambdaCallback


def test_hooks_receive_positional_arguments(model, run):
    calls = []
    callback = LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(("epoch_begin", epoch)),
        on_train_batch_begin=lambda batch, logs: calls.append(("batch_begin", batch)),
        on_train_batch_end=lambda batch, logs: calls.append(("batch_end", batch, logs)),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs)),
        on_train_end=lambda logs: calls.append("train_end"),
    )
    run([callback], model, [{"loss": 1}])
    assert calls == [
        "train_begin",
        ("epoch_begin", 0),
        ("batch_begin", 0),
        ("batch_end", 0, {"loss": 1.0}),
        ("epoch_end", 0, {"loss": 1.0}),
        "train_end",
    ]


def test_other_hooks_by_keyword_and_unset_hooks_do_nothing():
    calls = []
    callback = LambdaCallback(on_test_begin=lambda logs: calls.append("test"), extra=3)
    cb_list = CallbackList([callback])
    cb_list.on_test_begin()
    cb_list.on_epoch_end(0, {"loss": 1})
    assert calls == ["test"] and callback.extra == 3


def test_hook_must_be_callable():
    with pytest.raises(TypeError, match="LambdaCallback: `on_epoch_end` must be a function"):
        LambdaCallback(on_epoch_end="print")
