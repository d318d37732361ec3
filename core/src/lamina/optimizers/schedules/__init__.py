"""lamina.optimizers.schedules: learning rate schedules, as `keras.optimizers.schedules`.

Example:
    >>> schedule = lamina.optimizers.schedules.ExponentialDecay(0.1, 1000, 0.96)
    >>> optimizer = lamina.optimizers.SGD(learning_rate=schedule)
"""

from lamina.optimizers.schedules.cosine_decay import CosineDecay, CosineDecayRestarts
from lamina.optimizers.schedules.exponential_decay import ExponentialDecay, InverseTimeDecay
from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule
from lamina.optimizers.schedules.piecewise_constant_decay import PiecewiseConstantDecay
from lamina.optimizers.schedules.polynomial_decay import PolynomialDecay
from lamina.saving import serialization_lib as _serialization_lib

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]


def serialize(learning_rate_schedule) -> dict:
    """Return a schedule's config in Keras's serialized form.

    Example:
        >>> serialize(ExponentialDecay(0.1, 1000, 0.96))["class_name"]
        'ExponentialDecay'
    """
    return _serialization_lib.serialize_keras_object(learning_rate_schedule)


def deserialize(config: dict, custom_objects=None):
    """Create a schedule from `serialize`'s output (or `{"class_name", "config"}`).

    Example:
        >>> deserialize({"class_name": "PolynomialDecay",
        ...              "config": {"initial_learning_rate": 0.1, "decay_steps": 100}})
    """
    return _serialization_lib.deserialize_keras_object(
        config,
        module_objects={name: globals()[name] for name in __all__},
        custom_objects=custom_objects,
    )
