"""lamina.saving against keras.saving: the same config dicts, and configs load across."""

import json

import pytest
from harness import keras

import lamina
import lamina.constraints
import lamina.dtype_policies
import lamina.regularizers
from lamina import saving
from lamina.saving.serialization_lib import serialize_op

OBJECTS = [
    ("regularizers", "L2", {"l2": 0.25}),
    ("regularizers", "OrthogonalRegularizer", {"mode": "columns"}),
    ("constraints", "MaxNorm", {"max_value": 3, "axis": [0, 1]}),
    ("constraints", "NonNeg", {}),
]


def _make(lib, area, name, kwargs):
    return getattr(getattr(lib, area), name)(**kwargs)


@pytest.mark.parametrize("area, name, kwargs", OBJECTS)
def test_same_config_dicts_and_cross_loading(area, name, kwargs):
    lam = _make(lamina, area, name, kwargs)
    ker = _make(keras, area, name, kwargs)
    lam_config = saving.serialize_keras_object(lam)
    ker_config = keras.saving.serialize_keras_object(ker)
    assert lam_config == ker_config
    as_json = json.loads(json.dumps(ker_config))
    assert saving.deserialize_keras_object(as_json).get_config() == lam.get_config()
    back = keras.saving.deserialize_keras_object(json.loads(json.dumps(lam_config)))
    assert back.get_config() == ker.get_config()


def test_dtype_policy_config():
    lam = saving.serialize_keras_object(lamina.dtype_policies.DTypePolicy("float32"))
    ker = keras.saving.serialize_keras_object(keras.DTypePolicy("float32"))
    assert lam == ker


@pytest.mark.parametrize(
    "value",
    [None, 3, "relu", [1, 2.5], (1, 2), {"a": [1, None]}, b"ab", slice(1, None, 2), Ellipsis],
)
def test_plain_and_special_values(value):
    assert saving.serialize_keras_object(value) == keras.saving.serialize_keras_object(value)


def test_registered_custom_class_has_the_same_identity():
    def make(base, lib_saving):
        @lib_saving.register_keras_serializable(package="parity_pkg")
        class Halve(base):
            def __init__(self, k=0.5):
                self.k = k

            def __call__(self, x):
                return x

            def get_config(self):
                return {"k": self.k}

        return Halve

    lam_cls = make(lamina.regularizers.Regularizer, saving)
    ker_cls = make(keras.regularizers.Regularizer, keras.saving)
    lam = saving.serialize_keras_object(lam_cls(0.1))
    ker = keras.saving.serialize_keras_object(ker_cls(0.1))
    assert lam == ker
    assert saving.get_registered_name(lam_cls) == keras.saving.get_registered_name(ker_cls)
    assert isinstance(saving.deserialize_keras_object(ker), lam_cls)
    assert isinstance(keras.saving.deserialize_keras_object(lam), ker_cls)


def test_function_configs():
    def my_fn(x):
        return x

    lam = saving.serialize_keras_object(my_fn)
    ker = keras.saving.serialize_keras_object(my_fn)
    assert lam == ker


@pytest.mark.parametrize(
    "fn_name, keras_op",
    [
        ("not_equal", lambda: keras.src.ops.numpy.NotEqual()),
        ("add", lambda: keras.src.ops.numpy.Add()),
        ("relu", lambda: keras.src.ops.nn.Relu()),
    ],
)
def test_op_node_configs(fn_name, keras_op):
    assert serialize_op(fn_name) == keras.saving.serialize_keras_object(keras_op())


def test_op_with_static_arguments():
    ker = keras.saving.serialize_keras_object(keras.src.ops.numpy.Sum(axis=1))
    assert serialize_op("sum", axis=1, keepdims=False) == ker
    op = saving.deserialize_keras_object(ker)
    x = lamina.ops.ones((2, 3))
    assert lamina.ops.convert_to_numpy(op(x)).tolist() == [3.0, 3.0]
