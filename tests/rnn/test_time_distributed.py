"""TimeDistributed: per-step application, shapes, masks, errors and config."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops


def test_applies_the_same_layer_to_every_step(rng):
    x = rng.standard_normal((2, 4, 5)).astype("float32")
    dense = layers.Dense(3)
    y = layers.TimeDistributed(dense)(x).numpy()
    kernel, bias = dense.get_weights()
    np.testing.assert_allclose(y, x @ kernel + bias, rtol=1e-6, atol=1e-6)
    assert len(dense.weights) == 2  # one set of weights shared by every step


def test_symbolic_shape_and_functional_model(rng):
    inputs = layers.Input(shape=(10, 6, 6, 2))
    outputs = layers.TimeDistributed(layers.Conv2D(4, 3))(inputs)
    assert outputs.shape == (None, 10, 4, 4, 4)
    model = lamina.Model(inputs, outputs)
    assert model.predict(rng.standard_normal((3, 10, 6, 6, 2)), verbose=0).shape == (3, 10, 4, 4, 4)


def test_output_mask_is_the_input_mask():
    tokens = np.array([[3, 1, 0, 0], [2, 0, 0, 0]])
    embedded = layers.Embedding(5, 3, mask_zero=True)(tokens)
    y = layers.TimeDistributed(layers.Dense(2))(embedded)
    np.testing.assert_array_equal(y._keras_mask.numpy(), tokens != 0)


def test_step_masks_reach_layers_that_take_a_mask():
    seen = []

    class Recorder(layers.Layer):
        def call(self, inputs, mask=None):
            seen.append(None if mask is None else mask.numpy())
            return inputs

    mask = np.array([[True, False, True], [False, True, True]])
    layers.TimeDistributed(Recorder())(np.ones((2, 3, 4, 1), "float32"), mask=mask)
    assert len(seen) == 3
    for t, step_mask in enumerate(seen):
        np.testing.assert_array_equal(step_mask, mask[:, t])


def test_training_flag_is_passed_on():
    x = np.ones((64, 3, 8), "float32")
    layer = layers.TimeDistributed(layers.Dropout(0.5, seed=1))
    assert np.array_equal(layer(x).numpy(), x)
    assert not np.array_equal(layer(x, training=True).numpy(), x)


def test_gradients_flow_to_the_wrapped_weights(rng):
    layer = layers.TimeDistributed(layers.Dense(2))
    x = ops.convert_to_tensor(rng.standard_normal((2, 3, 4)).astype("float32"))
    with lamina.GradientTape() as tape:
        loss = ops.sum(layer(x))
    grads = tape.gradient(loss, layer.trainable_weights)
    np.testing.assert_allclose(grads[1].numpy(), np.full(2, 6.0))


def test_rejects_a_non_layer():
    with pytest.raises(ValueError, match=r"TimeDistributed.*Layer"):
        layers.TimeDistributed(lambda x: x)


def test_rejects_inputs_below_3d():
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        layers.TimeDistributed(layers.Dense(2))(np.ones((2, 3), "float32"))


def test_rejects_a_mask_of_the_wrong_shape():
    layer = layers.TimeDistributed(layers.Dense(2))
    with pytest.raises(ValueError, match="incompatible with the input shape"):
        layer(np.ones((2, 3, 4), "float32"), mask=np.ones((2, 4), bool))
    with pytest.raises(ValueError, match="at least 2D"):
        layer(np.ones((2, 3, 4), "float32"), mask=np.ones((2,), bool))


def test_config_round_trip():
    layer = layers.TimeDistributed(layers.Dense(3, activation="relu"), name="td")
    config = layer.get_config()
    assert config["layer"]["class_name"] == "Dense"
    clone = layers.TimeDistributed.from_config(config)
    assert clone.name == "td" and clone.layer.units == 3
    assert clone.compute_output_shape((None, 7, 5)) == (None, 7, 3)
