"""`PiecewiseConstantDecay`: a learning rate constant between step boundaries."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` while `step <= boundaries[0]`, `values[1]` up to `boundaries[1]`, ...

    Args:
        boundaries: strictly increasing step numbers.
        values: one more value than boundaries: the learning rate of each interval.
        name: the schedule's name.

    Example:
        >>> schedule = lamina.optimizers.schedules.PiecewiseConstantDecay(
        ...     [100, 110], [1.0, 0.5, 0.1])
        >>> float(schedule(105))
        0.5
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "PiecewiseConstantDecay: the length of boundaries should be 1 less than "
                f"the length of values. Received: boundaries={boundaries} of length "
                f"{len(boundaries)}, and values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = ops.convert_to_tensor(step)
        boundaries = [ops.cast(ops.convert_to_tensor(b), step.dtype) for b in self.boundaries]
        values = [ops.convert_to_tensor(v) for v in self.values]
        dtype = values[0].dtype
        # Sum of indicator * value, as Keras computes it (one interval matches).
        result = ops.cast(step <= boundaries[0], dtype) * values[0]
        result = result + ops.cast(step > boundaries[-1], dtype) * values[-1]
        for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
            result = result + ops.cast((step > low) & (step <= high), dtype) * value
        return result

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}
