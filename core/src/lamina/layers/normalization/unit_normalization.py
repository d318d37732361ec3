"""`UnitNormalization` layer: give each sample unit L2 norm."""

from lamina import ops
from lamina.layers.layer import Layer
from lamina.layers.normalization._axes import as_axis, check_axes


class UnitNormalization(Layer):
    """Normalize each sample to unit L2 norm over `axis` (norms floored at 1e-12).

    Args:
        axis: int or list of ints, the axes to normalize over (default -1).

    Example:
        >>> UnitNormalization()(np.array([[3.0, 4.0]]))  # [[0.6, 0.8]]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        try:
            self.axis = as_axis(axis)
        except TypeError:
            raise TypeError(
                "Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
                f"Received: axis={axis}"
            ) from None
        self.supports_masking = True
        self.built = True  # no weights: built at construction, as Keras

    def call(self, inputs):
        return ops.normalize(inputs, axis=self.axis, order=2, epsilon=1e-12)

    def compute_output_shape(self, input_shape):
        return check_axes(self, input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
