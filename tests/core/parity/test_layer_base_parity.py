"""Layer base parity with Keras 3: the same custom layer written against both APIs."""

import numpy as np
import pytest
from layer_harness import assert_layer_parity, keras

from lamina import ops
from lamina.layers.layer import Layer


def _lamina_layer(units, **kwargs):
    class Tracked(Layer):
        def __init__(self, units, **kw):
            super().__init__(**kw)
            self.units = units
            self.supports_masking = True

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], units), initializer=_rand)
            self.bias = self.add_weight(shape=(units,), initializer=_rand)
            self.moving = self.add_weight(shape=(units,), initializer=_zeros, trainable=False)

        def call(self, x, training=None, mask=None):
            y = ops.tanh(ops.matmul(x, self.kernel) + self.bias)
            if training:
                batch_mean = ops.mean(y, axis=tuple(range(y.ndim - 1)))
                self.moving.assign(self.moving * 0.9 + batch_mean * 0.1)
                return y * 2.0
            return y - self.moving

    return Tracked(units, **kwargs)


def _keras_layer(units, **kwargs):
    class Tracked(keras.layers.Layer):
        def __init__(self, units, **kw):
            super().__init__(**kw)
            self.units = units
            self.supports_masking = True

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], units))
            self.bias = self.add_weight(shape=(units,))
            self.moving = self.add_weight(shape=(units,), initializer="zeros", trainable=False)

        def call(self, x, training=None, mask=None):
            y = keras.ops.tanh(keras.ops.matmul(x, self.kernel) + self.bias)
            if training:
                batch_mean = keras.ops.mean(y, axis=tuple(range(len(y.shape) - 1)))
                self.moving.assign(self.moving * 0.9 + batch_mean * 0.1)
                return y * 2.0
            return y - self.moving

    return Tracked(units, **kwargs)


_rng = np.random.default_rng(0)


def _rand(shape, dtype=None):
    return _rng.uniform(-0.5, 0.5, shape).astype(dtype)


def _zeros(shape, dtype=None):
    return np.zeros(shape, dtype)


@pytest.mark.parametrize("shape", [(4, 5), (1, 3), (2, 3, 4)])
@pytest.mark.parametrize("training", [False, True])
def test_custom_layer_outputs_gradients_and_state(shape, training):
    x = np.random.default_rng(1).standard_normal(shape).astype("float32")
    assert_layer_parity(_lamina_layer(3), _keras_layer(3), x, training=training)


def test_weight_order_and_counts_match():
    lam, ker = _lamina_layer(2), _keras_layer(2)
    x = np.ones((2, 4), "float32")
    lam(x)
    ker(x)
    assert [w.shape for w in lam.weights] == [tuple(w.shape) for w in ker.weights]
    assert len(lam.trainable_weights) == len(ker.trainable_weights)
    assert lam.count_params() == ker.count_params()
    lam.trainable = False
    ker.trainable = False
    assert len(lam.non_trainable_weights) == len(ker.non_trainable_weights) == 3


def test_mask_propagates_like_keras():
    x = np.ones((2, 3, 4), "float32")
    mask = np.array([[True, True, False], [True, False, False]])
    assert_layer_parity(_lamina_layer(2), _keras_layer(2), x, call_kwargs={"mask": mask})


def test_mixed_float16_dtypes_match_keras():
    lam, ker = _lamina_layer(3, dtype="mixed_float16"), _keras_layer(3, dtype="mixed_float16")
    x = np.ones((2, 4), "float32")
    out_l, out_k = lam(x), ker(x)
    assert out_l.dtype == keras.backend.standardize_dtype(out_k.dtype) == "float16"
    assert lam.kernel.dtype == ker.kernel.dtype == "float32"
    assert (lam.compute_dtype, lam.variable_dtype) == (ker.compute_dtype, ker.variable_dtype)


def test_auto_config_matches_keras():
    class LamCfg(Layer):
        def __init__(self, units=4, act="relu", **kwargs):
            super().__init__(**kwargs)

    class KerCfg(keras.layers.Layer):
        def __init__(self, units=4, act="relu", **kwargs):
            super().__init__(**kwargs)

    lam = LamCfg(units=5, name="cfg").get_config()
    ker = KerCfg(units=5, name="cfg").get_config()
    assert lam == ker


def test_names_follow_keras_snake_case():
    from keras.src.utils.naming import to_snake_case as keras_snake

    from lamina.layers.layer import to_snake_case

    for name in ["Dense", "BatchNormalization", "ReLU", "PReLU", "Conv2DTranspose", "LSTMCell"]:
        assert to_snake_case(name) == keras_snake(name)
