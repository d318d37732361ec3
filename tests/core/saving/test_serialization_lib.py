"""serialize_keras_object / deserialize_keras_object and custom-object registration."""

import json

import numpy as np
import pytest

import lamina
from lamina import ops, plugins
from lamina.regularizers import L1, L1L2, L2, OrthogonalRegularizer
from lamina.saving import (
    CustomObjectScope,
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    object_registration,
    register_keras_serializable,
    serialize_keras_object,
)
from lamina.saving.serialization_lib import (
    ObjectSharingScope,
    OpCall,
    SafeModeScope,
    class_identity,
    func_dump,
    func_load,
    serialize_op,
)


@pytest.fixture(autouse=True)
def clean_registrations():
    """Each test starts and ends with no global custom objects."""
    saved = (
        dict(object_registration._GLOBAL_CUSTOM_OBJECTS),
        dict(object_registration._GLOBAL_CUSTOM_NAMES),
    )
    yield
    object_registration._GLOBAL_CUSTOM_OBJECTS.clear()
    object_registration._GLOBAL_CUSTOM_OBJECTS.update(saved[0])
    object_registration._GLOBAL_CUSTOM_NAMES.clear()
    object_registration._GLOBAL_CUSTOM_NAMES.update(saved[1])


class Scaled(lamina.regularizers.Regularizer):
    def __init__(self, k=0.1):
        self.k = k

    def __call__(self, x):
        return self.k * ops.sum(ops.square(x))

    def get_config(self):
        return {"k": self.k}


class Built:
    """An object with build and compile configs, recorded on load."""

    def __init__(self, units=1):
        self.units = units
        self.built = False
        self.compiled_with = None

    def get_config(self):
        return {"units": self.units}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        return {"input_shape": (None, 3)}

    def build_from_config(self, config):
        self.built_with = config

    def get_compile_config(self):
        return {"loss": "mse"}

    def compile_from_config(self, config):
        self.compiled_with = config


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        (3, 3),
        (1.5, 1.5),
        ("relu", "relu"),
        (True, True),
        ([1, "a"], [1, "a"]),
        ((1, 2), (1, 2)),
        ({"a": 1}, {"a": 1}),
        (b"ab", {"class_name": "__bytes__", "config": {"value": "ab"}}),
        (
            slice(1, None, 2),
            {"class_name": "__slice__", "config": {"start": 1, "stop": None, "step": 2}},
        ),
        (Ellipsis, {"class_name": "__ellipsis__", "config": {}}),
        (np.float32(1.5), 1.5),
        (np.int64(4), 4),
        (
            np.arange(3, dtype="int32"),
            {"class_name": "__numpy__", "config": {"value": [0, 1, 2], "dtype": "int32"}},
        ),
    ],
)
def test_plain_and_special_values(value, expected):
    assert serialize_keras_object(value) == expected


@pytest.mark.parametrize("value", [b"ab", slice(1, None, 2), Ellipsis, [1, {"a": (2, 3)}]])
def test_special_values_round_trip(value):
    restored = deserialize_keras_object(json.loads(json.dumps(serialize_keras_object(value))))
    if isinstance(value, list):
        assert restored == [1, {"a": [2, 3]}]  # tuples become lists through JSON, as in Keras
    else:
        assert restored == value


def test_numpy_and_tensor_round_trip():
    array = np.array([[1.0, 2.0]], dtype="float32")
    restored = deserialize_keras_object(serialize_keras_object(array))
    assert restored.dtype == np.float32 and np.array_equal(restored, array)
    config = serialize_keras_object(ops.convert_to_tensor(array))
    assert config["class_name"] == "__tensor__"
    tensor = deserialize_keras_object(config)
    assert isinstance(tensor, lamina.Tensor) and tensor.dtype == "float32"
    np.testing.assert_array_equal(tensor.numpy(), array)


@pytest.mark.parametrize(
    "obj, config",
    [
        (L2(0.5), {"l2": 0.5}),
        (L1L2(0.1, 0.2), {"l1": 0.1, "l2": 0.2}),
        (
            OrthogonalRegularizer(mode="columns"),
            {"factor": 0.009999999776482582, "mode": "columns"},
        ),
    ],
)
def test_builtin_object_uses_keras_public_module(obj, config):
    out = serialize_keras_object(obj)
    assert out == {
        "module": "keras.regularizers",
        "class_name": type(obj).__name__,
        "config": config,
        "registered_name": None,
    }
    restored = deserialize_keras_object(json.loads(json.dumps(out)))
    assert type(restored) is type(obj) and restored.get_config() == obj.get_config()


@pytest.mark.parametrize(
    "module",
    ["keras.regularizers", "keras.src.regularizers.regularizers", "keras.src.regularizers"],
)
def test_keras_internal_module_paths_resolve(module):
    config = {"module": module, "class_name": "L1", "config": {"l1": 0.5}, "registered_name": None}
    assert isinstance(deserialize_keras_object(config), L1)


def test_top_level_keras_module_resolves_dtype_policy():
    from lamina.dtype_policies import DTypePolicy

    config = serialize_keras_object(DTypePolicy("float32"))
    assert config == {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": "float32"},
        "registered_name": None,
    }
    assert isinstance(deserialize_keras_object(config), DTypePolicy)


def test_builtin_function_config():
    config = {
        "module": "builtins",
        "class_name": "function",
        "config": "L2",
        "registered_name": "function",
    }
    # Keras searches its built-in namespaces by name for functions saved this way.
    assert deserialize_keras_object(config) is L2


def test_registered_class_round_trip():
    register_keras_serializable(package="my_pkg")(Scaled)
    assert get_registered_name(Scaled) == "my_pkg>Scaled"
    assert get_registered_object("my_pkg>Scaled") is Scaled
    assert get_custom_objects()["my_pkg>Scaled"] is Scaled
    config = serialize_keras_object(Scaled(0.3))
    assert config == {
        "module": __name__,
        "class_name": "Scaled",
        "config": {"k": 0.3},
        "registered_name": "my_pkg>Scaled",
    }
    restored = deserialize_keras_object(config)
    assert isinstance(restored, Scaled) and restored.k == 0.3


def test_register_with_name_and_default_package():
    register_keras_serializable(name="Other")(Scaled)
    assert get_registered_name(Scaled) == "Custom>Other"


def test_register_class_without_get_config_fails():
    class NoConfig:
        pass

    with pytest.raises(ValueError, match=r"NoConfig.*get_config"):
        register_keras_serializable()(NoConfig)


def test_registered_function_round_trip():
    def my_penalty(x):
        return ops.sum(x)

    register_keras_serializable("pkg")(my_penalty)
    config = serialize_keras_object(my_penalty)
    assert config == {
        "module": "builtins",
        "class_name": "function",
        "config": "pkg>my_penalty",
        "registered_name": "function",
    }
    assert deserialize_keras_object(config) is my_penalty


def test_unregistered_function_serializes_by_name_and_needs_custom_objects():
    def my_fn(x):
        return x

    config = serialize_keras_object(my_fn)
    assert config["config"] == "my_fn"
    with pytest.raises(TypeError, match="Could not locate function 'my_fn'"):
        deserialize_keras_object(config)
    assert deserialize_keras_object(config, custom_objects={"my_fn": my_fn}) is my_fn


def test_unregistered_class_needs_custom_objects():
    config = serialize_keras_object(Scaled(0.2))
    assert config["registered_name"] == "Scaled" and config["module"] == __name__
    with pytest.raises(TypeError, match="register_keras_serializable"):
        deserialize_keras_object(config)
    restored = deserialize_keras_object(config, custom_objects={"Scaled": Scaled})
    assert restored.k == 0.2
    with custom_object_scope({"Scaled": Scaled}):
        assert deserialize_keras_object(config).k == 0.2


def test_main_module_becomes_null(monkeypatch):
    monkeypatch.setattr(Scaled, "__module__", "__main__")
    assert class_identity(Scaled) == (None, "Scaled", "Scaled")


def test_custom_object_scope_nests_and_restores():
    class A:
        pass

    class B:
        pass

    assert get_registered_object("X") is None
    with CustomObjectScope({"X": A}) as scope:
        assert scope.custom_objects == {"X": A}
        assert get_registered_object("X") is A
        with custom_object_scope({"X": B}):
            assert get_registered_object("X") is B
        assert get_registered_object("X") is A
    assert get_registered_object("X") is None
    # The scope wins over the explicit dict, which wins over module_objects (Keras's order).
    with custom_object_scope({"X": A}):
        assert get_registered_object("X", custom_objects={"X": B}) is A
    assert get_registered_object("X", custom_objects={"X": B}, module_objects={"X": A}) is B
    assert get_registered_object("X", module_objects={"X": A}) is A


def test_build_and_compile_config_pass_through(monkeypatch):
    register_keras_serializable("pkg")(Built)
    config = serialize_keras_object(Built(4))
    assert config["build_config"] == {"input_shape": (None, 3)}
    assert config["compile_config"] == {"loss": "mse"}
    restored = deserialize_keras_object(json.loads(json.dumps(config)))
    assert restored.units == 4
    assert restored.built is True and restored.built_with == {"input_shape": [None, 3]}
    assert restored.compiled_with == {"loss": "mse"}


def test_shared_objects_get_an_id_and_load_once():
    register_keras_serializable("pkg")(Scaled)
    reg = Scaled(0.5)
    with ObjectSharingScope():
        config = serialize_keras_object([reg, reg, Scaled(0.1)])
    assert config[0]["shared_object_id"] == config[1]["shared_object_id"] == id(reg)
    assert "shared_object_id" not in config[2]
    with ObjectSharingScope():
        a, b, c = deserialize_keras_object(config)
    assert a is b and a is not c
    # Outside a sharing scope nothing is shared.
    assert "shared_object_id" not in serialize_keras_object([reg, reg])[1]


def test_lambda_needs_unsafe_mode():
    fn = lambda x, k=2: x * k  # noqa: E731
    config = serialize_keras_object(fn)
    assert config["class_name"] == "__lambda__"
    with pytest.raises(ValueError, match="lambda"):
        deserialize_keras_object(config)
    assert deserialize_keras_object(config, safe_mode=False)(3) == 6
    with SafeModeScope(False):
        assert deserialize_keras_object(config)(4) == 8


def test_func_dump_keeps_closures():
    offset = 10

    def add_offset(x):
        return x + offset

    assert func_load(func_dump(add_offset))(1) == 11


def test_op_node_configs_match_keras_schema():
    assert serialize_op(ops.not_equal) == {
        "module": "keras.src.ops.numpy",
        "class_name": "NotEqual",
        "config": {"name": "not_equal"},
        "registered_name": "NotEqual",
    }
    config = serialize_op("sum", name="sum_1", axis=1, keepdims=False)
    assert config["class_name"] == "Sum"
    assert config["config"] == {"name": "sum_1", "axis": 1, "keepdims": False}
    op = deserialize_keras_object(config)
    assert isinstance(op, OpCall) and op.name == "sum_1"
    out = op(ops.ones((2, 3)))
    assert out.shape == (2,)
    assert serialize_keras_object(op) == config
    relu = deserialize_keras_object(serialize_op("relu"))
    np.testing.assert_array_equal(relu(ops.convert_to_tensor([-1.0, 2.0])).numpy(), [0.0, 2.0])


def test_unknown_keras_op_class_is_a_clear_error():
    config = {
        "module": "keras.src.ops.numpy",
        "class_name": "NoSuchOp",
        "config": {"name": "x"},
        "registered_name": "NoSuchOp",
    }
    with pytest.raises(TypeError, match=r"keras\.src\.ops\.numpy\.NoSuchOp"):
        deserialize_keras_object(config)


def test_non_modeling_api_is_refused():
    config = {
        "module": "keras.models",
        "class_name": "function",
        "config": "load_model",
        "registered_name": "load_model",
    }
    with pytest.raises(ValueError, match="not a modeling function"):
        deserialize_keras_object(config)


@pytest.mark.without_plugin("lamina-layers-conv", "lamina-optim")
def test_missing_first_party_plugin_names_the_distribution():
    config = {
        "module": "keras.layers",
        "class_name": "Conv2D",
        "config": {"filters": 2, "kernel_size": 3},
        "registered_name": None,
    }
    with pytest.raises(plugins.PluginNotInstalledError, match="lamina-layers-conv"):
        deserialize_keras_object(config)


@pytest.fixture
def acme_scale():
    """A class registered in the plugin registry as 'acme>Scale' (as a plugin would)."""

    class Scale:
        def __init__(self, factor=1.0):
            self.factor = factor

        def get_config(self):
            return {"factor": self.factor}

        @classmethod
        def from_config(cls, config):
            return cls(**config)

    plugins.refresh()
    plugins.get_registry("layers").add("acme>Scale", Scale)
    yield Scale
    plugins.refresh()


def test_plugin_class_serializes_with_its_registered_name(acme_scale):
    config = serialize_keras_object(acme_scale(2.0))
    assert config == {
        "module": __name__,
        "class_name": "Scale",
        "config": {"factor": 2.0},
        "registered_name": "acme>Scale",
    }
    restored = deserialize_keras_object(json.loads(json.dumps(config)))
    assert type(restored) is acme_scale and restored.factor == 2.0


def test_get_config_must_return_a_dict():
    class Bad:
        def get_config(self):
            return [1]

    with pytest.raises(TypeError, match="should return a dict"):
        serialize_keras_object(Bad())
    with pytest.raises(TypeError, match="get_config"):
        serialize_keras_object(object())


def test_lamina_module_paths_load_by_import():
    config = {
        "module": "lamina.regularizers.regularizers",
        "class_name": "L2",
        "config": {"l2": 0.3},
        "registered_name": "L2",
    }
    assert deserialize_keras_object(config).l2 == 0.3
    config["module"] = "lamina.no_such_module"
    with pytest.raises(TypeError, match="cannot be imported"):
        deserialize_keras_object(config)


def test_dict_without_class_name_is_deserialized_per_key():
    register_keras_serializable("pkg")(Scaled)
    out = deserialize_keras_object({"a": 1, "b": serialize_keras_object(Scaled(0.4))})
    assert out["a"] == 1 and out["b"].k == 0.4


def test_model_classes_use_keras_modules():
    from lamina.models import Model, Sequential
    from lamina.models.functional import Functional

    assert class_identity(Functional) == ("keras.src.models.functional", "Functional", "Functional")
    assert class_identity(Sequential) == ("keras", "Sequential", None)
    assert class_identity(Model) == ("keras", "Model", None)
