"""DTypePolicy names, dtypes and serialization, mixed_bfloat16 included."""

import pytest

from lamina import dtype_policies
from lamina.dtype_policies import DTypePolicy


@pytest.mark.parametrize(
    ("name", "compute", "variable"),
    [
        ("float32", "float32", "float32"),
        ("bfloat16", "bfloat16", "bfloat16"),
        ("mixed_float16", "float16", "float32"),
        ("mixed_bfloat16", "bfloat16", "float32"),
    ],
)
def test_policy_dtypes(name, compute, variable):
    policy = DTypePolicy(name)
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == (name, compute, variable)


def test_serialize_round_trip():
    config = dtype_policies.serialize(DTypePolicy("mixed_bfloat16"))
    assert config == {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": "mixed_bfloat16"},
        "registered_name": None,
    }
    assert dtype_policies.deserialize(config) == DTypePolicy("mixed_bfloat16")


def test_global_policy_mixed_bfloat16():
    dtype_policies.set_dtype_policy("mixed_bfloat16")
    try:
        assert dtype_policies.get(None).compute_dtype == "bfloat16"
    finally:
        dtype_policies.set_dtype_policy("float32")


def test_bad_policy_name_is_explained():
    with pytest.raises(ValueError, match="cannot interpret dtype policy 'mixed_int8'"):
        DTypePolicy("mixed_int8")
