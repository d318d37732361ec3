"""The `training_config` of a Keras 2 `.h5` file: the compile arguments, written and read.

Written as Keras 3 writes it: the model's compile config without the optimizer, plus
`optimizer_config` (`{"class_name", "config"}`). Read into `compile()` arguments for
files from Keras 3 and from Keras 2 / tf.keras, including what Keras 3 itself cannot
recompile: loss and metric names are given to `compile()` as they were written ("mse"
stays "mse"), Keras 2 names and arguments are mapped to Keras 3's (`"logcosh"`,
`reduction="auto"`, optimizer `lr`/`decay`, `MeanMetricWrapper` with a function name,
tf.keras's per-output metric lists).
"""

from __future__ import annotations

import warnings

from lamina.saving import object_registration

# Keras 2 loss/metric function names that Keras 3 renamed.
_RENAMED_FUNCTIONS = {
    "kullback_leibler_divergence": "kl_divergence",
    "logcosh": "log_cosh",
    "huber_loss": "huber",
    "cosine_proximity": "cosine_similarity",
}
# Optimizer arguments of Keras 2 that Keras 3 optimizers do not take.
_DROPPED_OPTIMIZER_ARGS = ("is_legacy_optimizer", "jit_compile")
# Metric names that compile() resolves from the output shapes: never deserialized.
_SHAPE_DEPENDENT_METRICS = ("accuracy", "acc", "crossentropy", "ce")


def training_config(model) -> dict | None:
    """The `training_config` Keras writes for a compiled model with an optimizer, else None.

    Example:
        >>> training_config(model)["optimizer_config"]["class_name"]
        'SGD'
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not getattr(model, "compiled", False):
        return None
    config = dict(model.get_compile_config())
    config.pop("optimizer", None)
    config["optimizer_config"] = {
        "class_name": object_registration.get_registered_name(type(optimizer)),
        "config": optimizer.get_config(),
    }
    return config


def compile_args_from_training_config(config: dict, custom_objects=None) -> dict:
    """The `compile()` arguments (optimizer, loss, metrics, weighted_metrics, loss_weights)
    that a `training_config` describes.

    Args:
        config: the decoded `training_config` of a `.h5` file.
        custom_objects: `{name: class or function}` for custom losses, metrics, optimizers.

    Raises:
        ValueError: the config is not a dict with an `optimizer_config`.

    Example:
        >>> model.compile(**compile_args_from_training_config(config))
    """
    from lamina import losses, metrics, optimizers

    if not isinstance(config, dict) or not isinstance(config.get("optimizer_config"), dict):
        raise ValueError(
            "The `training_config` of the file is not valid: expected a dict with an "
            f"'optimizer_config' entry. Received: {str(config)[:200]}"
        )
    custom_objects = custom_objects or {}
    with object_registration.CustomObjectScope(custom_objects):
        optimizer = optimizers.deserialize(
            _keras3_optimizer_config(config["optimizer_config"]), custom_objects=custom_objects
        )

        def load_loss(item):
            return _load_item(item, losses.deserialize, custom_objects, _keras3_loss_config)

        def load_metric(item):
            if item in _SHAPE_DEPENDENT_METRICS:
                return item
            return _load_item(item, metrics.deserialize, custom_objects, _keras3_metric_config)

        return {
            "optimizer": optimizer,
            "loss": _map_nested(load_loss, config.get("loss")),
            "metrics": _unwrap_single_output(_map_nested(load_metric, config.get("metrics"))),
            "weighted_metrics": _unwrap_single_output(
                _map_nested(load_metric, config.get("weighted_metrics"))
            ),
            "loss_weights": config.get("loss_weights"),
        }


def _load_item(item, deserialize, custom_objects, upgrade):
    """One loss or metric: names stay names for compile(); configs become objects."""
    if isinstance(item, str):
        if item in custom_objects:
            return custom_objects[item]
        return _RENAMED_FUNCTIONS.get(item, item)
    return deserialize(upgrade(item), custom_objects=custom_objects)


def _map_nested(fn, config):
    """Apply `fn` to each loss/metric of a nested structure (per-output lists and dicts)."""
    if config is None:
        return None
    if isinstance(config, str) or (isinstance(config, dict) and "class_name" in config):
        return fn(config)
    if isinstance(config, dict):
        return {key: _map_nested(fn, value) for key, value in config.items()}
    if isinstance(config, (list, tuple)):
        return [_map_nested(fn, item) for item in config]
    raise ValueError(
        "Saved configuration not understood. Configuration should be a dictionary, "
        f"string, tuple or list. Received: config={config}."
    )


def _unwrap_single_output(metrics):
    # tf.keras 2 wrote a single output's metrics as [[...]].
    if isinstance(metrics, list) and len(metrics) == 1 and isinstance(metrics[0], list):
        return metrics[0]
    return metrics


def _keras3_optimizer_config(config: dict) -> dict:
    inner = dict(config.get("config") or {})
    for name in _DROPPED_OPTIMIZER_ARGS:
        inner.pop(name, None)
    if "lr" in inner:  # Keras < 2.3
        learning_rate = inner.pop("lr")
        inner.setdefault("learning_rate", learning_rate)
    decay = inner.pop("decay", None)
    if decay:
        warnings.warn(
            f"The saved optimizer has `decay={decay}`, an argument Keras 3 optimizers do "
            "not have; it is ignored. Use a learning rate schedule instead.",
            stacklevel=4,
        )
    return {**config, "config": inner}


def _keras3_loss_config(config: dict) -> dict:
    inner = config.get("config")
    if isinstance(inner, dict) and inner.get("reduction") == "auto":
        # tf.keras's "auto" meant the mean over the batch.
        config = {**config, "config": {**inner, "reduction": "sum_over_batch_size"}}
    return _renamed_function_config(config)


def _keras3_metric_config(config: dict) -> dict:
    inner = config.get("config")
    if isinstance(inner, dict) and isinstance(inner.get("fn"), str):
        # A tf.keras MeanMetricWrapper names its function: make it a function config.
        fn = _RENAMED_FUNCTIONS.get(inner["fn"], inner["fn"])
        config = {**config, "config": {**inner, "fn": _function_config(fn)}}
    return _renamed_function_config(config)


def _renamed_function_config(config: dict) -> dict:
    inner = config.get("config")
    if config.get("class_name") == "function" and inner in _RENAMED_FUNCTIONS:
        return {**config, "config": _RENAMED_FUNCTIONS[inner]}
    return config


def _function_config(name: str) -> dict:
    return {
        "module": "builtins",
        "class_name": "function",
        "config": name,
        "registered_name": "function",
    }
