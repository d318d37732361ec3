"""`BatchNormalization` layer; its training step is one fused primitive."""

from lamina import constraints, initializers, ops, regularizers
from lamina.autodiff import primitive
from lamina.backend import epsilon as backend_epsilon
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.ops._dtypes import xp_of


@primitive(nin=3, multiple_outputs=True)
def _batch_norm_train(x, gamma, beta, axis, epsilon):
    """Normalize `x` with its own batch statistics; returns (out, mean, variance).

    Statistics are reduced over every axis but `axis`, the variance is biased
    (as Keras), and the vjp is the closed form
    `rstd * gamma * (g - mean(g) - xhat * mean(g * xhat))`.
    """
    xp = xp_of(x)
    reduce_axes = tuple(i for i in range(x.ndim) if i != axis)
    channels = x.shape[axis]
    laid = tuple(channels if i == axis else 1 for i in range(x.ndim))
    n = x.size // max(channels, 1)
    mean = x.mean(axis=reduce_axes, keepdims=True)
    centered = x - mean
    variance = xp.mean(centered * centered, axis=reduce_axes, keepdims=True)
    rstd = 1.0 / xp.sqrt(variance + epsilon)
    xhat = centered * rstd
    g_b = None if gamma is None else gamma.reshape(laid)
    out = xhat if g_b is None else xhat * g_b
    if beta is not None:
        out = out + beta.reshape(laid)

    def vjp(gs):
        g, g_mean, g_var = gs
        sum_g = g.sum(axis=reduce_axes, keepdims=True)
        sum_gx = (g * xhat).sum(axis=reduce_axes, keepdims=True)

        def grad_x():
            scale = rstd if g_b is None else rstd * g_b
            d = g - sum_g / n
            d -= xhat * (sum_gx / n)
            d *= scale
            # The statistics outputs only feed the moving averages, so their
            # cotangents are normally zero; honour them when they are not.
            if xp.any(g_mean) or xp.any(g_var):
                d += g_mean.reshape(laid) / n + centered * (g_var.reshape(laid) * (2.0 / n))
            return d

        return grad_x, (lambda: sum_gx.reshape(channels)), (lambda: sum_g.reshape(channels))

    return (out, mean.reshape(channels), variance.reshape(channels)), vjp


def _cast(x, dtype):
    """`ops.cast` that adds no tape node when the dtype already matches."""
    return x if x is None or x.dtype == dtype else ops.cast(x, dtype)


class BatchNormalization(Layer):
    """Normalize over the batch: `gamma * (x - mean) / sqrt(var + epsilon) + beta`.

    In training (`training=True` and the layer trainable) it uses the batch's
    statistics (biased variance) and updates
    `moving = moving * momentum + batch * (1 - momentum)`; otherwise it uses the
    moving statistics. A frozen layer (`trainable=False`) runs in inference
    mode, as in Keras 3.

    Args:
        axis: the features axis (usually -1, or 1 for channels-first).
        momentum: momentum of the moving averages.
        epsilon: added to the variance.
        center: learn the offset `beta`.
        scale: learn the scale `gamma`.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: initializers of the four weights.
        beta_regularizer, gamma_regularizer: optional regularizers.
        beta_constraint, gamma_constraint: optional constraints.
        renorm: use batch renormalization (Ioffe, 2017).
        renorm_clipping: dict with optional keys `rmax`, `rmin`, `dmax`.
        renorm_momentum: momentum of the renorm statistics.
        synchronized: only supported by Keras's TensorFlow backend; must be False.

    Example:
        >>> bn = BatchNormalization()
        >>> y = bn(np.random.rand(8, 4).astype("float32"), training=True)
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        synchronized=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.axis = int(axis)
        if synchronized:
            raise ValueError(
                "Argument synchronized=True is only supported with the TensorFlow backend."
            )
        self.synchronized = synchronized
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.renorm = renorm
        if renorm:
            renorm_clipping = renorm_clipping or {}
            unknown = set(renorm_clipping) - {"rmax", "rmin", "dmax"}
            if unknown:
                raise ValueError(
                    f"Received invalid keys for `renorm_clipping` argument: {renorm_clipping}. "
                    "Supported values: ['rmax', 'rmin', 'dmax']."
                )
            rmax, rmin = renorm_clipping.get("rmax"), renorm_clipping.get("rmin")
            dmax = renorm_clipping.get("dmax")
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(
                    "rmax should be greater than rmin in the `renorm_clipping` argument. "
                    f"Received: rmax={rmax}, rmin={rmin}."
                )
            if dmax is not None and dmax < 0:
                raise ValueError(
                    "dmax should be non-negative in the `renorm_clipping` argument. "
                    f"Received: dmax={dmax}."
                )
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.gamma = None
        self.beta = None
        self.moving_mean = None
        self.moving_variance = None
        self._reduction_axes = None

    def build(self, input_shape):
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Layer '{self.name}' (BatchNormalization): axis={self.axis} is out of bounds "
                f"for input shape {tuple(input_shape)}."
            )
        shape = (input_shape[self.axis],)
        if self.scale:
            self.gamma = self.add_weight(
                shape=shape,
                name="gamma",
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                trainable=True,
                autocast=False,
            )
        if self.center:
            self.beta = self.add_weight(
                shape=shape,
                name="beta",
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                trainable=True,
                autocast=False,
            )
        self.moving_mean = self.add_weight(
            shape=shape,
            name="moving_mean",
            initializer=self.moving_mean_initializer,
            trainable=False,
            autocast=False,
        )
        self.moving_variance = self.add_weight(
            shape=shape,
            name="moving_variance",
            initializer=self.moving_variance_initializer,
            trainable=False,
            autocast=False,
        )
        if self.renorm:
            variance_init = self.moving_variance_initializer

            def moving_stddev_initializer(shape, dtype=None):
                return ops.sqrt(variance_init(shape, dtype=dtype))

            self.moving_stddev = self.add_weight(
                shape=shape,
                name="moving_stddev",
                initializer=moving_stddev_initializer,
                trainable=False,
                autocast=False,
            )
            self.renorm_mean = self.add_weight(
                shape=shape,
                name="renorm_mean",
                initializer=self.moving_mean_initializer,
                trainable=False,
                autocast=False,
            )
            self.renorm_stddev = self.add_weight(
                shape=shape,
                name="renorm_stddev",
                initializer=moving_stddev_initializer,
                trainable=False,
                autocast=False,
            )
        self.input_spec = InputSpec(ndim=rank, axes={self.axis: input_shape[self.axis]})
        self._reduction_axes = [i for i in range(rank) if i != self.axis % rank]

    def compute_output_shape(self, input_shape):
        if not -len(input_shape) <= self.axis < len(input_shape):
            raise ValueError(
                f"Axis {self.axis} is out of bounds for input shape {input_shape}. "
                f"Received: axis={self.axis}"
            )
        return input_shape

    def _update(self, variable, batch_value, momentum):
        """`variable = variable * momentum + batch * (1 - momentum)`, outside any tape."""
        batch = ops.stop_gradient(batch_value)
        variable.assign(ops.cast(variable, batch.dtype) * momentum + batch * (1.0 - momentum))

    def call(self, inputs, training=None, mask=None):
        if mask is not None and len(mask.shape) != len(inputs.shape) - 1:
            raise ValueError(
                f"Layer '{self.name}' (BatchNormalization): the mask should have one dimension "
                f"less than the inputs. Received: mask.shape={tuple(mask.shape)}, "
                f"inputs.shape={tuple(inputs.shape)}"
            )
        compute_dtype = "float64" if inputs.dtype == "float64" else "float32"
        inputs = _cast(inputs, compute_dtype)
        gamma = _cast(self.gamma, compute_dtype)
        beta = _cast(self.beta, compute_dtype)
        if training and self.trainable:
            if mask is None and not self.renorm:
                outputs, mean, variance = _batch_norm_train(
                    inputs, gamma, beta, self.axis % inputs.ndim, self.epsilon
                )
                self._update(self.moving_mean, mean, self.momentum)
                self._update(self.moving_variance, variance, self.momentum)
                return _cast(outputs, self.compute_dtype)
            mean, variance = self._moments(inputs, mask)
            if self.renorm:
                gamma, beta = self._renorm(mean, variance, gamma, beta, compute_dtype)
            else:
                self._update(self.moving_mean, mean, self.momentum)
                self._update(self.moving_variance, variance, self.momentum)
        else:
            mean = ops.cast(self.moving_mean, compute_dtype)
            variance = ops.cast(self.moving_variance, compute_dtype)
        outputs = ops.batch_normalization(
            inputs, mean, variance, axis=self.axis, offset=beta, scale=gamma, epsilon=self.epsilon
        )
        return _cast(outputs, self.compute_dtype)

    def _moments(self, inputs, mask):
        if mask is None:
            return ops.moments(inputs, axes=self._reduction_axes)
        weights = ops.broadcast_to(ops.expand_dims(ops.cast(mask, "bool"), -1), inputs.shape)
        axes = self._reduction_axes
        total = ops.sum(ops.cast(weights, inputs.dtype), axes, keepdims=True)
        total = total + backend_epsilon()
        mean = ops.sum(ops.where(weights, inputs, 0), axes, keepdims=True) / total
        centered = ops.where(weights, inputs - mean, 0)
        variance = ops.sum(ops.square(centered), axes, keepdims=True) / total
        channels = (inputs.shape[self.axis],)
        return ops.reshape(mean, channels), ops.reshape(variance, channels)

    def _renorm(self, mean, variance, gamma, beta, dtype):
        """Batch renormalization: fold the stopped r, d corrections into gamma and beta."""
        stddev = ops.sqrt(variance + self.epsilon)
        renorm_mean = ops.cast(self.renorm_mean, dtype)
        renorm_stddev = ops.maximum(
            ops.cast(self.renorm_stddev, dtype), ops.sqrt(ops.cast(self.epsilon, dtype))
        )
        r = stddev / renorm_stddev
        d = (mean - renorm_mean) / renorm_stddev
        clipping = self.renorm_clipping
        if clipping.get("rmin") is not None:
            r = ops.maximum(r, clipping["rmin"])
        if clipping.get("rmax") is not None:
            r = ops.minimum(r, clipping["rmax"])
        if clipping.get("dmax") is not None:
            d = ops.clip(d, -clipping["dmax"], clipping["dmax"])
        r, d = ops.stop_gradient(r), ops.stop_gradient(d)
        if gamma is not None:
            new_gamma, new_beta = r * gamma, d * gamma
        else:
            new_gamma, new_beta = ops.cast(r, dtype), ops.cast(d, dtype)
        if beta is not None:
            new_beta = new_beta + beta
        self._update(self.renorm_mean, mean, self.renorm_momentum)
        self._update(self.renorm_stddev, stddev, self.renorm_momentum)
        self._update(self.moving_mean, mean, self.momentum)
        self._update(self.moving_stddev, stddev, self.momentum)
        new_stddev = ops.cast(self.moving_stddev, dtype)
        self.moving_variance.assign(ops.relu(new_stddev * new_stddev - self.epsilon))
        return new_gamma, new_beta

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        }
