"""`GroupNormalization` layer: normalize groups of channels per sample."""

from lamina import constraints, initializers, ops, regularizers
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.normalization._axes import check_axes


class GroupNormalization(Layer):
    """Split the channels into `groups` and normalize each group per sample.

    `groups=1` is layer normalization over all axes, `groups=-1` (one group per
    channel) is instance normalization.

    Args:
        groups: number of groups; must divide the number of channels (-1: one per channel).
        axis: the channels axis.
        epsilon: added to the variance.
        center: learn the offset `beta`.
        scale: learn the scale `gamma`.
        beta_initializer, gamma_initializer: initializers of beta and gamma.
        beta_regularizer, gamma_regularizer: optional regularizers.
        beta_constraint, gamma_constraint: optional constraints.

    Example:
        >>> GroupNormalization(groups=2)(np.random.rand(2, 5, 4)).shape  # (2, 5, 4)
    """

    def __init__(
        self,
        groups=32,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        if not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(
                "Received an invalid value for argument `groups`, expected a positive integer "
                f"(or `-1` for instance normalization). Received: groups={groups}"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self.autocast = False
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        check_axes(self, input_shape)
        dim = input_shape[self.axis]
        where = f"Layer '{self.name}' (GroupNormalization)"
        if dim is None:
            raise ValueError(
                f"{where}: axis {self.axis} of the input should have a defined dimension, "
                f"but the layer received an input with shape {tuple(input_shape)}."
            )
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(
                f"{where}: number of groups ({self.groups}) cannot be more than the number of "
                f"channels ({dim})."
            )
        if dim % self.groups:
            raise ValueError(
                f"{where}: number of groups ({self.groups}) must divide the number of channels "
                f"({dim})."
            )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        self.gamma = None
        self.beta = None
        if self.scale:
            self.gamma = self.add_weight(
                shape=(dim,),
                name="gamma",
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                autocast=False,
            )
        if self.center:
            self.beta = self.add_weight(
                shape=(dim,),
                name="beta",
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                autocast=False,
            )

    def _grouped_shape(self, shape):
        """`shape` with the channel axis split into (groups, channels // groups)."""
        grouped = list(shape)
        axis = self.axis % len(shape)
        grouped[axis] = shape[axis] // self.groups
        grouped.insert(axis, self.groups)
        return grouped

    def call(self, inputs):
        shape = tuple(inputs.shape)
        dtype = inputs.dtype
        x = ops.reshape(inputs, self._grouped_shape(shape))
        compute = "float64" if dtype == "float64" else "float32"
        x = ops.cast(x, compute)
        # Reduce over every axis but the batch and the group axes.
        group_axis = self.axis % len(shape)
        axes = [i for i in range(1, x.ndim) if i != group_axis]
        mean, variance = ops.moments(x, axes=axes, keepdims=True)
        inv = ops.rsqrt(variance + self.epsilon)
        laid = [1] * x.ndim
        laid[group_axis] = self.groups
        laid[group_axis + 1] = shape[group_axis] // self.groups
        if self.scale:
            inv = inv * ops.cast(ops.reshape(self.gamma, laid), compute)
        res = -mean * inv
        if self.center:
            res = res + ops.cast(ops.reshape(self.beta, laid), compute)
        outputs = ops.cast(x * inv + res, dtype)
        return ops.cast(ops.reshape(outputs, shape), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return check_axes(self, input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }
