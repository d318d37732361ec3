"""lamina.losses: the `keras.losses` namespace.

Loss classes (`MeanSquaredError()`, ...) reduce per-sample losses to a scalar with
`sample_weight` and masks; loss functions (`mean_squared_error`, ...) return the
per-sample losses. `get` resolves names, config dicts and callables.

Example:
    >>> lamina.losses.get("mse") is lamina.losses.mean_squared_error
    True
    >>> lamina.losses.MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]])  # 0.5
"""

from __future__ import annotations

import inspect

from lamina.losses.crossentropy import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
)
from lamina.losses.ctc import CTC, ctc
from lamina.losses.focal import (
    BinaryFocalCrossentropy,
    CategoricalFocalCrossentropy,
    binary_focal_crossentropy,
    categorical_focal_crossentropy,
)
from lamina.losses.generalized_crossentropy import (
    CategoricalGeneralizedCrossEntropy,
    categorical_generalized_cross_entropy,
)
from lamina.losses.hinge import (
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    hinge,
    squared_hinge,
)
from lamina.losses.loss import Loss
from lamina.losses.loss_function_wrapper import LossFunctionWrapper
from lamina.losses.probabilistic import KLDivergence, Poisson, kl_divergence, poisson
from lamina.losses.regression import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from lamina.losses.segmentation import Dice, Tversky, dice, tversky
from lamina.losses.similarity import Circle, circle

# Short names Keras's `get` accepts (and tf.keras exported as functions).
_ALIASES = {
    "bce": binary_crossentropy,
    "BCE": binary_crossentropy,
    "kld": kl_divergence,
    "KLD": kl_divergence,
    "mae": mean_absolute_error,
    "MAE": mean_absolute_error,
    "mse": mean_squared_error,
    "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error,
    "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error,
    "MSLE": mean_squared_logarithmic_error,
}
bce = BCE = binary_crossentropy
kld = KLD = kl_divergence
mae = MAE = mean_absolute_error
mse = MSE = mean_squared_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error

ALL_OBJECTS = (
    Loss,
    LossFunctionWrapper,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    SparseCategoricalCrossentropy,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCosh,
    Huber,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    Dice,
    Tversky,
    Circle,
    CTC,
    kl_divergence,
    poisson,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    sparse_categorical_crossentropy,
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    cosine_similarity,
    log_cosh,
    huber,
    hinge,
    squared_hinge,
    categorical_hinge,
    dice,
    tversky,
    circle,
    ctc,
)
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update(_ALIASES)

__all__ = sorted(
    [
        *(obj.__name__ for obj in ALL_OBJECTS),
        *_ALIASES,
        "deserialize",
        "get",
        "serialize",
    ]
)


def serialize(loss):
    """Return the Keras config of a loss: a function gives its name, a `Loss` its class
    config.

    Args:
        loss: a `Loss` instance or a loss function.

    Example:
        >>> serialize(MeanSquaredError())["class_name"]
        'MeanSquaredError'
    """
    from lamina.saving import serialization_lib

    return serialization_lib.serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    """Return the loss function or `Loss` instance a config (or name) describes.

    Args:
        name: a config dict from `serialize` (lamina's or Keras's), or a name.
        custom_objects: dict of custom loss classes or functions by name.

    Example:
        >>> deserialize({"class_name": "Huber", "config": {"delta": 2.0}}).delta
        2.0
    """
    from lamina.saving import serialization_lib

    return serialization_lib.deserialize_keras_object(
        name, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects
    )


def get(identifier):
    """Return a loss from None, a name, a config dict, a class or a callable.

    Function names (`"mse"`, `"categorical_crossentropy"`) give the function; class
    names (`"CategoricalCrossentropy"`) an instance with default arguments.

    Raises:
        ValueError: the identifier is not a known name, dict or callable.

    Example:
        >>> type(get("CategoricalCrossentropy")).__name__
        'CategoricalCrossentropy'
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(
        f"Could not interpret loss identifier: {identifier!r}. Expected None, a loss name "
        "(e.g. 'mse', 'categorical_crossentropy', 'CategoricalCrossentropy'), a config dict, "
        "a Loss instance or a function."
    )
