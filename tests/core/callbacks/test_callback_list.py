"""CallbackList: dispatch to every callback, default callbacks, params, model, logs."""

import numpy as np
import pytest

import lamina
from lamina.callbacks import Callback, CallbackList, History, ProgbarLogger
from lamina.callbacks.callback_list import pythonify_logs

HOOKS = [
    ("on_train_begin", ()),
    ("on_train_end", ()),
    ("on_test_begin", ()),
    ("on_test_end", ()),
    ("on_predict_begin", ()),
    ("on_predict_end", ()),
    ("on_epoch_begin", (3,)),
    ("on_epoch_end", (3,)),
    ("on_batch_begin", (4,)),
    ("on_batch_end", (4,)),
    ("on_train_batch_begin", (4,)),
    ("on_train_batch_end", (4,)),
    ("on_test_batch_begin", (4,)),
    ("on_test_batch_end", (4,)),
    ("on_predict_batch_begin", (4,)),
    ("on_predict_batch_end", (4,)),
]


class Recorder(Callback):
    def __init__(self, calls, tag):
        super().__init__()
        self.calls, self.tag = calls, tag

    def __getattribute__(self, name):
        if name.startswith("on_"):
            return lambda *args, **kwargs: self.calls.append((self.tag, name, args, kwargs))
        return super().__getattribute__(name)


@pytest.mark.parametrize("hook, args", HOOKS)
def test_every_hook_reaches_every_callback_in_order(hook, args):
    calls = []
    cb_list = CallbackList([Recorder(calls, "a"), [Recorder(calls, "b")]])
    if hook.endswith("_end") and "batch" not in hook:
        getattr(cb_list, hook.replace("_end", "_begin"))(*args)
        calls.clear()
    getattr(cb_list, hook)(*args, logs={"loss": np.float32(0.5)})
    assert [c[:2] for c in calls] == [("a", hook), ("b", hook)]
    passed = calls[0][3].get("logs", calls[0][2][-1])
    assert passed == {"loss": 0.5} and type(passed["loss"]) is float


def test_logs_by_keyword_only_for_batch_hooks():
    calls = []

    class Positional(Callback):
        def on_epoch_end(self, epoch, epoch_logs=None):
            calls.append(epoch_logs)

        def on_train_batch_end(self, batch, logs=None):
            calls.append(logs)

    cb_list = CallbackList([Positional()])
    cb_list.on_epoch_end(0, {"a": 1})
    cb_list.on_train_batch_end(0, {"b": 2})
    assert calls == [{"a": 1.0}, {"b": 2.0}]


def test_default_train_batch_hooks_call_the_legacy_aliases():
    calls = []

    class Legacy(Callback):
        def on_batch_begin(self, batch, logs=None):
            calls.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            calls.append(("end", batch, logs))

    cb_list = CallbackList([Legacy()])
    cb_list.on_train_batch_begin(2)
    cb_list.on_train_batch_end(2, {"loss": 1})
    cb_list.on_test_batch_end(2, {"loss": 1})  # test batches do not reach on_batch_end
    assert calls == [("begin", 2), ("end", 2, {"loss": 1.0})]


def test_defaults_added_after_user_callbacks_history_first(model):
    user = Callback()
    cb_list = CallbackList([user], add_history=True, add_progbar=True, model=model)
    assert cb_list.callbacks[0] is user
    assert isinstance(cb_list.callbacks[1], History)
    assert isinstance(cb_list.callbacks[2], ProgbarLogger)
    assert model.history is cb_list.callbacks[1]
    assert all(cb.model is model for cb in cb_list.callbacks)
    assert cb_list.model is model


def test_existing_history_and_progbar_are_not_duplicated(model):
    history, progbar = History(), ProgbarLogger()
    cb_list = CallbackList([progbar, history], add_history=True, add_progbar=True, model=model)
    assert cb_list.callbacks == [progbar, history]
    assert model.history is history


def test_no_defaults_unless_asked():
    assert CallbackList().callbacks == []
    assert CallbackList(None, add_history=False).callbacks == []


def test_params_are_passed_to_every_callback():
    a, b = Callback(), Callback()
    cb_list = CallbackList([a, b], verbose=0, epochs=3, steps=7)
    assert a.params == b.params == cb_list.params == {"verbose": 0, "epochs": 3, "steps": 7}


def test_empty_params_and_none_model_leave_callbacks_alone(model):
    a = Callback()
    a.set_model(model)
    cb_list = CallbackList([a])
    assert a.params is None and a.model is model and cb_list.model is None


def test_non_callback_is_a_clear_error():
    with pytest.raises(TypeError, match="CallbackList: every callback must be"):
        CallbackList([lambda: None])


def test_end_without_begin_is_an_error():
    cb_list = CallbackList([Callback()])
    cb_list.on_test_begin()
    cb_list.on_test_end()
    with pytest.raises(ValueError, match="without a matching"):
        cb_list.on_test_end()


def test_pythonify_logs_flattens_sorts_and_converts():
    outputs = np.ones((2, 3))
    logs = {
        "z": lamina.ops.convert_to_tensor(np.float32(1.5)),
        "a": np.array(2, dtype="int32"),
        "nested": {"val_loss": np.float64(0.25)},
        "outputs": outputs,
        "name": "text",
    }
    result = pythonify_logs(logs)
    # Sorted by the outer key: nested entries sit where "nested" sorts.
    assert list(result) == ["a", "name", "val_loss", "outputs", "z"]
    assert result["a"] == 2.0 and type(result["a"]) is float
    assert result["z"] == 1.5 and type(result["z"]) is float
    assert result["outputs"] is outputs and result["name"] == "text"
    assert pythonify_logs(None) == {}


def test_history_records_epochs_and_sets_model_history(model, run):
    logs = [{"loss": 1.0, "val_loss": 2.0}, {"loss": 0.5, "val_loss": 1.5}]
    run([], model, logs)
    assert model.history.epoch == [0, 1]
    assert model.history.history == {"loss": [1.0, 0.5], "val_loss": [2.0, 1.5]}
    assert model.history.params == {"verbose": 0, "epochs": 2, "steps": 1}


def test_history_accumulates_over_fits_but_epochs_restart(model):
    history = History()
    for _ in range(2):
        cb_list = CallbackList([history], model=model)
        cb_list.on_train_begin()
        cb_list.on_epoch_end(0, {"loss": 1.0})
        cb_list.on_train_end()
    assert history.epoch == [0]
    assert history.history == {"loss": [1.0, 1.0]}


def test_lamina_namespace_exports():
    assert lamina.callbacks.Callback is Callback
    assert lamina.plugins.get("callbacks", "EarlyStopping") is lamina.callbacks.EarlyStopping
    with pytest.raises(AttributeError, match="EarlyStoping"):
        lamina.callbacks.EarlyStoping  # noqa: B018
