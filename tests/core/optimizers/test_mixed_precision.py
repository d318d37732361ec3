"""lamina.mixed_precision: the keras.mixed_precision names."""

import pytest

import lamina
from lamina import mixed_precision


@pytest.fixture(autouse=True)
def _restore_policy():
    yield
    mixed_precision.set_global_policy("float32")


def test_global_policy_round_trip():
    mixed_precision.set_global_policy("mixed_float16")
    policy = mixed_precision.global_policy()
    assert policy.name == "mixed_float16"
    assert (policy.compute_dtype, policy.variable_dtype) == ("float16", "float32")
    assert lamina.config.dtype_policy() == policy
    layer = lamina.layers.Dense(2)
    assert layer.compute_dtype == "float16" and layer.variable_dtype == "float32"


def test_names_alias_dtype_policies():
    assert mixed_precision.Policy is lamina.dtype_policies.DTypePolicy
    assert mixed_precision.DTypePolicy is lamina.DTypePolicy
    assert mixed_precision.LossScaleOptimizer is lamina.optimizers.LossScaleOptimizer
    mixed_precision.set_global_policy(mixed_precision.Policy("float16"))
    assert mixed_precision.dtype_policy().name == "float16"
    with pytest.raises(ValueError, match="set_dtype_policy"):
        mixed_precision.set_global_policy(3)
