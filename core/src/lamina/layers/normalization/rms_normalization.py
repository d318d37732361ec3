"""`RMSNormalization` layer: scale by the root mean square over the feature axes."""

from lamina import ops
from lamina.layers.layer import Layer
from lamina.layers.normalization._axes import check_axes


class RMSNormalization(Layer):
    """Root-mean-square normalization: `x * rsqrt(mean(x**2, axis) + epsilon) * scale`.

    Args:
        axis: int or list of ints, the axes to normalize over.
        epsilon: added to the mean square (Keras's default 1e-6).

    Example:
        >>> RMSNormalization()(np.array([[3.0, 4.0]]))  # ~[[0.85, 1.13]]
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon

    def build(self, input_shape):
        check_axes(self, input_shape)
        if isinstance(self.axis, (list, tuple)):
            self.axis = sorted(self.axis)
            shape = tuple(input_shape[a] for a in self.axis)
        else:
            shape = (input_shape[self.axis],)
            self.axis = [self.axis]
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")
        self.built = True

    def call(self, x):
        return ops.rms_normalization(x, scale=self.scale, axis=self.axis, epsilon=self.epsilon)

    def compute_output_shape(self, input_shape):
        return check_axes(self, input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
