"""lamina.regularizers: values, gradients, configs and get/serialize/deserialize."""

import numpy as np
import pytest

from lamina import ops, regularizers
from lamina.autodiff.gradient_check import check_gradients
from lamina.regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer


def _orthogonal_reference(x, factor, mode):
    x = x if mode == "rows" else x.T
    norms = np.sqrt((x * x).sum(axis=1, keepdims=True))
    x = x / np.maximum(norms, 1e-7)
    product = x @ x.T
    n = x.shape[0]
    off = np.abs(product * (1 - np.eye(n))).sum()
    return factor * 0.5 * off / (n * (n - 1) / 2)


@pytest.mark.parametrize("shape", [(3, 4), (5,), (1, 1), (0, 3), (2, 3, 4)])
@pytest.mark.parametrize(
    "reg, reference",
    [
        (L1(0.3), lambda x: 0.3 * np.abs(x).sum()),
        (L2(0.2), lambda x: 0.2 * (x * x).sum()),
        (L1L2(0.1, 0.4), lambda x: 0.1 * np.abs(x).sum() + 0.4 * (x * x).sum()),
        (L1L2(0.0, 0.4), lambda x: 0.4 * (x * x).sum()),
        (L1L2(), lambda x: 0.0 * x.sum()),
    ],
)
def test_penalty_values_and_dtype(reg, reference, shape, rng):
    x = rng.standard_normal(shape).astype("float32")
    out = reg(ops.convert_to_tensor(x))
    assert out.shape == () and out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), reference(x.astype("float64")), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "reg",
    [
        L1(0.3),
        L2(0.2),
        L1L2(0.1, 0.4),
        OrthogonalRegularizer(0.5),
        OrthogonalRegularizer(0.5, "columns"),
    ],
)
def test_gradients(reg, rng):
    x = rng.standard_normal((4, 3))
    check_gradients(lambda t: reg(t), [x])


@pytest.mark.parametrize("mode", ["rows", "columns"])
@pytest.mark.parametrize("shape", [(3, 4), (4, 3), (2, 2)])
def test_orthogonal_values(mode, shape, rng):
    x = rng.standard_normal(shape).astype("float32")
    out = OrthogonalRegularizer(0.5, mode)(ops.convert_to_tensor(x))
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), _orthogonal_reference(x, 0.5, mode), rtol=1e-5)


def test_orthogonal_of_orthonormal_rows_is_zero():
    assert float(OrthogonalRegularizer()(ops.eye(3))) == 0.0


def test_orthogonal_rejects_other_ranks_and_modes():
    with pytest.raises(ValueError, match=r"rank 2.*\(2, 2, 2\)"):
        OrthogonalRegularizer()(ops.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="mode=diagonal"):
        OrthogonalRegularizer(mode="diagonal")


def test_float64_input_keeps_float64():
    out = L2(0.5)(ops.convert_to_tensor(np.ones((2, 2))))
    assert out.dtype == "float64" and float(out) == 2.0


def test_integer_input_casts_the_factor_like_keras():
    # Keras casts 0.01 to int32 (0), so the penalty of an int32 weight is an int32 zero.
    out = L2()(ops.convert_to_tensor(np.ones(3, "int32")))
    assert out.dtype == "int32" and int(out) == 0
    out = L1L2(l1=2.0)(ops.convert_to_tensor(np.array([-1, 2], "int32")))
    assert out.dtype == "int32" and int(out) == 6


def test_base_regularizer():
    assert Regularizer()(ops.ones((2,))) == 0.0
    with pytest.raises(NotImplementedError, match="get_config"):
        Regularizer().get_config()


@pytest.mark.parametrize(
    "reg, config",
    [
        (L1(), {"l1": 0.009999999776482582}),  # stored as a float32 tensor, as in Keras
        (L2(), {"l2": 0.01}),
        (L1L2(), {"l1": 0.0, "l2": 0.0}),
        (L1L2(l1=None, l2=3), {"l1": 0.0, "l2": 3.0}),
        (L2(None), {"l2": 0.01}),
        (OrthogonalRegularizer(), {"factor": 0.009999999776482582, "mode": "rows"}),
    ],
)
def test_defaults_and_configs(reg, config):
    assert reg.get_config() == config
    clone = type(reg).from_config(reg.get_config())
    assert clone.get_config() == config


@pytest.mark.parametrize("bad", [-1.0, float("inf"), float("nan"), "0.1", np.float32(0.1)])
@pytest.mark.parametrize(
    "cls, arg", [(L1, "l1"), (L2, "l2"), (L1L2, "l1"), (OrthogonalRegularizer, "factor")]
)
def test_invalid_factors(cls, arg, bad):
    with pytest.raises(ValueError, match=f"Invalid value for argument {arg}"):
        cls(**{arg: bad})


def test_aliases():
    assert regularizers.l1 is L1 and regularizers.l2 is L2
    assert regularizers.l1_l2 is L1L2
    assert regularizers.orthogonal_regularizer is OrthogonalRegularizer


@pytest.mark.parametrize(
    "identifier, cls, config",
    [
        ("l1", L1, {"l1": 0.009999999776482582}),
        ("L2", L2, {"l2": 0.01}),
        ("l1l2", L1L2, {"l1": 0.0, "l2": 0.0}),
        ("l1_l2", L1L2, {"l1": 0.01, "l2": 0.01}),  # the documented default
        (
            "orthogonal_regularizer",
            OrthogonalRegularizer,
            {"factor": 0.009999999776482582, "mode": "rows"},
        ),
        ({"class_name": "L2", "config": {"l2": 0.5}}, L2, {"l2": 0.5}),
        (
            {
                "module": "keras.regularizers",
                "class_name": "L1",
                "config": {"l1": 0.5},
                "registered_name": None,
            },
            L1,
            {"l1": 0.5},
        ),
        (L2, L2, {"l2": 0.01}),
    ],
)
def test_get(identifier, cls, config):
    reg = regularizers.get(identifier)
    assert type(reg) is cls and reg.get_config() == config


def test_get_passes_callables_and_none():
    def fn(x):
        return ops.sum(x)

    reg = L2()
    assert regularizers.get(None) is None
    assert regularizers.get(fn) is fn
    assert regularizers.get(reg) is reg


@pytest.mark.parametrize("bad", ["l3", 3])
def test_get_rejects_unknown(bad):
    with pytest.raises(ValueError, match="Could not interpret regularizer identifier"):
        regularizers.get(bad)


def test_serialize_deserialize():
    config = regularizers.serialize(L1L2(0.1, 0.2))
    assert config == {
        "module": "keras.regularizers",
        "class_name": "L1L2",
        "config": {"l1": 0.1, "l2": 0.2},
        "registered_name": None,
    }
    assert regularizers.deserialize(config).get_config() == {"l1": 0.1, "l2": 0.2}
    assert isinstance(regularizers.deserialize("l2"), L2)
    assert isinstance(regularizers.deserialize("OrthogonalRegularizer"), OrthogonalRegularizer)
