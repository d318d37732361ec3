"""`Layer.__call__`'s fast path (built layer, one eager tensor) keeps every check."""

import numpy as np
import pytest

from lamina import ops
from lamina.layers import Dense, Embedding
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


def built_dense():
    layer = Dense(2)
    layer(np.ones((1, 3), "float32"))
    return layer


def test_input_spec_is_checked_on_every_new_shape():
    layer = built_dense()
    layer(ops.ones((4, 3)))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer(ops.ones((4, 5)))


def test_a_replaced_input_spec_applies_to_the_next_call():
    layer = built_dense()
    x = ops.ones((4, 3))
    layer(x)
    layer.input_spec = InputSpec(ndim=3)
    with pytest.raises(ValueError, match="expected ndim=3"):
        layer(x)


def test_float_inputs_are_autocast_on_the_fast_path():
    layer = built_dense()
    assert layer(ops.ones((1, 3), "float64")).dtype == "float32"
    assert layer(np.ones((1, 3), "float16")).dtype == "float32"


def test_mask_dropped_by_a_non_masking_layer_warns():
    class Plain(Layer):
        def call(self, x):
            return x + 1.0

    layer = Plain()
    layer(ops.ones((2, 3)))
    x = ops.ones((2, 3))
    x._keras_mask = ops.convert_to_tensor(np.array([True, False]))
    with pytest.warns(UserWarning, match="does not support masking"):
        layer(x)


def test_layers_that_create_masks_still_set_them():
    layer = Embedding(5, 2, mask_zero=True)
    layer(np.array([[1, 0]]))
    out = layer(np.array([[0, 3]]))
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[False, True]])


def test_training_flag_reaches_call():
    class Spy(Layer):
        def call(self, x, training=None):
            self.seen = training
            return x

    layer = Spy()
    layer(ops.ones((1,)))
    layer(ops.ones((1,)), training=True)
    assert layer.seen is True
    layer(ops.ones((1,)))
    assert layer.seen is None
