"""`Trainer`: compile/fit/evaluate/predict, mixed into `Model` before `Layer` (as Keras 3).

Every step runs eagerly: `train_step` records the forward pass and the loss on a
`GradientTape`, takes the gradients of the trainable variables and lets the optimizer
apply them. `train_step`, `test_step` and `predict_step` can be overridden; `fit`,
`evaluate` and `predict` then run them inside the usual loop (callbacks, progress bar,
validation, History).
"""

from __future__ import annotations

import inspect
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from lamina.autodiff import GradientTape, Tensor
from lamina.autodiff.nest import flatten, pack_like
from lamina.layers.layer import no_automatic_dependency_tracking
from lamina.trainers import compile_utils
from lamina.trainers.data_adapters import data_adapter_utils
from lamina.trainers.data_adapters.data_adapter_utils import unpack_x_y_sample_weight
from lamina.trainers.epoch_iterator import EpochIterator
from lamina.trainers.first_batch_checks import (
    check_losses_on_batch,
    check_metrics_on_batch,
    check_sparse_labels,
    inference_outputs,
)

if TYPE_CHECKING:
    from lamina.callbacks import History


class Trainer:
    """The training API of `Model`: `compile`, `fit`, `evaluate`, `predict` and the steps.

    Example:
        >>> model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        >>> history = model.fit(np.ones((8, 4)), np.ones((8, 1)), epochs=2, verbose=0)
        >>> sorted(history.history)
        ['loss', 'mae']
    """

    # Class-level defaults: a model has them before (and without) `compile()`.
    compiled = False
    optimizer = None
    loss = None
    stop_training = False
    stop_evaluating = False
    stop_predicting = False
    history = None
    steps_per_execution = 1
    train_function = None
    test_function = None
    predict_function = None
    _compile_loss = None
    _compile_metrics = None
    _loss_tracker = None
    _compile_config = None
    _initial_epoch = None
    # Batches of the first epoch an interrupted run already trained on (BackupAndRestore
    # sets it): they are drawn again, keeping the data order, but not trained on.
    _initial_step = None
    _eval_epoch_iterator = None
    _run_eagerly = False
    _jit_compile = False
    _optimizer_error = None
    # (trainable weights, metrics) while `fit`/`evaluate` run an epoch: both are read
    # every step, and finding them walks every layer.
    _run_cache = None

    @no_automatic_dependency_tracking
    def _set_run_cache(self, value) -> None:
        # Untracked: the tracker would otherwise adopt the cached variables as the
        # model's own and reorder `model.weights`.
        self._run_cache = value

    # ------------------------------------------------------------------ compile
    @no_automatic_dependency_tracking
    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        loss_weights=None,
        metrics=None,
        weighted_metrics=None,
        run_eagerly=False,
        steps_per_execution=1,
        jit_compile="auto",
        auto_scale_loss=True,
    ):
        """Configure the model for training.

        Args:
            optimizer: an optimizer name (`"sgd"`; other names need `lamina-optim`) or
                instance. The default `"rmsprop"` comes from `lamina-optim`: without that
                plugin the error is raised when training starts.
            loss: a loss name, function or `lamina.losses.Loss`; for several outputs a
                list (output order) or a dict keyed by output name.
            loss_weights: scalar coefficients of each output's loss (list or dict).
            metrics: metrics (names, functions, `Metric`s), evaluated without sample
                weights; a list, or per output a list of lists or a dict. `"accuracy"`
                and `"acc"` become binary, categorical or sparse-categorical accuracy
                from the shapes of the targets and outputs.
            weighted_metrics: metrics evaluated with `sample_weight`/`class_weight`.
            run_eagerly: accepted for Keras compatibility (lamina always runs eagerly).
            steps_per_execution: batches run per call of the step function; batch-level
                callbacks see one call per `steps_per_execution` batches.
            jit_compile: accepted for Keras compatibility (lamina has no compiler: False).
            auto_scale_loss: with a `"mixed_float16"` policy, wrap the optimizer in a
                `LossScaleOptimizer`.

        Example:
            >>> model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
        """
        from lamina import metrics as metrics_module
        from lamina import optimizers

        # Every argument is checked before the model changes.
        if not isinstance(steps_per_execution, int) or steps_per_execution < 1:
            raise ValueError(
                "compile(): `steps_per_execution` must be a positive integer. "
                f"Received: steps_per_execution={steps_per_execution!r}"
            )
        compile_utils.check_identifiers(loss, metrics, weighted_metrics)
        resolved, optimizer_error = _resolve_optimizer(optimizer, optimizers)
        output_names = getattr(self, "output_names", None)
        compile_loss = None
        if loss is not None:
            compile_loss = compile_utils.CompileLoss(loss, loss_weights, output_names=output_names)
        # Keras keeps the previous compile's metrics when none are given; a new compile()
        # starts from what it is given.
        compile_metrics = None
        if metrics is not None or weighted_metrics is not None:
            compile_metrics = compile_utils.CompileMetrics(
                metrics, weighted_metrics, output_names=output_names
            )
        if jit_compile and jit_compile != "auto":
            warnings.warn(
                "lamina runs every step eagerly on NumPy/CuPy and has no compiler: "
                "proceeding with `jit_compile=False`.",
                stacklevel=2,
            )

        self.optimizer = resolved
        self._optimizer_error = optimizer_error
        if (
            auto_scale_loss
            and self.dtype_policy.name == "mixed_float16"
            and resolved is not None
            and not isinstance(resolved, optimizers.LossScaleOptimizer)
        ):
            self.optimizer = optimizers.LossScaleOptimizer(resolved, name="loss_scale_optimizer")
        self._compile_loss = compile_loss
        self._compile_metrics = compile_metrics
        self.loss = loss
        self._jit_compile = False
        self._run_eagerly = bool(run_eagerly)
        self.stop_training = False
        self.compiled = True
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.steps_per_execution = steps_per_execution
        self.train_function = None
        self.test_function = None
        self.predict_function = None
        self._compiled_trainable_state = {
            id(layer): layer.trainable for layer in self._flatten_layers()
        }
        self._compile_config = {
            "optimizer": optimizer if resolved is None else resolved,
            "loss": loss,
            "loss_weights": loss_weights,
            "metrics": metrics,
            "weighted_metrics": weighted_metrics,
            "run_eagerly": run_eagerly,
            "steps_per_execution": steps_per_execution,
            "jit_compile": False,
        }

    @property
    def jit_compile(self) -> bool:
        """Always False: lamina runs steps eagerly (kept for Keras compatibility)."""
        return self._jit_compile

    @jit_compile.setter
    def jit_compile(self, value):
        if value:
            warnings.warn(
                "lamina has no compiler: proceeding with `jit_compile=False`.", stacklevel=2
            )
        self._jit_compile = False

    @property
    def run_eagerly(self) -> bool:
        """Whether `compile(run_eagerly=True)` was asked (lamina always runs eagerly)."""
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value):
        self._run_eagerly = bool(value)

    # ------------------------------------------------------------------ metrics
    @property
    def metrics(self) -> list:
        """The loss tracker (`"loss"`), the compiled metrics, each output's loss tracker,
        then the metrics tracked on the model and its layers."""
        if self._run_cache is not None:
            return list(self._run_cache[1])
        return self._collect_metrics()

    def _collect_metrics(self) -> list:
        metrics = self._get_own_metrics()
        seen = {id(m) for m in metrics}
        for layer in self._flatten_layers(include_self=False):
            if isinstance(layer, Trainer):
                continue
            for m in layer._metrics:
                if id(m) not in seen:
                    seen.add(id(m))
                    metrics.append(m)
        return metrics

    def _get_own_metrics(self) -> list:
        metrics = []
        if self.compiled:
            if self._loss_tracker is not None:
                metrics.append(self._loss_tracker)
            if self._compile_metrics is not None:
                metrics.append(self._compile_metrics)
            if self._compile_loss is not None:
                metrics.extend(self._compile_loss.metrics)
        seen = {id(m) for m in metrics}
        metrics.extend(m for m in self._metrics if id(m) not in seen)
        return metrics

    @property
    def metrics_names(self) -> list:
        """The names of `metrics` (`"compile_metrics"` stands for all compiled metrics)."""
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        """Reset the state of every metric in `metrics`."""
        for m in self.metrics:
            m.reset_state()

    @property
    def compiled_metrics(self):
        """The compiled metrics container (tf.keras style): `update_state(y, y_pred,
        sample_weight=None)` updates the metrics given to `compile()`."""
        if self._compile_metrics is None:
            return compile_utils.CompileMetrics(None, None)
        return self._compile_metrics

    def compiled_loss(self, y, y_pred, sample_weight=None, regularization_losses=None) -> Tensor:
        """The compiled loss plus `regularization_losses` (tf.keras style), also tracked
        in the `"loss"` metric.

        Args:
            y: targets.
            y_pred: the model's predictions.
            sample_weight: per-sample weights.
            regularization_losses: extra scalar losses to add, e.g. `self.losses`.

        Example:
            >>> loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        """
        self._assert_compile_called("compiled_loss")
        losses = []
        if self._compile_loss is not None:
            losses.append(self._compile_loss(y, y_pred, sample_weight))
        losses.extend(self._aggregate_additional_loss(x) for x in regularization_losses or ())
        if not losses:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        total = _sum(losses)
        self._loss_tracker.update_state(total, sample_weight=_batch_size_of(y_pred))
        return total

    # ------------------------------------------------------------------ loss and steps
    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ) -> Tensor:
        """The total loss: the compiled loss plus the model's `losses` (regularization,
        activity and `add_loss` losses).

        Args:
            x: the inputs (unused by default).
            y: the targets.
            y_pred: the model's predictions for `x`.
            sample_weight: per-sample weights of the compiled loss.
            training: whether the step is a training step.

        Example:
            >>> loss = self.compute_loss(y=y, y_pred=y_pred)
        """
        del x, training
        losses = []
        if self._compile_loss is not None:
            value = self._compile_loss(y, y_pred, sample_weight)
            if value is not None:
                losses.append(value)
        for loss in self.losses:
            losses.append(self._aggregate_additional_loss(loss))
        if not losses:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return _sum(losses)

    def _compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """`compute_loss`, also for overrides written without the `training` argument."""
        if _takes_training(type(self).compute_loss):
            return self.compute_loss(x, y, y_pred, sample_weight, training=training)
        return self.compute_loss(x, y, y_pred, sample_weight)

    def _aggregate_additional_loss(self, loss):
        from lamina import ops
        from lamina.backend import floatx

        loss = ops.convert_to_tensor(loss)
        if not loss.dtype.startswith("float"):
            loss = ops.cast(loss, floatx())
        return ops.sum(loss) if loss.ndim else loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None) -> dict:
        """Update the compiled metrics with one batch and return `get_metrics_result()`.

        Example:
            >>> logs = self.compute_metrics(x, y, y_pred, sample_weight)
        """
        del x
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict:
        """The current value of every metric in `metrics`, as a flat dict of tensors.

        Example:
            >>> model.get_metrics_result()  # doctest: +SKIP
            {'loss': tensor(0.25, ...), 'mae': tensor(0.5, ...)}
        """
        results = {}
        for metric in self.metrics:
            result = metric.result()
            if isinstance(result, dict):
                results.update(result)
            else:
                results[metric.name] = result
        return results

    def train_step(self, data) -> dict:
        """One training step on a batch `(x, y, sample_weight)`: forward under a
        `GradientTape`, loss, gradients, optimizer update; returns the metrics' values.

        Example:
            >>> class Custom(lamina.Model):
            ...     def train_step(self, data):
            ...         x, y = data
            ...         with lamina.GradientTape() as tape:
            ...             loss = self.compute_loss(y=y, y_pred=self(x, training=True))
            ...         grads = tape.gradient(loss, self.trainable_variables)
            ...         self.optimizer.apply(grads, self.trainable_variables)
            ...         return {"loss": loss}
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self._compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
            )
            self._loss_tracker.update_state(loss, sample_weight=_batch_size_of(x))
            if self.optimizer is not None:
                loss = self.optimizer.scale_loss(loss)
        cache = self._run_cache
        trainable_weights = self.trainable_weights if cache is None else cache[0]
        if trainable_weights:
            gradients = tape.gradient(loss, trainable_weights)
            self.optimizer.apply(gradients, trainable_weights)
        else:
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data) -> dict:
        """One evaluation step on a batch: forward in inference mode, loss, metrics."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self._compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False
        )
        self._loss_tracker.update_state(loss, sample_weight=_batch_size_of(x))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        """One prediction step: the model's outputs for the batch's `x`."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def make_train_function(self, force=False):
        """The function `fit` calls on each list of `steps_per_execution` batches."""
        if self.train_function is None or force:
            self.train_function = _run_steps(self.train_step)
        return self.train_function

    def make_test_function(self, force=False):
        """The function `evaluate` calls on each list of batches."""
        if self.test_function is None or force:
            self.test_function = _run_steps(self.test_step)
        return self.test_function

    def make_predict_function(self, force=False):
        """The function `predict` calls on each list of batches: NumPy outputs, the
        batches concatenated."""
        if self.predict_function is None or force:
            predict_step = self.predict_step

            def predict_function(batches):
                outputs = [_to_numpy(predict_step(batch)) for batch in batches]
                return outputs[0] if len(outputs) == 1 else _concatenate(outputs)

            self.predict_function = predict_function
        return self.predict_function

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_steps=None,
        validation_batch_size=None,
        validation_freq=1,
    ) -> History:
        """Train the model for `epochs` passes over the data (Keras's arguments).

        Args:
            x: inputs: NumPy arrays / Tensors (nested lists or dicts for several inputs),
                a `lamina.data.Dataset`, a `lamina.utils.PyDataset` or a generator of
                `(x, y)` / `(x, y, sample_weight)` batches.
            y: targets (array inputs only).
            batch_size: samples per step for array inputs (default 32).
            epochs: index of the last epoch (training runs `initial_epoch..epochs-1`).
            verbose: `"auto"` or 1 (progress bar), 2 (one line per epoch), 0 (silent).
            callbacks: `lamina.callbacks.Callback` instances.
            validation_split: fraction of the array data (its last samples, before
                shuffling) held out for validation.
            validation_data: `(x, y)`, `(x, y, sample_weight)`, or a dataset/generator;
                overrides `validation_split`.
            shuffle: shuffle array data before each epoch (`"batch"`: within batches).
            class_weight: `{class_index: weight}` applied to the training loss.
            sample_weight: per-sample (or per-timestep) weights of the training loss.
            initial_epoch: epoch to start at (to resume a run).
            steps_per_epoch: batches per epoch (default: the whole data).
            validation_steps: batches per validation run (default: all).
            validation_batch_size: batch size of validation arrays (default `batch_size`).
            validation_freq: validate every N epochs, or at the (1-based) epochs listed.

        Returns:
            The `History` callback (also `model.history`): `history.history[name]` lists
            each metric's value per epoch, `val_`-prefixed for validation.

        Example:
            >>> history = model.fit(x, y, epochs=3, validation_split=0.2, verbose=0)
            >>> sorted(history.history)  # doctest: +SKIP
            ['loss', 'val_loss']
        """
        from lamina.callbacks import CallbackList

        self._assert_compile_called("fit")
        self._assert_optimizer("fit")
        _check_validation_freq(validation_freq)
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = data_adapter_utils.train_validation_split(
                (x, y, sample_weight), validation_split=validation_split
            )
        epoch_iterator = EpochIterator(
            x=x,
            y=y,
            sample_weight=sample_weight,
            batch_size=batch_size,
            steps_per_epoch=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
            steps_per_execution=self.steps_per_execution,
        )
        self._eval_epoch_iterator = None
        if validation_data is not None:
            val_x, val_y, val_sample_weight = unpack_x_y_sample_weight(validation_data)
            # Made now, so that bad validation data fails before any training.
            self._eval_epoch_iterator = EpochIterator(
                x=val_x,
                y=val_y,
                sample_weight=val_sample_weight,
                batch_size=validation_batch_size or batch_size,
                steps_per_epoch=validation_steps,
                shuffle=False,
                steps_per_execution=self.steps_per_execution,
            )
        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(
                callbacks,
                add_history=True,
                add_progbar=verbose != 0,
                model=self,
                verbose=verbose,
                epochs=epochs,
                steps=epoch_iterator.num_batches,
            )
        self.stop_training = False
        train_function = self.make_train_function()
        check_first_batch = self._overrides("train_step") is False
        callbacks.on_train_begin()
        training_logs = None
        logs = {}
        initial_epoch = self._initial_epoch or initial_epoch
        skip_steps = self._initial_step or 0
        try:
            for epoch in range(initial_epoch, epochs):
                self.reset_metrics()
                callbacks.on_epoch_begin(epoch)
                for begin, end, batches in self._executions(epoch_iterator, check_first_batch):
                    if end < skip_steps:
                        continue
                    callbacks.on_train_batch_begin(begin)
                    logs = train_function(batches)
                    callbacks.on_train_batch_end(end, logs)
                    if self.stop_training:
                        break
                check_first_batch = False
                skip_steps = 0
                epoch_logs = dict(self._get_metrics_result_or_logs(logs))
                if validation_data is not None and _should_eval(epoch, validation_freq):
                    val_logs = self.evaluate(
                        batch_size=validation_batch_size or batch_size,
                        steps=validation_steps,
                        callbacks=callbacks,
                        return_dict=True,
                        _use_cached_eval_dataset=True,
                    )
                    epoch_logs.update({f"val_{name}": value for name, value in val_logs.items()})
                callbacks.on_epoch_end(epoch, epoch_logs)
                training_logs = epoch_logs
                if self.stop_training:
                    break
            if self.optimizer is not None and epochs > 0:
                self.optimizer.finalize_variable_values(self.trainable_weights)
        finally:
            self._eval_epoch_iterator = None
            self._set_run_cache(None)
        callbacks.on_train_end(logs=training_logs)
        return self.history

    # ------------------------------------------------------------------ evaluate
    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=None,
        verbose="auto",
        sample_weight=None,
        steps=None,
        callbacks=None,
        return_dict=False,
        **kwargs,
    ) -> float | list | dict:
        """Return the loss and metric values of the model on the data (inference mode).

        Args:
            x, y, sample_weight, batch_size: the data, as in `fit`.
            verbose: `"auto"` or 1 (progress bar), 2 (one line), 0 (silent).
            steps: batches to evaluate (default: all).
            callbacks: `Callback` instances.
            return_dict: return `{name: value}` instead of a list.

        Returns:
            A float (loss only), a list `[loss, *metrics]` ordered like `metrics_names`,
            or a dict with `return_dict=True`.

        Example:
            >>> loss, mae = model.evaluate(x, y, verbose=0)  # doctest: +SKIP
        """
        from lamina.callbacks import CallbackList
        from lamina.callbacks.callback_list import pythonify_logs

        self._assert_compile_called("evaluate")
        use_cached = kwargs.pop("_use_cached_eval_dataset", False)
        if kwargs:
            raise ValueError(f"Arguments not recognized: {kwargs}")
        if use_cached:
            epoch_iterator = self._eval_epoch_iterator
            epoch_iterator.reset()
        else:
            epoch_iterator = EpochIterator(
                x=x,
                y=y,
                sample_weight=sample_weight,
                batch_size=batch_size,
                steps_per_epoch=steps,
                shuffle=False,
                steps_per_execution=self.steps_per_execution,
            )
        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(
                callbacks,
                add_progbar=verbose != 0,
                model=self,
                verbose=verbose,
                epochs=1,
                steps=epoch_iterator.num_batches,
            )
        test_function = self.make_test_function()
        check_first_batch = self._overrides("test_step") is False
        self.stop_evaluating = False
        callbacks.on_test_begin()
        logs = {}
        self.reset_metrics()
        for begin, end, batches in self._executions(epoch_iterator, check_first_batch):
            callbacks.on_test_batch_begin(begin)
            logs = test_function(batches)
            callbacks.on_test_batch_end(end, logs)
            if self.stop_evaluating:
                break
        logs = pythonify_logs(self._get_metrics_result_or_logs(logs))
        callbacks.on_test_end(logs)
        if return_dict:
            return logs
        return self._flatten_metrics_in_order(logs)

    # ------------------------------------------------------------------ predict
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None) -> Any:
        """Return the model's outputs for `x`, batch by batch, as NumPy arrays.

        Args:
            x: inputs, as in `fit` (targets in a dataset are ignored).
            batch_size: samples per batch for array inputs (default 32).
            verbose: `"auto"` or 1 (progress bar), 2 (one line), 0 (silent).
            steps: batches to predict (default: all).
            callbacks: `Callback` instances.

        Returns:
            NumPy arrays in the structure of the model's outputs.

        Example:
            >>> model.predict(np.ones((3, 4)), verbose=0).shape  # doctest: +SKIP
            (3, 1)
        """
        from lamina.callbacks import CallbackList

        epoch_iterator = EpochIterator(
            x=x,
            batch_size=batch_size,
            steps_per_epoch=steps,
            shuffle=False,
            steps_per_execution=self.steps_per_execution,
        )
        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(
                callbacks,
                add_progbar=verbose != 0,
                model=self,
                verbose=verbose,
                epochs=1,
                steps=epoch_iterator.num_batches,
            )
        predict_function = self.make_predict_function()
        self.stop_predicting = False
        callbacks.on_predict_begin()
        outputs = []
        for begin, end, batches in self._executions(epoch_iterator, False):
            callbacks.on_predict_batch_begin(begin)
            batch_outputs = predict_function(batches)
            outputs.append(batch_outputs)
            callbacks.on_predict_batch_end(end, {"outputs": batch_outputs})
            if self.stop_predicting:
                break
        callbacks.on_predict_end()
        if not outputs:
            raise ValueError(
                "predict(): the input `x` produced no batches. Pass at least one sample "
                "(or a dataset/generator that yields at least one batch)."
            )
        return outputs[0] if len(outputs) == 1 else _concatenate(outputs)

    # ------------------------------------------------------------------ on_batch
    def train_on_batch(
        self, x, y=None, sample_weight=None, class_weight=None, return_dict=False
    ) -> float | list | dict:
        """Run one gradient update on one batch.

        Args:
            x, y, sample_weight: the batch (arrays, or nested lists/dicts of them).
            class_weight: `{class_index: weight}`, turned into sample weights.
            return_dict: return `{name: value}` instead of a float or a list.

        Returns:
            The loss (a float) when there is nothing else, else a list ordered like
            `metrics_names`, or a dict with `return_dict=True`.

        Example:
            >>> loss = model.train_on_batch(x[:32], y[:32])  # doctest: +SKIP
        """
        from lamina.callbacks.callback_list import pythonify_logs

        self._assert_compile_called("train_on_batch")
        self._assert_optimizer("train_on_batch")
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError(
                    "Arguments `sample_weight` and `class_weight` cannot be specified at "
                    f"the same time. Received: sample_weight={sample_weight}, "
                    f"class_weight={class_weight}"
                )
            sample_weight = data_adapter_utils.class_weight_to_sample_weights(y, class_weight)
        batch = _single_batch(x, y, sample_weight)
        if not self._overrides("train_step"):
            self._symbolic_build(batch)
        self.reset_metrics()
        logs = self.make_train_function()([batch])
        return _format_logs(self, pythonify_logs(logs), return_dict)

    def test_on_batch(
        self, x, y=None, sample_weight=None, return_dict=False
    ) -> float | list | dict:
        """Evaluate the model on one batch (arguments and results as `train_on_batch`).

        Example:
            >>> loss = model.test_on_batch(x[:32], y[:32])  # doctest: +SKIP
        """
        from lamina.callbacks.callback_list import pythonify_logs

        self._assert_compile_called("test_on_batch")
        batch = _single_batch(x, y, sample_weight)
        if not self._overrides("test_step"):
            self._symbolic_build(batch)
        self.reset_metrics()
        logs = self.make_test_function()([batch])
        return _format_logs(self, pythonify_logs(logs), return_dict)

    def predict_on_batch(self, x) -> Any:
        """The model's outputs for one batch `x`, as NumPy arrays.

        Example:
            >>> model.predict_on_batch(np.ones((2, 4))).shape  # doctest: +SKIP
            (2, 1)
        """
        return self.make_predict_function()([(_single_batch(x, None, None)[0],)])

    # ------------------------------------------------------------------ configs
    def get_compile_config(self) -> dict:
        """The arguments of `compile()` in serialized form (`{}` if not compiled).

        Example:
            >>> model.get_compile_config()["loss"]  # doctest: +SKIP
            'mse'
        """
        from lamina.saving import serialize_keras_object

        if self.compiled and self._compile_config is not None:
            return serialize_keras_object(self._compile_config)
        return {}

    def compile_from_config(self, config: dict) -> None:
        """Compile the model from `get_compile_config()`'s output (used when loading).

        Example:
            >>> clone.compile_from_config(model.get_compile_config())  # doctest: +SKIP
        """
        from lamina.saving import deserialize_keras_object

        if type(self).compile is not Trainer.compile:
            warnings.warn(
                "`compile()` was not called as part of model loading because the model's "
                "`compile()` method is custom. All subclassed Models that have `compile()` "
                "overridden should also override `get_compile_config()` and "
                "`compile_from_config(config)`. Alternatively, you can call `compile()` "
                "manually after loading.",
                stacklevel=2,
            )
            return
        config = {key: deserialize_keras_object(value) for key, value in config.items()}
        self.compile(**config)
        if self.optimizer is not None and self.built:
            self.optimizer.build(self.trainable_variables)

    # ------------------------------------------------------------------ internals
    def _assert_compile_called(self, method_name=None):
        if not self.compiled:
            raise ValueError(
                f"You must call `compile()` before using the model (`{method_name}()` was "
                "called). Hint: `model.compile(optimizer='sgd', loss='mse')`."
            )
        self._warn_if_trainable_state_changed()

    def _assert_optimizer(self, method_name):
        if self.optimizer is None and self._optimizer_error is not None:
            if not self._overrides("train_step"):
                raise type(self._optimizer_error)(
                    f"{method_name}(): the model was compiled with the default optimizer "
                    f"'rmsprop'. {self._optimizer_error} Or pass a core optimizer, e.g. "
                    "`compile(optimizer='sgd', ...)`."
                )

    def _warn_if_trainable_state_changed(self):
        state = getattr(self, "_compiled_trainable_state", None)
        if state is None:
            return
        current = {id(layer): (layer, layer.trainable) for layer in self._flatten_layers()}
        # Layers added since compile() (the InputLayer of a Sequential built by its first
        # batch) have no recorded state: only a flipped `trainable` is reported.
        changed = [
            layer.name
            for key, (layer, trainable) in current.items()
            if key in state and state[key] != trainable
        ]
        if changed:
            warnings.warn(
                "A layer's `trainable` state has changed since the model was compiled. "
                "This can result in unexpected behavior, as the compiled optimizer and loss "
                "functions may not track the correct variables. Please recompile your model "
                "(e.g. `model.compile(...)`) before calling `fit()` or `evaluate()` so the "
                f"change takes effect. Changed layers: {changed}",
                stacklevel=3,
            )
            self._compiled_trainable_state = {k: t for k, (_, t) in current.items()}

    def _overrides(self, method: str) -> bool:
        return getattr(type(self), method) is not getattr(Trainer, method)

    def _executions(self, epoch_iterator, check_first_batch):
        """Yield `(begin_step, end_step, batches)`, `steps_per_execution` batches at a time;
        the first batch is checked against the model and losses before it is run."""
        size = self.steps_per_execution
        group, begin = [], 0
        self._set_run_cache(None)
        try:
            for step, batch in epoch_iterator.enumerate_epoch():
                if check_first_batch:
                    self._symbolic_build(batch)
                    # The check's forward pass may have updated metrics tracked on layers.
                    self.reset_metrics()
                    check_first_batch = False
                if self._run_cache is None and self._compiled_objects_built():
                    self._set_run_cache((self.trainable_weights, self._collect_metrics()))
                if not group:
                    begin = step
                group.append(batch)
                if len(group) == size:
                    yield begin, step, group
                    group = []
            if group:
                yield begin, begin + len(group) - 1, group
        finally:
            self._set_run_cache(None)

    def _compiled_objects_built(self) -> bool:
        """Whether the compiled loss and metrics exist in full (their metrics are final)."""
        return (self._compile_loss is None or self._compile_loss.built) and (
            self._compile_metrics is None or self._compile_metrics.built
        )

    def _symbolic_build(self, data_batch):
        """Before the first step: build the model, resolve the compiled losses and metrics
        for the data's shapes, check the targets against each loss, build the optimizer.

        It runs the model in inference mode on the batch (its variables restored after),
        so that a mistake (a label shape the loss cannot take, a metric that does not fit
        the outputs, ...) raises here, before any weight changes.
        """
        y = unpack_x_y_sample_weight(data_batch)[1]
        if y is None and self._compile_loss is not None and not self._overrides("compute_loss"):
            raise ValueError(
                f"The model was compiled with loss={self.loss!r}, but the data has no targets "
                "(`y` is None, or the dataset yields only inputs). Hint: pass `y`, yield "
                "`(x, y)` batches, or compile without a loss if the model adds its own."
            )
        loss_unbuilt = self._compile_loss is not None and not self._compile_loss.built
        metrics_unbuilt = self._compile_metrics is not None and not self._compile_metrics.built
        if y is not None and (loss_unbuilt or metrics_unbuilt or not self.built):
            x, y, sample_weight = unpack_x_y_sample_weight(data_batch)
            y_pred = inference_outputs(self, x)
            try:
                if loss_unbuilt:
                    self._compile_loss.build(y, y_pred)
                    check_losses_on_batch(self._compile_loss, y, y_pred, sample_weight)
                    check_sparse_labels(self._compile_loss, y, y_pred)
                if metrics_unbuilt:
                    self._compile_metrics.build(y, y_pred)
                    check_metrics_on_batch(self._compile_metrics, y, y_pred, sample_weight)
            except Exception:
                # Unbuilt again, so that the next call with other data checks it again.
                for compiled, unbuilt in (
                    (self._compile_loss, loss_unbuilt),
                    (self._compile_metrics, metrics_unbuilt),
                ):
                    if unbuilt:
                        compiled.built = False
                raise
        if self.optimizer is not None and not self.optimizer.built:
            variables = self.trainable_variables
            if variables:
                self.optimizer.build(variables)

    def _get_metrics_result_or_logs(self, logs):
        """The metrics' current values when `logs` has the same keys, else `logs` (a custom
        step's own results)."""
        metric_logs = self.get_metrics_result()
        if isinstance(logs, dict) and set(logs) == set(metric_logs):
            return metric_logs
        return logs

    def _flatten_metrics_in_order(self, logs):
        """`logs` as a list in `metrics_names` order (then the other keys, sorted); a
        single value is returned alone."""
        names = []
        for metric in self.metrics:
            if isinstance(metric, compile_utils.CompileMetrics):
                names.extend(m.name for m in metric.metrics)
            else:
                names.append(metric.name)
        results = [logs[name] for name in names if name in logs]
        results.extend(logs[key] for key in sorted(logs) if key not in names)
        return results[0] if len(results) == 1 else results


def _resolve_optimizer(optimizer, optimizers) -> tuple:
    """`(optimizer instance, None)`, or `(None, error)` for the default optimizer when its
    plugin is missing: compile() still works (custom train_steps may bring their own
    optimizers) and training with it raises the error."""
    from lamina.plugins import PluginNotInstalledError

    try:
        return optimizers.get(optimizer), None
    except PluginNotInstalledError as err:
        if optimizer != "rmsprop":
            raise
        return None, err


_TAKES_TRAINING: dict = {}


def _takes_training(function) -> bool:
    """Whether `function` has a `training` parameter (cached: it is asked every step)."""
    known = _TAKES_TRAINING.get(function)
    if known is None:
        known = _TAKES_TRAINING[function] = "training" in inspect.signature(function).parameters
    return known


def _check_validation_freq(validation_freq):
    if isinstance(validation_freq, bool) or not isinstance(validation_freq, (int, list)):
        raise ValueError(
            "Expected `validation_freq` to be a list or int. Received: "
            f"validation_freq={validation_freq} of the type {type(validation_freq)}."
        )


def _should_eval(epoch, validation_freq) -> bool:
    epoch += 1  # the user-facing epoch is 1-based
    if isinstance(validation_freq, int):
        return epoch % validation_freq == 0
    return epoch in validation_freq


def _run_steps(step):
    """A function that runs `step` on each batch of a list and returns the last logs."""

    def run(batches):
        logs = None
        for batch in batches:
            logs = step(batch)
        return logs

    return run


def _sum(values):
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total


def _batch_size_of(x) -> int:
    for leaf in flatten(x):
        shape = getattr(leaf, "shape", None)
        if shape:
            return int(shape[0])
    return 1


def _to_numpy(outputs):
    return pack_like(outputs, iter([np.asarray(leaf) for leaf in flatten(outputs)]))


def _concatenate(outputs: list):
    """Join per-batch NumPy outputs (same structure) along the batch axis."""
    columns = list(zip(*(flatten(o) for o in outputs), strict=True))
    joined = [
        np.stack(column) if column[0].ndim == 0 else np.concatenate(column) for column in columns
    ]
    return pack_like(outputs[0], iter(joined))


def _single_batch(x, y, sample_weight) -> tuple:
    """One `*_on_batch` batch, as `fit` would pass it to a step (arrays as NumPy)."""
    x, y, sample_weight = data_adapter_utils.to_numpy_structure((x, y, sample_weight))
    batch = data_adapter_utils.pack_x_y_sample_weight(x, y, sample_weight)
    return batch if isinstance(batch, tuple) else (batch,)


def _format_logs(model, logs: dict, return_dict: bool):
    if return_dict:
        return logs
    return model._flatten_metrics_in_order(logs)
