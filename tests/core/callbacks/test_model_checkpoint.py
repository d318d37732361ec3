"""ModelCheckpoint: when it saves, where (filepath templates) and what it prints."""

import os
import pathlib

import numpy as np
import pytest

import lamina
from lamina.callbacks import CallbackList, ModelCheckpoint


class SavingModel:
    """The parts of a Model that ModelCheckpoint uses; each save writes a small file."""

    def __init__(self):
        self.stop_training = False
        self.metrics = []
        self.saved = []

    def save(self, filepath, overwrite=True):
        self._write("model", filepath)

    def save_weights(self, filepath, overwrite=True):
        self._write("weights", filepath)

    def _write(self, kind, filepath):
        pathlib.Path(filepath).write_text(kind)
        self.saved.append((kind, os.path.basename(filepath)))


def _fit(checkpoint, epoch_logs, steps=1, batch_ends=None, batch_logs=None):
    """Call the hooks as `fit` does; `batch_ends` are the indices of each step's last batch."""
    model = SavingModel()
    callbacks = CallbackList([checkpoint], model=model, verbose=0, epochs=len(epoch_logs))
    callbacks.on_train_begin()
    for epoch, logs in enumerate(epoch_logs):
        callbacks.on_epoch_begin(epoch)
        for end in batch_ends if batch_ends is not None else range(steps):
            callbacks.on_train_batch_begin(end)
            callbacks.on_train_batch_end(end, dict(batch_logs or logs))
        callbacks.on_epoch_end(epoch, dict(logs))
    callbacks.on_train_end()
    return model.saved


def _val(*values):
    return [{"loss": 1.0, "val_loss": v} for v in values]


def test_saves_every_epoch_with_a_filled_template(tmp_path):
    path = tmp_path / "ckpt" / "{epoch:02d}-{val_loss:.2f}.keras"
    saved = _fit(ModelCheckpoint(path), _val(0.5, 0.25, 0.75))
    assert saved == [
        ("model", "01-0.50.keras"),
        ("model", "02-0.25.keras"),
        ("model", "03-0.75.keras"),
    ]
    assert sorted(os.listdir(tmp_path / "ckpt")) == [
        "01-0.50.keras",
        "02-0.25.keras",
        "03-0.75.keras",
    ]


def test_save_weights_only_and_h5_full_models(tmp_path):
    saved = _fit(ModelCheckpoint(str(tmp_path / "w.weights.h5"), save_weights_only=True), _val(1.0))
    assert saved == [("weights", "w.weights.h5")]
    assert _fit(ModelCheckpoint(str(tmp_path / "m.h5")), _val(1.0)) == [("model", "m.h5")]


@pytest.mark.parametrize(
    "kwargs, values, saved_epochs",
    [
        ({}, (1.0, 0.5, 0.7, 0.2), [1, 2, 4]),
        ({"mode": "max"}, (1.0, 0.5, 1.5, 1.2), [1, 3]),
        ({"initial_value_threshold": 0.6}, (1.0, 0.5, 0.7, 0.2), [2, 4]),
        ({"mode": "max", "initial_value_threshold": 2.0}, (1.0, 0.5, 1.5, 1.2), []),
    ],
)
def test_save_best_only(tmp_path, kwargs, values, saved_epochs):
    path = str(tmp_path / "{epoch}.keras")
    saved = _fit(ModelCheckpoint(path, save_best_only=True, **kwargs), _val(*values))
    assert saved == [("model", f"{epoch}.keras") for epoch in saved_epochs]


def test_auto_mode_follows_the_metric_direction(tmp_path):
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", "accuracy"])
    model.evaluate(np.ones((2, 2)), np.ones((2, 1)), verbose=0)
    saving_model = SavingModel()
    saving_model.metrics = model.metrics
    path = str(tmp_path / "{epoch}.keras")
    for monitor, values, expected in [
        ("val_accuracy", (0.5, 0.4, 0.9), [1, 3]),
        ("mae", (0.5, 0.4, 0.9), [1, 2]),
    ]:
        checkpoint = ModelCheckpoint(path, monitor=monitor, save_best_only=True)
        checkpoint.set_model(saving_model)
        for epoch, value in enumerate(values):
            checkpoint.on_epoch_begin(epoch)
            checkpoint.on_epoch_end(epoch, {monitor: value})
        assert saving_model.saved == [("model", f"{epoch}.keras") for epoch in expected]
        saving_model.saved.clear()


def test_auto_mode_with_an_unknown_direction_fails_at_epoch_end(tmp_path):
    checkpoint = ModelCheckpoint(str(tmp_path / "m.keras"), monitor="custom")
    with pytest.raises(ValueError, match=r"monitor=custom.*mode='max'"):
        _fit(checkpoint, [{"custom": 1.0}])


def test_batch_frequency_counts_batches_across_epochs(tmp_path):
    path = str(tmp_path / "e{epoch}-b{batch}.weights.h5")
    checkpoint = ModelCheckpoint(path, save_weights_only=True, save_freq=3)
    saved = _fit(checkpoint, [{"loss": 1.0}] * 2, steps=4)
    assert [name for _, name in saved] == ["e1-b3.weights.h5", "e2-b2.weights.h5"]


def test_batch_frequency_with_steps_per_execution(tmp_path):
    path = str(tmp_path / "e{epoch}-b{batch}.keras")
    # Two batches per step: the hooks see the last batch index of each step.
    saved = _fit(ModelCheckpoint(path, save_freq=4), [{"loss": 1.0}] * 2, batch_ends=[1, 3, 5])
    assert [name for _, name in saved] == ["e1-b4.keras", "e2-b2.keras", "e2-b6.keras"]


def test_batch_level_save_best_only_before_any_epoch_end(tmp_path):
    path = str(tmp_path / "b{batch}.keras")
    checkpoint = ModelCheckpoint(path, monitor="loss", save_best_only=True, save_freq=1)
    model = SavingModel()
    checkpoint.set_model(model)
    checkpoint.on_epoch_begin(0)
    for batch, loss in enumerate([1.0, 0.5, 0.7]):
        checkpoint.on_train_batch_end(batch, {"loss": loss})
    assert [name for _, name in model.saved] == ["b1.keras", "b2.keras"]


def test_a_batch_key_in_the_logs_wins_over_the_batch_index(tmp_path):
    path = str(tmp_path / "b{batch:g}.keras")
    saved = _fit(ModelCheckpoint(path, save_freq=1), [{"loss": 1.0}], batch_logs={"batch": 7})
    assert saved == [("model", "b7.keras")]


def test_verbose_messages(tmp_path, capsys):
    path = str(tmp_path / "m.keras")
    _fit(ModelCheckpoint(path, verbose=1), _val(0.5))
    assert capsys.readouterr().out == (
        f"\nEpoch 1: saving model to {path}\n\nEpoch 1: finished saving model to {path}\n"
    )
    _fit(ModelCheckpoint(path, verbose=1, save_best_only=True), _val(0.5, 0.7))
    assert capsys.readouterr().out == (
        f"\nEpoch 1: val_loss improved from None to 0.50000, saving model to {path}\n"
        f"\nEpoch 1: finished saving model to {path}\n"
        "\nEpoch 2: val_loss did not improve from 0.50000\n"
    )


def test_missing_or_non_scalar_monitor_saves_with_a_warning(tmp_path):
    path = str(tmp_path / "{epoch}.keras")
    with pytest.warns(UserWarning, match="Can save best model only with val_loss available"):
        saved = _fit(ModelCheckpoint(path, save_best_only=True), [{"loss": 1.0}])
    assert saved == [("model", "1.keras")]
    checkpoint = ModelCheckpoint(path, monitor="loss", save_best_only=True, mode="min")
    with pytest.warns(UserWarning, match="Falling back to `save_best_only=False`"):
        saved = _fit(checkpoint, [{"loss": np.array([1.0, 2.0])}])
    assert saved == [("model", "1.keras")]


def test_template_errors_name_the_filepath(tmp_path):
    with pytest.raises(
        KeyError, match=r"Failed to format this callback filepath.*val_acc.*Available fields"
    ):
        _fit(ModelCheckpoint(str(tmp_path / "{val_acc}.keras")), _val(1.0))
    # `{batch}` is only filled for batch-level saves.
    with pytest.raises(KeyError, match=r"Reason: .*batch"):
        _fit(ModelCheckpoint(str(tmp_path / "{batch}.keras")), _val(1.0))
    with pytest.raises(ValueError, match=r"failed to format the filepath.*epoch:02d"):
        _fit(ModelCheckpoint(str(tmp_path / "{val_loss:02d}.keras")), _val(1.5))


def test_an_existing_directory_is_refused(tmp_path):
    (tmp_path / "dir.keras").mkdir()
    with pytest.raises(OSError, match="non-directory filepath for ModelCheckpoint"):
        _fit(ModelCheckpoint(str(tmp_path / "dir.keras")), _val(1.0))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"filepath": "w.h5", "save_weights_only": True}, ValueError, "must end in `.weights.h5`"),
        ({"filepath": "m.weights"}, ValueError, r"must end in `.keras`.*filepath=m.weights"),
        ({"filepath": "m.keras", "save_freq": "batch"}, ValueError, "Unrecognized save_freq"),
        ({"filepath": "m.keras", "save_freq": True}, ValueError, "Unrecognized save_freq"),
        ({"filepath": 3}, TypeError, "string or an `os.PathLike`.*int"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        ModelCheckpoint(**kwargs)


def test_accepts_path_objects_and_warns_on_unknown_mode(tmp_path):
    with pytest.warns(UserWarning, match="ModelCheckpoint mode 'best' is unknown"):
        checkpoint = ModelCheckpoint(tmp_path / "m.keras", mode="best")
    assert checkpoint.filepath == str(tmp_path / "m.keras") and checkpoint.mode == "auto"


class WeightsPerEpoch(lamina.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def _trained(tmp_path, checkpoint, epochs=4):
    lamina.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((24, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    model.compile(optimizer=lamina.optimizers.SGD(0.3), loss="mse", metrics=["mae"])
    record = WeightsPerEpoch()
    history = model.fit(
        x,
        y,
        batch_size=8,
        epochs=epochs,
        validation_split=0.25,
        callbacks=[checkpoint, record],
        verbose=0,
    )
    return model, history, record.weights


def test_fit_saves_the_best_model_and_it_loads_back(tmp_path):
    path = str(tmp_path / "best.keras")
    checkpoint = ModelCheckpoint(path, monitor="val_mae", save_best_only=True)
    _, history, weights = _trained(tmp_path, checkpoint)
    best_epoch = int(np.argmin(history.history["val_mae"]))
    loaded = lamina.models.load_model(path)
    for value, expected in zip(loaded.get_weights(), weights[best_epoch]):
        np.testing.assert_array_equal(value, expected)
    assert loaded.optimizer.iterations.numpy() == 3 * (best_epoch + 1)


def test_fit_saves_weights_every_n_batches(tmp_path):
    path = str(tmp_path / "{epoch}-{batch}.weights.h5")
    checkpoint = ModelCheckpoint(path, save_weights_only=True, save_freq=2)
    model, _, _ = _trained(tmp_path, checkpoint, epochs=2)
    # 3 batches per epoch: saved after batches 2 (epoch 1), then 1 and 3 (epoch 2).
    assert sorted(os.listdir(tmp_path)) == ["1-2.weights.h5", "2-1.weights.h5", "2-3.weights.h5"]
    # The last save is the final state; it loads into a fresh model, optimizer included.
    fresh = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    fresh.compile(optimizer=lamina.optimizers.SGD(0.3), loss="mse", metrics=["mae"])
    fresh.optimizer.build(fresh.trainable_variables)
    fresh.load_weights(str(tmp_path / "2-3.weights.h5"))
    for value, expected in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(value, expected)
    assert fresh.optimizer.iterations.numpy() == 6
