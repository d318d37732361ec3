"""`LearningRateSchedule`: the base class of learning rate schedules."""

from __future__ import annotations


class LearningRateSchedule:
    """A learning rate that changes with the optimizer step.

    Subclasses implement `__call__(step)` (step: the optimizer's integer iteration
    count) and, to be serializable, `get_config()`.

    Example:
        >>> class InverseStep(lamina.optimizers.schedules.LearningRateSchedule):
        ...     def __init__(self, initial_learning_rate):
        ...         self.initial_learning_rate = initial_learning_rate
        ...     def __call__(self, step):
        ...         return self.initial_learning_rate / (step + 1)
        >>> optimizer = lamina.optimizers.SGD(learning_rate=InverseStep(0.1))
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override "
            "`get_config()` in order to be serializable."
        )

    @classmethod
    def from_config(cls, config: dict):
        """Create a schedule from `get_config()`'s output."""
        return cls(**config)
