"""lamina.metrics: the `keras.metrics` namespace.

Metric classes keep state in non-trainable variables: `update_state` accumulates a
batch, `result` reads the value, `reset_state` starts over. Metric functions
(`binary_accuracy`, `mean_squared_error`, ...) return per-sample values. `get`,
`serialize` and `deserialize` resolve names and configs as Keras does.

Example:
    >>> m = lamina.metrics.get("accuracy")
    >>> m.update_state([[1], [2]], [[1], [3]])
    >>> float(m.result())
    0.5
"""

from __future__ import annotations

import functools
import inspect

from lamina.losses import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from lamina.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from lamina.metrics.auc_metric import AUC
from lamina.metrics.confusion_metrics import (
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from lamina.metrics.constrained_metrics import (
    PrecisionAtRecall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
)
from lamina.metrics.correlation_metrics import (
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from lamina.metrics.f_score_metrics import F1Score, FBetaScore
from lamina.metrics.hinge_metrics import CategoricalHinge, Hinge, SquaredHinge
from lamina.metrics.iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from lamina.metrics.metric import Metric
from lamina.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from lamina.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from lamina.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
)
from lamina.plugins import module_getattr as _module_getattr

ALL_OBJECTS = (
    Metric,
    Mean,
    Sum,
    MeanMetricWrapper,
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCoshError,
    R2Score,
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
    ConcordanceCorrelation,
    PearsonCorrelation,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    F1Score,
    FBetaScore,
    IoU,
    BinaryIoU,
    MeanIoU,
    OneHotIoU,
    OneHotMeanIoU,
)


_SHORT_NAMES = {
    "bce": BinaryCrossentropy,
    "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError,
    "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError,
    "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError,
    "MSLE": MeanSquaredLogarithmicError,
}


@functools.cache
def _objects_by_name() -> dict:
    """Class names, their snake_case forms and short names -> classes (built on first use:
    the snake_case helper lives in lamina.layers, which may import this package)."""
    from lamina.layers.layer import to_snake_case

    # As in Keras, names map to classes only: get("binary_accuracy") is a BinaryAccuracy().
    names = {cls.__name__: cls for cls in ALL_OBJECTS}
    names.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
    names.update(_SHORT_NAMES)
    return names


def serialize(metric) -> dict:
    """The Keras config of a `Metric` instance or a metric function.

    Example:
        >>> lamina.metrics.serialize(lamina.metrics.Mean())["class_name"]
        'Mean'
    """
    from lamina.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    """The `Metric` instance or metric function that a config describes.

    Args:
        config: a dict as `serialize` returns, or a name.
        custom_objects: optional `{name: class or function}` for custom metrics.

    Example:
        >>> lamina.metrics.deserialize({"class_name": "Mean", "config": {"name": "m"}}).name
        'm'
    """
    from lamina.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(
        config, module_objects=_objects_by_name(), custom_objects=custom_objects
    )


def get(identifier):
    """Resolve a metric identifier as `keras.metrics.get` does.

    Args:
        identifier: None, a name (`"accuracy"`, `"mse"`, `"AUC"`; names give
            instances of the matching class), a config dict, a `Metric` class
            (instantiated), a `Metric` instance or a metric function.

    Returns:
        A `Metric` instance or a metric function (None for None).

    Raises:
        ValueError: the identifier names no metric.

    Example:
        >>> lamina.metrics.get("mse")
        <MeanSquaredError name=mean_squared_error>
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = _objects_by_name().get(identifier) or _plugin_metric(identifier)
    else:
        obj = identifier
    if callable(obj):
        if inspect.isclass(obj):
            obj = obj()
        return obj
    raise ValueError(
        f"Could not interpret metric identifier: {identifier}. Pass a Metric instance, "
        "a metric function, a config dict or a name such as 'accuracy', 'mse' or 'auc'."
    )


def _plugin_metric(name):
    """A Metric class that an installed plugin registered under `name`, or None."""
    from lamina.plugins import get as plugin_get

    try:
        obj = plugin_get("metrics", name)
    except (LookupError, ImportError, ValueError):
        return None
    return obj if inspect.isclass(obj) and issubclass(obj, Metric) else None


__all__ = [
    "AUC",
    "Accuracy",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "BinaryIoU",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "ConcordanceCorrelation",
    "CosineSimilarity",
    "F1Score",
    "FBetaScore",
    "FalseNegatives",
    "FalsePositives",
    "Hinge",
    "IoU",
    "KLDivergence",
    "LogCoshError",
    "Mean",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanIoU",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Metric",
    "OneHotIoU",
    "OneHotMeanIoU",
    "PearsonCorrelation",
    "Poisson",
    "Precision",
    "PrecisionAtRecall",
    "R2Score",
    "Recall",
    "RecallAtPrecision",
    "RootMeanSquaredError",
    "SensitivityAtSpecificity",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy",
    "SpecificityAtSensitivity",
    "SquaredHinge",
    "Sum",
    "TopKCategoricalAccuracy",
    "TrueNegatives",
    "TruePositives",
    "binary_accuracy",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_accuracy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "concordance_correlation",
    "deserialize",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "pearson_correlation",
    "poisson",
    "serialize",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy",
    "sparse_top_k_categorical_accuracy",
    "squared_hinge",
    "top_k_categorical_accuracy",
]

__getattr__ = _module_getattr("metrics", __name__)
