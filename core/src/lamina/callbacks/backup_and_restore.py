"""BackupAndRestore: back up the training state during `fit` and resume from it after a crash."""

from __future__ import annotations

import glob
import json
import os
import shutil
import uuid
import warnings

import numpy as np

from lamina.callbacks import random_state
from lamina.callbacks.batch_save_schedule import BatchSaveSchedule
from lamina.callbacks.callback import Callback
from lamina.saving.atomic_files import atomic_path

_WEIGHTS = "latest.weights.h5"
_METADATA = "training_metadata.json"
_STAGING_PREFIX = "staging-"


class BackupAndRestore(Callback):
    """Back up the training state, and restore it when `fit` starts again after a crash.

    The backup holds the weights (optimizer state included) in `latest.weights.h5`
    and, in `training_metadata.json`, where training stands (`epoch`, `batch`) and the
    global random states, so that a run killed at any point (even by SIGKILL)
    resumes from its last backup and ends with the same weights as a run that was
    never interrupted, given the same seed. Backups are committed atomically: a crash
    while writing one leaves the previous one usable. A run resumed mid-epoch draws
    that epoch's first batches again without training on them, so the data must
    restart from its beginning each epoch (arrays, datasets, `PyDataset`s) for the
    order to match.

    Args:
        backup_dir: folder for the backup, used by nothing else (not by another
            run's `BackupAndRestore`, nor by a `ModelCheckpoint`).
        save_freq: `"epoch"` (back up at the end of each epoch) or an integer: every
            that many batches (mid-epoch backups resume mid-epoch).
        double_checkpoint: also keep the previous backup (`*.bkp`), restored when
            the latest one cannot be read.
        delete_checkpoint: delete `backup_dir` once `fit` completes.

    Example:
        >>> backup = lamina.callbacks.BackupAndRestore(backup_dir="/tmp/backup")
        >>> model.fit(x, y, epochs=10, callbacks=[backup])  # killed at epoch 4...
        >>> model.fit(x, y, epochs=10, callbacks=[backup])  # ...runs epochs 4 to 9
    """

    def __init__(
        self,
        backup_dir,
        save_freq="epoch",
        double_checkpoint=False,
        delete_checkpoint=True,
    ):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if not isinstance(backup_dir, (str, os.PathLike)):
            raise TypeError(
                "BackupAndRestore: `backup_dir` must be a string or an `os.PathLike`. "
                f"Received: backup_dir={backup_dir!r} (of type {type(backup_dir).__name__})"
            )
        if save_freq is False:
            raise ValueError(
                "Invalid value for argument `save_freq`. Received: save_freq=False, which "
                "Keras keeps for TensorFlow's preemption checkpointing; lamina has none. "
                "Expected either 'epoch' or an integer value."
            )
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int)):
            raise ValueError(
                "Invalid value for argument `save_freq`. "
                f"Received: save_freq={save_freq}. "
                "Expected either 'epoch' or an integer value."
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, _WEIGHTS)
        self._training_metadata_path = os.path.join(self.backup_dir, _METADATA)
        self._prev_weights_path = f"{self._weights_path}.bkp"
        self._prev_training_metadata_path = f"{self._training_metadata_path}.bkp"
        self._schedule = None if save_freq == "epoch" else BatchSaveSchedule(save_freq)
        self._current_epoch = 0
        self._epoch_numpy_state = None
        self._restored = False
        self._pending_metrics = None
        self._backup_at_epoch_end = False

    # ------------------------------------------------------------------ restore
    def on_train_begin(self, logs=None):
        if not self.model.built:
            raise ValueError(
                "To use the BackupAndRestore callback, you model must be built before you "
                f"call `fit()`. Model {self.model} is unbuilt. You can build it beforehand "
                "by calling it on a batch of data."
            )
        self._backup_at_epoch_end = False
        try:
            self._finish_interrupted_commit()
            self._load_model()
        except (OSError, ValueError):
            # The latest backup is unreadable (corrupted on disk): fall back to the previous.
            if not os.path.exists(self._prev_weights_path):
                raise
            _copy_atomically(self._prev_weights_path, self._weights_path)
            if os.path.exists(self._prev_training_metadata_path):
                _copy_atomically(self._prev_training_metadata_path, self._training_metadata_path)
            elif os.path.exists(self._training_metadata_path):
                os.remove(self._training_metadata_path)
            self._load_model()

    def _finish_interrupted_commit(self) -> None:
        """Complete a backup whose metadata was committed but whose weights were not yet
        renamed into place; drop staged weights that were never committed."""
        metadata = self._read_metadata(self._training_metadata_path, missing_ok=True)
        pending = (metadata or {}).get("pending_weights")
        if pending and os.path.exists(os.path.join(self.backup_dir, pending)):
            os.replace(os.path.join(self.backup_dir, pending), self._weights_path)
        # Staged weights never committed, and temporary files of writes cut short.
        folder = glob.escape(self.backup_dir)
        stale = glob.glob(os.path.join(folder, f"{_STAGING_PREFIX}*.weights.h5"))
        stale += glob.glob(os.path.join(folder, ".*.tmp"))
        for path in stale:
            os.remove(path)

    def _load_model(self) -> None:
        """Load the backed-up weights and training position into the model, if any."""
        self._restored = False
        if os.path.exists(self._weights_path):
            optimizer = getattr(self.model, "optimizer", None)
            if optimizer is not None and not optimizer.built:
                # The optimizer's variables must exist to receive their saved values.
                optimizer.build(self.model.trainable_variables)
            self.model.load_weights(self._weights_path)
        metadata = self._read_metadata(self._training_metadata_path, missing_ok=True)
        if metadata is None:
            return
        self._current_epoch = metadata["epoch"]
        steps_done = metadata.get("steps_done", 0)
        self.model._initial_epoch = self._current_epoch
        self.model._initial_step = steps_done
        if self._schedule is not None:
            self._schedule.resume(steps_done)
        self._pending_metrics = metadata.get("metrics")
        saved_random = metadata.get("random_state")
        if saved_random is not None:
            random_state.set_numpy_state(saved_random["numpy"])
            random_state.set_model_random_state(saved_random["model"])
            random_state.set_seed_states(self.model, saved_random["seed_generators"])
        self._restored = True

    def _read_metadata(self, path: str, missing_ok: bool) -> dict | None:
        if missing_ok and not os.path.exists(path):
            return None
        try:
            with open(path, encoding="utf-8") as f:
                metadata = json.load(f)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"BackupAndRestore: the training metadata file {path} is corrupted ({error}). "
                "Delete the backup folder to start training from scratch, or use "
                "`double_checkpoint=True` to keep a previous backup to fall back on."
            ) from None
        if not isinstance(metadata, dict) or not isinstance(metadata.get("epoch"), int):
            raise ValueError(
                f"BackupAndRestore: the training metadata file {path} does not hold an "
                f'integer "epoch". Received: {metadata!r}'
            )
        return metadata

    # ------------------------------------------------------------------ back up
    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch
        # What a run resumed inside this epoch needs to shuffle it the same way again.
        self._epoch_numpy_state = random_state.get_numpy_state()

    def on_train_batch_begin(self, batch, logs=None):
        if self._pending_metrics is not None:
            # Resumed mid-epoch: the epoch's metrics go on from the batches already run.
            # Set now, not earlier: `fit` resets (and may first build) them before.
            self._restore_metrics(self._pending_metrics)
            self._pending_metrics = None

    def _restore_metrics(self, values: list) -> None:
        variables = self.model.metrics_variables
        if len(variables) != len(values):
            warnings.warn(
                f"BackupAndRestore: the backup holds {len(values)} metric variables but the "
                f"model has {len(variables)} (was it compiled with other metrics?). The "
                "resumed epoch's metrics count only the batches run after the restore.",
                stacklevel=2,
            )
            return
        for variable, value in zip(variables, values):
            variable.assign(np.asarray(value, dtype=variable.dtype))

    def on_train_batch_end(self, batch, logs=None):
        if self._schedule is None or not self._schedule.is_due(batch):
            return
        if batch + 1 == (self.params or {}).get("steps"):
            # The epoch's last batch: back up once the epoch ends instead, so that a
            # resumed run starts the next epoch rather than an epoch with nothing to run.
            self._backup_at_epoch_end = True
        else:
            self._save_model(epoch=self._current_epoch, batch=batch, steps_done=batch + 1)

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        if self._schedule is None or self._backup_at_epoch_end:
            self._save_model(epoch=epoch + 1, batch=0, steps_done=0)
            self._backup_at_epoch_end = False
        if self._schedule is not None:
            self._schedule.start_epoch()

    def _save_model(self, epoch: int, batch: int, steps_done: int) -> None:
        """Write a backup: weights to a staging file, then the metadata naming it (the
        commit), then the rename into place, so a crash at any point leaves one whole
        backup."""
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._weights_path):
            _copy_atomically(self._weights_path, self._prev_weights_path)
            if os.path.exists(self._training_metadata_path):
                _copy_atomically(self._training_metadata_path, self._prev_training_metadata_path)
        staging = f"{_STAGING_PREFIX}{uuid.uuid4().hex}.weights.h5"
        staging_path = os.path.join(self.backup_dir, staging)
        self.model.save_weights(staging_path, overwrite=True)
        # Mid-epoch, the resumed run must draw this epoch's data order again.
        numpy_state = self._epoch_numpy_state
        if not steps_done or numpy_state is None:
            numpy_state = random_state.get_numpy_state()
        metadata = {
            # Keras's keys: the epoch to resume at and the last batch seen in it.
            "epoch": epoch,
            "batch": batch,
            "steps_done": steps_done,
            "pending_weights": staging,
            # Mid-epoch, the epoch's metrics so far (the next epoch resets them anyway).
            "metrics": (
                [np.asarray(v.numpy()).tolist() for v in self.model.metrics_variables]
                if steps_done
                else None
            ),
            "random_state": {
                "numpy": numpy_state,
                "model": random_state.get_model_random_state(),
                "seed_generators": random_state.get_seed_states(self.model),
            },
        }
        with atomic_path(self._training_metadata_path) as temp, open(temp, "w") as f:
            json.dump(metadata, f)
        os.replace(staging_path, self._weights_path)

    # ------------------------------------------------------------------ end
    def on_train_end(self, logs=None):
        if self._restored:
            # The resume position applies to the interrupted run only, not to later fits.
            self.model._initial_epoch = None
            self.model._initial_step = None
            self._restored = False
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)


def _copy_atomically(source: str, target: str) -> None:
    with atomic_path(target) as temp:
        shutil.copyfile(source, temp)
