"""lamina.constraints against keras.constraints (JAX): outputs, gradients, configs."""

import numpy as np
import pytest
from harness import assert_parity, keras

import lamina
import lamina.constraints

CASES = [
    ("MaxNorm", {}),
    ("MaxNorm", {"max_value": 0.5, "axis": 1}),
    ("MaxNorm", {"max_value": 1.0, "axis": [0, 1]}),
    ("MinMaxNorm", {}),
    ("MinMaxNorm", {"min_value": 0.5, "max_value": 1.5, "rate": 0.3, "axis": 1}),
    ("UnitNorm", {}),
    ("UnitNorm", {"axis": -1}),
    ("NonNeg", {}),
    ("Constraint", {}),
]


def _pair(name, kwargs):
    return getattr(lamina.constraints, name)(**kwargs), getattr(keras.constraints, name)(**kwargs)


@pytest.mark.parametrize("name, kwargs", CASES)
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (1, 1), (5, 2)])
def test_output_and_gradient(name, kwargs, shape):
    lam, ker = _pair(name, kwargs)
    w = (2 * np.random.default_rng(0).standard_normal(shape)).astype("float32")
    assert_parity(lambda t: lam(t), lambda t: ker(t), [w])


@pytest.mark.parametrize("name, kwargs", [c for c in CASES if c[0] != "Constraint"])
def test_integer_weights(name, kwargs):
    lam, ker = _pair(name, kwargs)
    w = np.array([[1, -2], [3, 4]], "int32")
    out_l = lamina.ops.convert_to_numpy(lam(w))
    out_k = np.asarray(ker(w))
    assert out_l.dtype == out_k.dtype
    np.testing.assert_allclose(out_l, out_k, rtol=1e-6)


@pytest.mark.parametrize("name, kwargs", CASES)
def test_config_and_serialize(name, kwargs):
    lam, ker = _pair(name, kwargs)
    assert lam.get_config() == ker.get_config()
    assert lamina.constraints.serialize(lam) == keras.constraints.serialize(ker)
    back = keras.constraints.deserialize(lamina.constraints.serialize(lam))
    assert type(back).__name__ == name and back.get_config() == ker.get_config()
    again = lamina.constraints.deserialize(keras.constraints.serialize(ker))
    assert type(again).__name__ == name and again.get_config() == lam.get_config()


@pytest.mark.parametrize("identifier", ["max_norm", "MinMaxNorm", "non_neg", "unit_norm"])
def test_get_by_name(identifier):
    lam = lamina.constraints.get(identifier)
    ker = keras.constraints.get(identifier)
    assert type(lam).__name__ == type(ker).__name__
    assert lam.get_config() == ker.get_config()
