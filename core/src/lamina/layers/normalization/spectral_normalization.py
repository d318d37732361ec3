"""`SpectralNormalization` wrapper: constrain a layer's kernel to spectral norm 1."""

from lamina import initializers, ops
from lamina.layers.core.wrapper import Wrapper
from lamina.layers.input_spec import InputSpec


class SpectralNormalization(Wrapper):
    """Divide the wrapped layer's kernel by its largest singular value, estimated by
    power iteration (Miyato et al., 2018), at every training call.

    Args:
        layer: a layer with a `kernel` (Dense, Conv2D, ...) or `embeddings` (Embedding).
        power_iterations: number of power iterations per training call.
        **kwargs: base wrapper keyword arguments.

    Example:
        >>> sn = SpectralNormalization(Dense(10))
        >>> y = sn(np.random.rand(4, 3), training=True)
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if power_iterations <= 0:
            raise ValueError(
                "`power_iterations` should be greater than zero. Received: "
                f"`power_iterations={power_iterations}`"
            )
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        if hasattr(self.layer, "kernel"):
            self.kernel = self.layer.kernel
        elif hasattr(self.layer, "embeddings"):
            self.kernel = self.layer.embeddings
        else:
            raise ValueError(
                f"{type(self.layer).__name__} object has no attribute 'kernel' nor 'embeddings'"
            )
        self.kernel_shape = tuple(self.kernel.shape)
        self.vector_u = self.add_weight(
            shape=(1, self.kernel_shape[-1]),
            initializer=initializers.TruncatedNormal(stddev=0.02),
            trainable=False,
            name="vector_u",
            dtype=self.kernel.dtype,
        )

    def call(self, inputs, training=False):
        if training and bool(ops.any(ops.not_equal(self.kernel, 0))):
            vector_u, kernel = self.normalized_weights()
            self.vector_u.assign(vector_u)
            self.kernel.assign(kernel)
        return ops.cast(self.layer(inputs), inputs.dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def normalized_weights(self):
        """The updated `(vector_u, kernel / sigma)` after the power iterations."""
        kernel = ops.stop_gradient(self.kernel)
        weights = ops.reshape(kernel, (-1, self.kernel_shape[-1]))
        vector_u = ops.stop_gradient(self.vector_u)
        for _ in range(self.power_iterations):
            vector_v = ops.normalize(ops.matmul(vector_u, ops.transpose(weights)), axis=None)
            vector_u = ops.normalize(ops.matmul(vector_v, weights), axis=None)
        sigma = ops.matmul(ops.matmul(vector_v, weights), ops.transpose(vector_u))
        kernel = ops.reshape(kernel / sigma, self.kernel_shape)
        return ops.cast(vector_u, self.vector_u.dtype), ops.cast(kernel, self.kernel.dtype)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}
