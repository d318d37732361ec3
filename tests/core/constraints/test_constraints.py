"""lamina.constraints: outputs, configs and get/serialize/deserialize."""

import numpy as np
import pytest

from lamina import constraints, ops
from lamina.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm

EPS = 1e-7


def _norms(w, axis):
    return np.sqrt((w * w).sum(axis=axis, keepdims=True))


def _max_norm(w, max_value=2, axis=0):
    n = _norms(w, axis)
    return w * (np.clip(n, 0, max_value) / (EPS + n))


def _min_max_norm(w, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
    n = _norms(w, axis)
    desired = rate * np.clip(n, min_value, max_value) + (1 - rate) * n
    return w * (desired / (EPS + n))


@pytest.mark.parametrize("shape", [(3, 4), (5,), (1, 1), (0, 3), (2, 3, 4)])
@pytest.mark.parametrize(
    "constraint, reference",
    [
        (MaxNorm(), _max_norm),
        (MaxNorm(0.5, axis=1), lambda w: _max_norm(w, 0.5, 1) if w.ndim > 1 else None),
        (
            MaxNorm(1.0, axis=[0, -1]),
            lambda w: _max_norm(w, 1.0, (0, w.ndim - 1)) if w.ndim > 1 else None,
        ),
        (UnitNorm(), lambda w: w / (EPS + _norms(w, 0))),
        (MinMaxNorm(), _min_max_norm),
        (MinMaxNorm(0.5, 1.5, rate=0.3), lambda w: _min_max_norm(w, 0.5, 1.5, 0.3)),
        (NonNeg(), lambda w: np.maximum(w, 0)),
        (Constraint(), lambda w: w),
    ],
)
def test_outputs(constraint, reference, shape, rng):
    w = (3 * rng.standard_normal(shape)).astype("float32")
    expected = reference(w.astype("float64"))
    if expected is None:
        pytest.skip("this axis needs rank >= 2")
    out = constraint(ops.convert_to_tensor(w))
    assert out.shape == w.shape and out.dtype == "float32"
    np.testing.assert_allclose(ops.convert_to_numpy(out), expected, rtol=1e-5, atol=1e-6)


def test_max_norm_keeps_small_columns_and_scales_big_ones():
    w = ops.convert_to_tensor([[3.0, 0.3], [4.0, 0.4]])
    np.testing.assert_allclose(MaxNorm(1.0)(w).numpy(), [[0.6, 0.3], [0.8, 0.4]], rtol=1e-6)


def test_integer_weights_become_float32_like_keras():
    w = np.array([[1, 2]], "int32")
    assert MaxNorm()(w).dtype == "float32"
    assert UnitNorm()(w).dtype == "float32"
    assert MinMaxNorm()(w).dtype == "float32"
    out = NonNeg()(np.array([-1, 2], "int32"))
    assert out.dtype == "int32" and out.numpy().tolist() == [0, 2]


def test_constraints_accept_numpy_and_are_differentiable(rng):
    from lamina.autodiff.gradient_check import check_gradients

    w = rng.standard_normal((3, 2)) * 3
    for constraint in (MaxNorm(1.0), UnitNorm(), MinMaxNorm(0.5, 1.5, 0.5)):
        check_gradients(lambda t, c=constraint: c(t), [w])


@pytest.mark.parametrize(
    "constraint, config",
    [
        (MaxNorm(), {"max_value": 2, "axis": 0}),
        (MaxNorm(3.0, axis=[0, 1]), {"max_value": 3.0, "axis": [0, 1]}),
        (MinMaxNorm(), {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}),
        (UnitNorm(axis=1), {"axis": 1}),
        (NonNeg(), {}),
        (Constraint(), {}),
    ],
)
def test_configs(constraint, config):
    assert constraint.get_config() == config
    assert type(constraint).from_config(config).get_config() == config


def test_aliases():
    assert constraints.max_norm is MaxNorm and constraints.min_max_norm is MinMaxNorm
    assert constraints.non_neg is NonNeg and constraints.unit_norm is UnitNorm


@pytest.mark.parametrize(
    "identifier, cls",
    [
        ("max_norm", MaxNorm),
        ("MaxNorm", MaxNorm),
        ("min_max_norm", MinMaxNorm),
        ("non_neg", NonNeg),
        ("unit_norm", UnitNorm),
        ("constraint", Constraint),
        ({"class_name": "UnitNorm", "config": {"axis": 1}}, UnitNorm),
        (NonNeg, NonNeg),
    ],
)
def test_get(identifier, cls):
    assert type(constraints.get(identifier)) is cls


def test_get_passes_instances_callables_and_none():
    c = MaxNorm()
    assert constraints.get(c) is c
    assert constraints.get(None) is None
    assert constraints.get(abs) is abs
    with pytest.raises(ValueError, match="Could not interpret constraint identifier"):
        constraints.get("max")


def test_serialize_deserialize():
    config = constraints.serialize(MinMaxNorm(0.5, 2.0, 0.5, axis=1))
    assert config == {
        "module": "keras.constraints",
        "class_name": "MinMaxNorm",
        "config": {"min_value": 0.5, "max_value": 2.0, "rate": 0.5, "axis": 1},
        "registered_name": None,
    }
    assert constraints.deserialize(config).get_config() == config["config"]
    assert isinstance(constraints.deserialize("non_neg"), NonNeg)
