"""BackupAndRestore: what a backup holds, how `fit` resumes from it, and crash safety."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import lamina
from lamina.callbacks import BackupAndRestore, Callback

# One training run, shared by the in-process tests and the SIGKILL subprocesses: the
# run to kill, the run that resumes, and the uninterrupted reference give the same
# weights only if the data order, dropout draws and optimizer state all resume exactly.
TRAINING = textwrap.dedent(
    """
    import os
    import signal

    import numpy as np

    import lamina


    class KillAt(lamina.callbacks.Callback):
        def __init__(self, epoch, batch):
            super().__init__()
            self.at = (epoch, batch)

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            if (self.epoch, batch) == self.at:
                os.kill(os.getpid(), signal.SIGKILL)


    def train(callbacks=(), epochs=4):
        lamina.utils.set_random_seed(1234)
        x = np.random.standard_normal((40, 4)).astype("float32")
        y = (x @ np.array([[1.0], [-2.0], [0.5], [0.25]], "float32")).astype("float32")
        model = lamina.Sequential(
            [
                lamina.Input((4,)),
                lamina.layers.Dense(8, activation="relu"),
                lamina.layers.Dropout(0.25),
                lamina.layers.Dense(1),
            ]
        )
        model.compile(optimizer=lamina.optimizers.SGD(0.02, momentum=0.5), loss="mse")
        history = model.fit(
            x, y, batch_size=8, epochs=epochs, shuffle=True, callbacks=list(callbacks), verbose=0
        )
        return model, history
    """
)


def _training():
    namespace = {}
    exec(compile(TRAINING, "<training>", "exec"), namespace)
    return namespace


def _run_script(tmp_path, backup_dir, save_freq, kill=None):
    """Train in a subprocess (killed with SIGKILL at `kill=(epoch, batch)`); the
    final weights, when it finishes, are in the returned `.npz` path."""
    out = tmp_path / "weights.npz"
    script = TRAINING + textwrap.dedent(
        f"""
        backup = lamina.callbacks.BackupAndRestore({str(backup_dir)!r}, save_freq={save_freq!r})
        callbacks = [backup]
        if {kill!r} is not None:
            callbacks.append(KillAt(*{kill!r}))
        model, _ = train(callbacks)
        np.savez({str(out)!r}, *model.get_weights(), loss=model.history.history["loss"])
        """
    )
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    return process, out


@pytest.fixture(scope="module")
def uninterrupted():
    model, history = _training()["train"]()
    return model.get_weights(), history.history["loss"]


@pytest.mark.parametrize(
    "save_freq, kill, resumed_at",
    [
        # Killed mid-epoch 2: resumes from the backup of the end of epoch 1.
        ("epoch", (2, 3), {"epoch": 2, "batch": 0, "steps_done": 0}),
        # Backups every 3 batches (5 per epoch): the last one before the kill is after
        # the 2nd batch of epoch 2, and the resumed run starts at its 3rd batch.
        (3, (2, 3), {"epoch": 2, "batch": 1, "steps_done": 2}),
    ],
)
def test_a_run_killed_with_sigkill_resumes_to_the_same_weights(
    tmp_path, uninterrupted, save_freq, kill, resumed_at
):
    backup_dir = tmp_path / "backup"
    killed, out = _run_script(tmp_path, backup_dir, save_freq, kill=kill)
    assert killed.returncode == -9, killed.stderr
    assert not out.exists()
    with open(backup_dir / "training_metadata.json") as f:
        metadata = json.load(f)
    assert {key: metadata[key] for key in resumed_at} == resumed_at
    resumed, out = _run_script(tmp_path, backup_dir, save_freq)
    assert resumed.returncode == 0, resumed.stderr
    weights = np.load(out)
    expected, losses = uninterrupted
    for i, value in enumerate(expected):
        np.testing.assert_array_equal(weights[f"arr_{i}"], value)
    # The resumed epoch's loss counts the batches run before the kill too.
    np.testing.assert_array_equal(weights["loss"], losses[2:])
    assert not backup_dir.exists()


class Interrupt(Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("Interrupting!")


def test_resumes_at_the_saved_epoch_in_process(tmp_path, uninterrupted):
    train = _training()["train"]
    backup = BackupAndRestore(tmp_path / "backup", delete_checkpoint=False)
    with pytest.raises(RuntimeError, match="Interrupting!"):
        train([backup, Interrupt(3)])
    assert sorted(os.listdir(tmp_path / "backup")) == [
        "latest.weights.h5",
        "training_metadata.json",
    ]
    model, history = train([backup])
    # Only the epoch that was interrupted runs again, with the same loss as before.
    expected_weights, expected_losses = uninterrupted
    assert history.epoch == [3]
    np.testing.assert_allclose(history.history["loss"], expected_losses[3:], rtol=1e-6)
    for value, expected in zip(model.get_weights(), expected_weights):
        np.testing.assert_array_equal(value, expected)
    assert model._initial_epoch is None
    # The backup is kept; the finished run's next fit starts where it ended.
    _, history = train([backup])
    assert history.epoch == []


def test_the_backup_is_deleted_when_training_completes(tmp_path):
    backup = BackupAndRestore(str(tmp_path / "backup"))
    _training()["train"]([backup], epochs=1)
    assert not (tmp_path / "backup").exists()


def test_resumes_from_a_keras_written_metadata_file(tmp_path):
    train = _training()["train"]
    backup_dir = tmp_path / "backup"
    train([BackupAndRestore(backup_dir, delete_checkpoint=False)], epochs=1)
    # Keras writes only the epoch to resume at and the last batch seen.
    (backup_dir / "training_metadata.json").write_text('{"epoch": 2, "batch": 0}')
    _, history = train([BackupAndRestore(backup_dir)])
    assert history.epoch == [2, 3]


def test_double_checkpoint_falls_back_to_the_previous_backup(tmp_path):
    train = _training()["train"]
    backup_dir = tmp_path / "backup"
    train([BackupAndRestore(backup_dir, double_checkpoint=True, delete_checkpoint=False)], epochs=2)
    assert sorted(os.listdir(backup_dir)) == [
        "latest.weights.h5",
        "latest.weights.h5.bkp",
        "training_metadata.json",
        "training_metadata.json.bkp",
    ]
    with open(backup_dir / "training_metadata.json.bkp") as f:
        assert json.load(f)["epoch"] == 1
    (backup_dir / "latest.weights.h5").write_bytes(b"not an HDF5 file")
    _, history = train([BackupAndRestore(backup_dir, double_checkpoint=True)])
    assert history.epoch == [1, 2, 3]


def test_a_corrupted_backup_without_a_previous_one_fails_clearly(tmp_path):
    train = _training()["train"]
    backup_dir = tmp_path / "backup"
    train([BackupAndRestore(backup_dir, delete_checkpoint=False)], epochs=1)
    (backup_dir / "training_metadata.json").write_text('{"epoch": 1, ')
    with pytest.raises(ValueError, match=r"training_metadata\.json is corrupted"):
        train([BackupAndRestore(backup_dir)])


def test_a_crash_between_the_commit_and_the_rename_rolls_forward(tmp_path):
    train = _training()["train"]
    backup_dir = tmp_path / "backup"
    model, _ = train([BackupAndRestore(backup_dir, delete_checkpoint=False)], epochs=2)
    with open(backup_dir / "training_metadata.json") as f:
        metadata = json.load(f)
    # As if killed after writing the metadata that names the staged weights but before
    # the staged weights were renamed onto latest.weights.h5.
    os.replace(backup_dir / "latest.weights.h5", backup_dir / metadata["pending_weights"])
    (backup_dir / "staging-leftover.weights.h5").write_bytes(b"half-written")
    (backup_dir / ".training_metadata.json.abc.tmp").write_bytes(b"half-written")
    backup = BackupAndRestore(backup_dir, delete_checkpoint=False)
    resumed, history = train([backup], epochs=2)
    assert history.epoch == []
    for value, expected in zip(resumed.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(value, expected)
    assert sorted(os.listdir(backup_dir)) == ["latest.weights.h5", "training_metadata.json"]


def test_bad_arguments_and_unbuilt_models(tmp_path):
    with pytest.raises(ValueError, match="Empty `backup_dir`"):
        BackupAndRestore("")
    with pytest.raises(ValueError, match="Received: save_freq=batch"):
        BackupAndRestore(tmp_path, save_freq="batch")
    with pytest.raises(ValueError, match="preemption checkpointing; lamina has none"):
        BackupAndRestore(tmp_path, save_freq=False)
    with pytest.raises(TypeError, match=r"`backup_dir` must be a string.*int"):
        BackupAndRestore(3)
    model = lamina.Sequential([lamina.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="must be built before you call `fit\\(\\)`"):
        model.fit(np.ones((2, 3)), np.ones((2, 1)), callbacks=[BackupAndRestore(tmp_path)])


def test_a_backup_cut_short_leaves_the_previous_one_usable(tmp_path, monkeypatch):
    train = _training()["train"]
    backup_dir = tmp_path / "backup"
    save_weights = lamina.Sequential.save_weights
    calls = []

    def crash_on_second_save(model, filepath, overwrite=True):
        calls.append(filepath)
        if len(calls) == 2:
            with open(filepath, "wb") as f:
                f.write(b"half an HDF5 file")
            raise OSError("No space left on device")
        save_weights(model, filepath, overwrite=overwrite)

    monkeypatch.setattr(lamina.Sequential, "save_weights", crash_on_second_save)
    with pytest.raises(OSError, match="No space left"):
        train([BackupAndRestore(backup_dir)])
    monkeypatch.undo()
    _, history = train([BackupAndRestore(backup_dir, delete_checkpoint=False)])
    assert history.epoch == [1, 2, 3]
    assert sorted(os.listdir(backup_dir)) == ["latest.weights.h5", "training_metadata.json"]


def test_a_batch_level_backup_due_at_the_last_batch_waits_for_the_epoch_end(tmp_path):
    backup_dir = tmp_path / "backup"
    # 5 batches per epoch: the backup due after the 5th is the end-of-epoch one.
    _training()["train"]([BackupAndRestore(backup_dir, save_freq=5, delete_checkpoint=False)], 1)
    with open(backup_dir / "training_metadata.json") as f:
        metadata = json.load(f)
    assert (metadata["epoch"], metadata["batch"], metadata["steps_done"]) == (1, 0, 0)
