"""`LayerNormalization` layer: normalize each sample over the feature axes."""

import warnings

from lamina import constraints, initializers, ops, regularizers
from lamina.layers.layer import Layer
from lamina.layers.normalization._axes import as_axis, check_axes


class LayerNormalization(Layer):
    """Normalize each sample over `axis`: `gamma * (x - mean) / sqrt(var + epsilon) + beta`.

    Args:
        axis: int or list of ints, the axes to normalize over (usually -1).
        epsilon: added to the variance (Keras's default 1e-3).
        center: learn the offset `beta`.
        scale: learn the scale `gamma`.
        beta_initializer, gamma_initializer: initializers of beta and gamma.
        beta_regularizer, gamma_regularizer: optional regularizers.
        beta_constraint, gamma_constraint: optional constraints.
        **kwargs: standard layer arguments, and the deprecated `rms_scaling`
            (scales by the variance, not the RMS; use `RMSNormalization`).

    Example:
        >>> LayerNormalization()(np.arange(6.0).reshape(2, 3))  # rows ~[-1.22, 0, 1.22]
    """

    def __init__(
        self,
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
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn(
                "You passed `rms_scaling=True`, which is deprecated. This argument incorrectly "
                "scales the input by the variance, not the root mean square. To correctly use "
                "RMS Normalization, please use `keras.layers.RMSNormalization` instead.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        self.axis = as_axis(axis)
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        # Statistics are computed in float32 inside the op, whatever the policy.
        self.autocast = False

    def build(self, input_shape):
        check_axes(self, input_shape)
        if isinstance(self.axis, list):
            self.axis = sorted(self.axis)
            shape = tuple(input_shape[a] for a in self.axis)
        else:
            shape = (input_shape[self.axis],)
            self.axis = [self.axis]
        self.gamma = None
        self.beta = None
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(
                name="gamma",
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                trainable=True,
                autocast=False,
            )
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(
                name="beta",
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                trainable=True,
                autocast=False,
            )

    def call(self, inputs):
        outputs = ops.layer_normalization(
            inputs,
            self.gamma,
            self.beta,
            self.axis,
            self.epsilon,
            rms_scaling=self.rms_scaling,
        )
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return check_axes(self, input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }
