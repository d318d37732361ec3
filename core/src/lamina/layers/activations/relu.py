"""`ReLU`: rectified linear unit with optional cap, slope and threshold."""

from __future__ import annotations

from lamina import activations
from lamina.layers.layer import Layer


class ReLU(Layer):
    """`max_value` if `x >= max_value`; `x` if `threshold <= x < max_value`;
    `negative_slope * (x - threshold)` otherwise.

    Args:
        max_value: float >= 0 or None (no cap).
        negative_slope: float >= 0, the slope below the threshold.
        threshold: float >= 0, where the activation switches.

    Example:
        >>> ReLU(max_value=1.0)(ops.convert_to_tensor([-1.0, 0.5, 3.0])).numpy()
        array([0. , 0.5, 1. ], dtype=float32)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(
                "max_value of a ReLU layer cannot be a negative value. "
                f"Received: max_value={max_value}"
            )
        for arg, value in (("negative_slope", negative_slope), ("threshold", threshold)):
            if value is None or value < 0.0:
                raise ValueError(
                    f"{arg} of a ReLU layer cannot be None or a negative value. "
                    f"Received: {arg}={value}"
                )
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.relu(
            inputs,
            negative_slope=self.negative_slope,
            max_value=self.max_value,
            threshold=self.threshold,
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }
        return {**super().get_config(), **config}
