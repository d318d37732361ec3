"""Parity of `lamina.activations` with `keras.activations` (JAX): values, dtypes, gradients."""

import numpy as np
import pytest
from harness import assert_parity, keras

from lamina import activations

RNG = np.random.default_rng(0)

CASES = [
    ("celu", {}),
    ("celu", {"alpha": 2.0}),
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("exponential", {}),
    ("gelu", {}),
    ("gelu", {"approximate": True}),
    ("glu", {}),
    ("hard_shrink", {}),
    ("hard_shrink", {"threshold": 1.0}),
    ("hard_sigmoid", {}),
    ("hard_silu", {}),
    ("hard_swish", {}),
    ("hard_tanh", {}),
    ("leaky_relu", {}),
    ("leaky_relu", {"negative_slope": 0.05}),
    ("linear", {}),
    ("log_sigmoid", {}),
    ("log_softmax", {}),
    ("log_softmax", {"axis": 0}),
    ("mish", {}),
    ("relu", {}),
    ("relu", {"negative_slope": 0.1}),
    ("relu", {"max_value": 1.5}),
    ("relu", {"max_value": 6}),
    ("relu", {"threshold": 0.5}),
    ("relu", {"negative_slope": 0.1, "threshold": -0.5}),
    ("relu", {"negative_slope": 0.2, "max_value": 2.0}),
    ("relu", {"negative_slope": 0.1, "max_value": 1.5, "threshold": 0.5}),
    ("relu6", {}),
    ("selu", {}),
    ("sigmoid", {}),
    ("silu", {}),
    ("soft_shrink", {}),
    ("softmax", {}),
    ("softmax", {"axis": 0}),
    ("softplus", {}),
    ("softsign", {}),
    ("sparse_plus", {}),
    ("sparse_sigmoid", {}),
    ("sparsemax", {}),
    ("squareplus", {}),
    ("squareplus", {"b": 1}),
    ("swish", {}),
    ("tanh", {}),
    ("tanh_shrink", {}),
    ("threshold", {"threshold": 0.3, "default_value": -1.0}),
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for n, kw in CASES]


def test_same_names_as_keras():
    keras_names = {n for n in dir(keras.activations) if not n.startswith("_")}
    assert keras_names <= set(dir(activations)), keras_names - set(dir(activations))


@pytest.mark.filterwarnings("ignore:You are using a softmax over axis")
@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
@pytest.mark.parametrize("shape", [(3, 8), (2, 3, 4), (0, 4), (1, 2)])
def test_activation_parity(name, kwargs, shape):
    x = (RNG.standard_normal(shape) * 2.5).astype("float32")
    assert_parity(
        lambda t: getattr(activations, name)(t, **kwargs),
        lambda t: getattr(keras.activations, name)(t, **kwargs),
        [x],
    )


def test_mish_extreme_values_parity():
    x = np.array([-1000.0, -80.0, -20.0, -1.0, 0.0, 1.0, 20.0, 80.0, 1000.0], "float32")
    assert_parity(activations.mish, keras.activations.mish, [x])


@pytest.mark.parametrize(
    "name",
    ["relu", "relu6", "leaky_relu", "hard_tanh", "elu", "mish", "gelu", "softplus", "tanh"],
)
def test_integer_input_dtype_parity(name):
    x = np.array([[-3, -1, 0], [1, 2, 7]], dtype="int32")
    assert_parity(getattr(activations, name), getattr(keras.activations, name), [x])


@pytest.mark.parametrize("name", sorted(n for n in dir(keras.activations) if not n.startswith("_")))
def test_serialize_and_get_match_keras(name):
    if name in ("get", "serialize", "deserialize"):
        return
    assert activations.serialize(getattr(activations, name)) == keras.activations.serialize(
        getattr(keras.activations, name)
    )
    assert activations.get(name).__name__ == keras.activations.get(name).__name__
    assert activations.get(None).__name__ == keras.activations.get(None).__name__
