"""ModelCheckpoint and BackupAndRestore against Keras 3 (JAX) inside real `fit` runs.

Both libraries train the same model from the same initial weights on the same data
(shuffle=False, SGD with momentum): the checkpoints must have the same names, the
verbose messages the same text, and a backup written by either library must let the
other resume training to the weights of an uninterrupted Keras run.
"""

import os

import numpy as np
import pytest
from harness import keras

import lamina

LIBS = {"lamina": lamina, "keras": keras}
RTOL, ATOL = 1e-5, 1e-6

# Keras's own Variable.numpy() on JAX trips NumPy 2's `copy=` deprecation inside Keras's fit.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((30, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [0.25]], "float32")).astype("float32")
    return x[:24], y[:24], (x[24:], y[24:])


def _initial_weights():
    keras.utils.set_random_seed(0)
    return _model(keras).get_weights()


def _model(lib, weights=None):
    model = lib.Sequential(
        [lib.Input((4,)), lib.layers.Dense(5, activation="tanh"), lib.layers.Dense(1)]
    )
    if weights is not None:
        model.set_weights(weights)
    model.compile(optimizer=lib.optimizers.SGD(0.05, momentum=0.9), loss="mse", metrics=["mae"])
    # Built, so that loading a checkpoint restores the optimizer state too.
    model.optimizer.build(model.trainable_variables)
    return model


def _fit(lib, model, callbacks, epochs=4):
    x, y, validation = _data()
    return model.fit(
        x,
        y,
        batch_size=8,
        epochs=epochs,
        validation_data=validation,
        shuffle=False,
        callbacks=callbacks,
        verbose=0,
    )


def test_model_checkpoint_names_messages_and_files(tmp_path, capsys):
    weights = _initial_weights()
    outputs = {}
    for name, lib in LIBS.items():
        folder = tmp_path / name
        best = lib.callbacks.ModelCheckpoint(
            str(folder / "{epoch:02d}-{val_loss:.3f}.weights.h5"),
            save_best_only=True,
            save_weights_only=True,
            monitor="val_mae",
            verbose=1,
        )
        batches = lib.callbacks.ModelCheckpoint(
            str(folder / "b-{epoch}-{batch}.keras"), save_freq=2, verbose=1
        )
        _fit(lib, _model(lib, weights), [best, batches])
        outputs[name] = (
            sorted(os.listdir(folder)),
            capsys.readouterr().out.replace(str(folder), "<dir>"),
        )
    assert outputs["lamina"] == outputs["keras"]
    # The best checkpoint written by lamina holds the weights Keras's holds.
    last_best = [f for f in outputs["lamina"][0] if f.endswith(".weights.h5")][-1]
    k_model, l_model = _model(keras, weights), _model(lamina, weights)
    k_model.load_weights(str(tmp_path / "lamina" / last_best))
    l_model.load_weights(str(tmp_path / "keras" / last_best))
    reference = _model(keras, weights)
    reference.load_weights(str(tmp_path / "keras" / last_best))
    for k_value, l_value, expected in zip(
        k_model.get_weights(), l_model.get_weights(), reference.get_weights(), strict=True
    ):
        np.testing.assert_allclose(k_value, expected, rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(l_value, expected, rtol=RTOL, atol=ATOL)


def _interrupt(lib, epoch):
    class Interrupt(lib.callbacks.Callback):
        def on_epoch_begin(self, current, logs=None):
            if current == epoch:
                raise RuntimeError("Interrupting!")

    return Interrupt()


@pytest.mark.parametrize("writer, reader", [("keras", "lamina"), ("lamina", "keras")])
def test_backup_written_by_one_library_resumes_in_the_other(tmp_path, writer, reader):
    weights = _initial_weights()
    uninterrupted = _model(keras, weights)
    _fit(keras, uninterrupted, [])
    backup_dir = str(tmp_path / "backup")

    lib = LIBS[writer]
    with pytest.raises(RuntimeError, match="Interrupting!"):
        _fit(
            lib,
            _model(lib, weights),
            [lib.callbacks.BackupAndRestore(backup_dir), _interrupt(lib, 2)],
        )
    lib = LIBS[reader]
    resumed = _model(lib, weights)
    history = _fit(lib, resumed, [lib.callbacks.BackupAndRestore(backup_dir)])
    assert history.epoch == [2, 3]
    assert not os.path.exists(backup_dir)
    for value, expected in zip(resumed.get_weights(), uninterrupted.get_weights(), strict=True):
        np.testing.assert_allclose(value, expected, rtol=RTOL, atol=ATOL)
