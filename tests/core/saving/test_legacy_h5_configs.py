"""Configs in legacy `.h5` files: Keras 2 / tf.keras model and training configs load."""

import json

import h5py
import numpy as np
import pytest

import lamina
from lamina.saving import deserialize_keras_object
from lamina.saving.legacy import legacy_h5_format as h5fmt
from lamina.saving.legacy.model_config import legacy_model_config, upgrade_legacy_config
from lamina.saving.legacy.training_config import compile_args_from_training_config


def _initializer(name):
    return {"class_name": name, "config": {"seed": None} if name == "GlorotUniform" else {}}


def _dense(name, units, activation="linear"):
    return {
        "class_name": "Dense",
        "config": {
            "name": name,
            "trainable": True,
            "dtype": "float32",
            "units": units,
            "activation": activation,
            "use_bias": True,
            "kernel_initializer": _initializer("GlorotUniform"),
            "bias_initializer": _initializer("Zeros"),
            "kernel_regularizer": None,
            "bias_regularizer": None,
            "activity_regularizer": None,
            "kernel_constraint": None,
            "bias_constraint": None,
        },
    }


def _batch_norm(name):
    config = {"name": name, "trainable": True, "dtype": "float32", "axis": [1]}
    config.update(momentum=0.99, epsilon=0.001, center=True, scale=True)
    for weight, init in (("beta", "Zeros"), ("gamma", "Ones")):
        config[f"{weight}_initializer"] = _initializer(init)
        config[f"{weight}_regularizer"] = config[f"{weight}_constraint"] = None
    config["moving_mean_initializer"] = _initializer("Zeros")
    config["moving_variance_initializer"] = _initializer("Ones")
    return {"class_name": "BatchNormalization", "config": config}


def _keras2_functional_config():
    """The model_config tf.keras 2.4 wrote for Input(4) -> Dense -> BN -> Dense."""
    layers = [
        {
            "class_name": "InputLayer",
            "config": {
                "batch_input_shape": [None, 4],
                "dtype": "float32",
                "sparse": False,
                "ragged": False,
                "name": "input_1",
            },
            "name": "input_1",
            "inbound_nodes": [],
        },
        {**_dense("dense", 5, "relu"), "name": "dense", "inbound_nodes": [[["input_1", 0, 0, {}]]]},
        {
            **_batch_norm("batch_normalization"),
            "name": "batch_normalization",
            "inbound_nodes": [[["dense", 0, 0, {}]]],
        },
        {
            **_dense("dense_1", 2),
            "name": "dense_1",
            "inbound_nodes": [[["batch_normalization", 0, 0, {}]]],
        },
    ]
    return {
        "class_name": "Functional",
        "config": {
            "name": "model",
            "layers": layers,
            "input_layers": [["input_1", 0, 0]],
            "output_layers": [["dense_1", 0, 0]],
        },
    }


_KERAS2_TRAINING_CONFIG = {
    "loss": {"class_name": "MeanSquaredError", "config": {"reduction": "auto", "name": "mse"}},
    "metrics": [
        [
            {
                "class_name": "MeanMetricWrapper",
                "config": {"name": "mae", "fn": "mean_absolute_error"},
            }
        ]
    ],
    "weighted_metrics": None,
    "loss_weights": None,
    "optimizer_config": {
        "class_name": "SGD",
        "config": {"name": "SGD", "lr": 0.05, "decay": 0.0, "momentum": 0.9, "nesterov": False},
    },
}


def test_keras2_functional_config_rebuilds():
    config = upgrade_legacy_config(_keras2_functional_config())
    model = deserialize_keras_object(config)

    assert [layer.name for layer in model.layers] == [
        "input_1",
        "dense",
        "batch_normalization",
        "dense_1",
    ]
    assert model.get_layer("batch_normalization").axis == 1
    assert model.predict(np.ones((3, 4), "float32"), verbose=0).shape == (3, 2)


def test_keras2_sequential_config_rebuilds():
    config = {
        "class_name": "Sequential",
        "config": {
            "name": "sequential",
            "layers": [
                {
                    "class_name": "InputLayer",
                    "config": {
                        "batch_input_shape": [None, 4],
                        "dtype": "float32",
                        "name": "dense_input",
                    },
                },
                _dense("dense", 3),
            ],
        },
    }
    model = deserialize_keras_object(upgrade_legacy_config(config))
    assert isinstance(model, lamina.Sequential)
    assert model.get_layer("dense").kernel.shape == (4, 3)


def test_op_nodes_and_layers_with_the_same_class_name_are_told_apart():
    op = upgrade_legacy_config({"class_name": "Add", "config": {"name": "add"}})
    layer = upgrade_legacy_config(
        {"class_name": "Add", "config": {"name": "add_1", "trainable": True, "dtype": "float32"}}
    )
    not_equal = upgrade_legacy_config({"class_name": "NotEqual", "config": {"name": "not_equal"}})

    assert op["module"] == "keras.src.ops.numpy" and op["registered_name"] == "Add"
    assert layer["module"] == "keras.layers" and layer["registered_name"] is None
    assert not_equal["module"] == "keras.src.ops.numpy"


def test_custom_and_registered_names_keep_no_module():
    custom = upgrade_legacy_config(
        {"class_name": "Scale", "config": {"name": "s"}}, {"Scale": object}
    )
    registered = upgrade_legacy_config({"class_name": "pkg>Scale", "config": {"name": "s"}})
    unknown = upgrade_legacy_config({"class_name": "Nonexistent", "config": {"name": "s"}})
    assert "module" not in custom and "module" not in registered and "module" not in unknown
    with pytest.raises(ValueError, match="not a valid Keras configuration"):
        upgrade_legacy_config(["not", "a", "dict"])
    with pytest.raises(ValueError, match="not a valid Keras configuration"):
        upgrade_legacy_config({"config": {}})


def test_keras2_lambda_tuples_become_lambda_configs():
    code, defaults, closure = lamina.saving.serialization_lib.func_dump(lambda t: t + 1.0)
    config = {
        "class_name": "Lambda",
        "config": {
            "name": "plus_one",
            "trainable": True,
            "dtype": "float32",
            "function": [code, defaults, closure],
            "function_type": "lambda",
            "module": "__main__",
            "output_shape": None,
            "output_shape_type": "raw",
            "output_shape_module": None,
            "arguments": {},
        },
    }
    upgraded = upgrade_legacy_config(config)
    assert upgraded["config"]["function"]["class_name"] == "__lambda__"
    assert "function_type" not in upgraded["config"] and "module" not in upgraded["config"]
    with pytest.raises(ValueError, match="safe_mode"):
        deserialize_keras_object(upgraded)
    layer = deserialize_keras_object(upgraded, safe_mode=False)
    np.testing.assert_array_equal(layer(np.zeros((1, 2), "float32")).numpy(), [[1.0, 1.0]])


def test_written_config_is_keras_legacy_form_and_reads_back():
    inner = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2, name="d")], name="inner")
    x = lamina.Input((3,), name="x")
    model = lamina.Model(x, lamina.layers.Dense(1, name="out")(inner(x)), name="outer")

    config = legacy_model_config(model)

    assert config["class_name"] == "Functional"
    nested = config["config"]["layers"][1]
    assert nested["class_name"] == "Sequential" and "module" not in nested
    assert nested["inbound_nodes"] and nested["name"] == "inner"
    assert set(nested["config"]["layers"][1]) == {"class_name", "config"}
    rebuilt = deserialize_keras_object(upgrade_legacy_config(json.loads(json.dumps(config))))
    assert [layer.name for layer in rebuilt.layers] == ["x", "inner", "out"]


def test_tf_keras_training_config_maps_to_keras3_compile_arguments():
    with pytest.warns(UserWarning, match="decay"):
        args = compile_args_from_training_config(
            {
                **_KERAS2_TRAINING_CONFIG,
                "optimizer_config": {
                    "class_name": "SGD",
                    "config": {
                        "name": "SGD",
                        "lr": 0.05,
                        "decay": 1e-4,
                        "jit_compile": True,
                        "is_legacy_optimizer": False,
                    },
                },
            }
        )
    assert isinstance(args["optimizer"], lamina.optimizers.SGD)
    assert float(args["optimizer"].learning_rate.numpy()) == pytest.approx(0.05)
    assert args["loss"].reduction == "sum_over_batch_size"
    (metric,) = args["metrics"]
    assert metric.name == "mae"
    metric.update_state(np.zeros((2, 1)), np.full((2, 1), 3.0))
    assert float(metric.result().numpy()) == pytest.approx(3.0)


def test_names_stay_names_and_keras2_names_are_renamed():
    args = compile_args_from_training_config(
        {
            "loss": {"out_a": "mse", "out_b": "logcosh"},
            "metrics": ["accuracy", "mae"],
            "weighted_metrics": None,
            "loss_weights": [1.0, 0.5],
            "optimizer_config": {"class_name": "SGD", "config": {"name": "sgd"}},
        }
    )
    assert args["loss"] == {"out_a": "mse", "out_b": "log_cosh"}
    assert args["metrics"] == ["accuracy", "mae"]
    assert args["loss_weights"] == [1.0, 0.5]
    with pytest.raises(ValueError, match="optimizer_config"):
        compile_args_from_training_config({"loss": "mse"})


def test_keras2_model_file_loads_compiles_and_trains(tmp_path, rng):
    reference = deserialize_keras_object(upgrade_legacy_config(_keras2_functional_config()))
    values = []
    with h5py.File(tmp_path / "k2.h5", "w") as f:
        f.attrs["keras_version"] = "2.4.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(_keras2_functional_config()).encode()
        f.attrs["training_config"] = json.dumps(_KERAS2_TRAINING_CONFIG).encode()
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = [layer.name.encode() for layer in reference.layers]
        for layer in reference.layers:
            group = weights.create_group(layer.name)
            variables = layer.trainable_weights + layer.non_trainable_weights
            names = [f"{layer.name}/{v.name}:0" for v in variables]
            group.attrs["weight_names"] = [n.encode() for n in names]
            for name, variable in zip(names, variables, strict=True):
                values.append(rng.random(variable.shape).astype("float32"))
                group.create_dataset(name, data=values[-1])
        optimizer = f.create_group("optimizer_weights")
        optimizer.attrs["weight_names"] = [b"training/SGD/iter:0"]
        optimizer.create_dataset("training/SGD/iter:0", data=np.int64(7))

    with pytest.warns(UserWarning, match="freshly initialized optimizer"):
        model = h5fmt.load_model_from_hdf5(tmp_path / "k2.h5")

    loaded = [
        w.numpy()
        for layer in model.layers
        for w in layer.trainable_weights + layer.non_trainable_weights
    ]
    for got, expected in zip(loaded, values, strict=True):
        np.testing.assert_array_equal(got, expected)
    assert model.get_compile_config()["optimizer"]["config"]["momentum"] == pytest.approx(0.9)
    history = model.fit(np.ones((4, 4)), np.zeros((4, 2)), verbose=0)
    assert set(history.history) == {"loss", "mae"}
