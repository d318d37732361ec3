"""Whole models in the legacy Keras 2 `.h5` format: save, load, compile config, optimizer."""

import json
import os
import warnings

import h5py
import numpy as np
import pytest

import lamina
from lamina.saving.legacy import legacy_h5_format as h5fmt


def _sequential():
    return lamina.Sequential(
        [
            lamina.Input((4,), name="x"),
            lamina.layers.Dense(5, activation="relu", name="hidden"),
            lamina.layers.BatchNormalization(name="bn"),
            lamina.layers.Dense(2, name="out"),
        ],
        name="seq",
    )


def _functional():
    """Two inputs, a nested Sequential with BatchNormalization, a masking Embedding."""
    a = lamina.Input((4,), name="a")
    b = lamina.Input((3,), dtype="int32", name="b")
    embedded = lamina.layers.Embedding(10, 2, mask_zero=True, name="emb")(b)
    flat = lamina.layers.Flatten(name="flat")(embedded)
    inner = lamina.Sequential(
        [
            lamina.Input((4,)),
            lamina.layers.Dense(3, name="inner_dense"),
            lamina.layers.BatchNormalization(name="inner_bn"),
        ],
        name="inner",
    )
    merged = lamina.layers.Concatenate(name="concat")([inner(a), flat])
    return lamina.Model([a, b], lamina.layers.Dense(2, name="out")(merged), name="func")


def _inputs(rng):
    return [rng.random((6, 4)).astype("float32"), rng.integers(0, 10, (6, 3))]


def _train(model, x, y, momentum=0.9):
    model.compile(
        optimizer=lamina.optimizers.SGD(0.05, momentum=momentum), loss="mse", metrics=["mae"]
    )
    model.fit(x, y, epochs=2, batch_size=3, verbose=0)


@pytest.fixture(autouse=True)
def _quiet_mask_warning():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*does not support masking.*")
        yield


def test_sequential_round_trip_keeps_predictions_and_compile_config(tmp_path, rng):
    model = _sequential()
    x, y = rng.random((6, 4)).astype("float32"), rng.random((6, 2)).astype("float32")
    _train(model, x, y)
    path = tmp_path / "seq.h5"
    h5fmt.save_model_to_hdf5(model, path)

    loaded = h5fmt.load_model_from_hdf5(path)

    assert isinstance(loaded, lamina.Sequential)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.compiled
    config = loaded.get_compile_config()
    assert config["loss"] == "mse"
    assert config["metrics"] == ["mae"]
    assert config["optimizer"]["config"]["momentum"] == pytest.approx(0.9)


def test_functional_round_trip_with_nested_model_embedding_and_bn(tmp_path, rng):
    model = _functional()
    x = _inputs(rng)
    _train(model, x, rng.random((6, 2)).astype("float32"))
    path = tmp_path / "func.h5"
    h5fmt.save_model_to_hdf5(model, path)

    loaded = h5fmt.load_model_from_hdf5(path)

    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    bn = loaded.get_layer("inner").get_layer("inner_bn")
    np.testing.assert_array_equal(
        bn.moving_variance.numpy(),
        model.get_layer("inner").get_layer("inner_bn").moving_variance.numpy(),
    )


def test_optimizer_state_is_restored_so_training_continues_identically(tmp_path, rng):
    model = _functional()
    x, y = _inputs(rng), rng.random((6, 2)).astype("float32")
    _train(model, x, y)
    path = tmp_path / "func.h5"
    h5fmt.save_model_to_hdf5(model, path)
    loaded = h5fmt.load_model_from_hdf5(path)

    saved_state = [v.numpy() for v in model.optimizer.variables]
    for variable, value in zip(loaded.optimizer.variables, saved_state, strict=True):
        np.testing.assert_array_equal(variable.numpy(), value)
    expected = model.train_on_batch(x, y, return_dict=True)
    result = loaded.train_on_batch(x, y, return_dict=True)

    assert result == pytest.approx(expected, rel=1e-6)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_file_layout_matches_keras(tmp_path, rng):
    model = _sequential()
    _train(model, rng.random((6, 4)).astype("float32"), rng.random((6, 2)).astype("float32"))
    path = tmp_path / "seq.h5"
    h5fmt.save_model_to_hdf5(model, path)

    with h5py.File(path, "r") as f:
        assert set(f.attrs) == {"backend", "keras_version", "model_config", "training_config"}
        config = json.loads(f.attrs["model_config"])
        weights = f["model_weights"]
        layer_names = [
            n.decode() if isinstance(n, bytes) else n for n in weights.attrs["layer_names"]
        ]
        bn_names = [
            n.decode() if isinstance(n, bytes) else n for n in weights["bn"].attrs["weight_names"]
        ]
        optimizer_names = list(f["optimizer_weights"].attrs["weight_names"])

    assert config["class_name"] == "Sequential"
    layer_config = config["config"]["layers"][1]
    assert layer_config["class_name"] == "Dense"
    assert "module" not in layer_config and "build_config" not in layer_config
    assert layer_config["config"]["kernel_initializer"]["module"] == "keras.initializers"
    assert layer_names == ["hidden", "bn", "out"]
    assert bn_names == [
        "seq/bn/gamma",
        "seq/bn/beta",
        "seq/bn/moving_mean",
        "seq/bn/moving_variance",
    ]
    assert len(optimizer_names) == len(model.optimizer.variables)


def test_include_optimizer_false_and_uncompiled_models_load_uncompiled(tmp_path, rng):
    model = _sequential()
    _train(model, rng.random((6, 4)).astype("float32"), rng.random((6, 2)).astype("float32"))
    path = tmp_path / "no_opt.h5"
    h5fmt.save_model_to_hdf5(model, path, include_optimizer=False)
    with h5py.File(path, "r") as f:
        assert "training_config" not in f.attrs and "optimizer_weights" not in f

    with pytest.warns(UserWarning, match="No training configuration found"):
        loaded = h5fmt.load_model_from_hdf5(path)
    assert not loaded.compiled
    assert not h5fmt.load_model_from_hdf5(path, compile=False).compiled


def test_compile_false_ignores_training_config(tmp_path, rng):
    model = _sequential()
    _train(model, rng.random((6, 4)).astype("float32"), rng.random((6, 2)).astype("float32"))
    h5fmt.save_model_to_hdf5(model, tmp_path / "m.h5")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = h5fmt.load_model_from_hdf5(tmp_path / "m.h5", compile=False)
    assert not loaded.compiled


def test_custom_layer_needs_custom_objects(tmp_path, rng):
    class Scale(lamina.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.scale

    model = lamina.Sequential([lamina.Input((3,)), Scale(name="scale")], name="s")
    model.get_layer("scale").scale.assign(np.array([1.0, 2.0, 3.0], "float32"))
    h5fmt.save_model_to_hdf5(model, tmp_path / "custom.h5")

    with pytest.raises(TypeError, match="Scale"):
        h5fmt.load_model_from_hdf5(tmp_path / "custom.h5")
    loaded = h5fmt.load_model_from_hdf5(
        tmp_path / "custom.h5", custom_objects={"Scale": Scale}, compile=False
    )
    np.testing.assert_array_equal(loaded.predict(np.ones((1, 3)), verbose=0), [[1.0, 2.0, 3.0]])


@lamina.saving.register_keras_serializable(package="legacy_h5_test")
class Gain(lamina.layers.Layer):
    def build(self, input_shape):
        self.gain = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gain")

    def call(self, x):
        return x * self.gain


@lamina.saving.register_keras_serializable(package="legacy_h5_test")
class GainNet(lamina.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = lamina.layers.Dense(units, name="dense")
        self.gain = Gain(name="gain")

    def call(self, x):
        return self.gain(self.dense(x))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_subclassed_model_with_registered_layer_round_trips(tmp_path, rng):
    model = GainNet(name="net")
    x = rng.random((4, 5)).astype("float32")
    _train(model, x, rng.random((4, 3)).astype("float32"))
    h5fmt.save_model_to_hdf5(model, tmp_path / "sub.h5")
    with h5py.File(tmp_path / "sub.h5", "r") as f:
        config = json.loads(f.attrs["model_config"])
    # Keras writes the bare class name; lamina finds the one registered "package>GainNet".
    assert config["class_name"] == "GainNet"
    assert config["build_config"]["input_shape"][-1] == 5

    loaded = h5fmt.load_model_from_hdf5(tmp_path / "sub.h5")

    assert isinstance(loaded, GainNet) and loaded.units == 3
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.train_on_batch(x, np.ones((4, 3))) == pytest.approx(
        model.train_on_batch(x, np.ones((4, 3))), rel=1e-6
    )


def test_subclassed_model_without_input_shape_gets_a_clear_error(tmp_path, rng):
    model = GainNet(name="net")
    model(np.ones((1, 5), "float32"))
    h5fmt.save_model_to_hdf5(model, tmp_path / "sub.h5")
    with h5py.File(tmp_path / "sub.h5", "a") as f:  # what Keras writes: no build_config
        config = json.loads(f.attrs["model_config"])
        del config["build_config"]
        f.attrs["model_config"] = json.dumps(config)
    with pytest.raises(ValueError, match="does not record its input shape"):
        h5fmt.load_model_from_hdf5(tmp_path / "sub.h5")


def test_lambda_layers_need_safe_mode_off(tmp_path):
    model = lamina.Sequential(
        [lamina.Input((2,)), lamina.layers.Lambda(lambda t: t * 2.0, name="double")]
    )
    h5fmt.save_model_to_hdf5(model, tmp_path / "lambda.h5")

    with pytest.raises(ValueError, match="safe_mode=False"):
        h5fmt.load_model_from_hdf5(tmp_path / "lambda.h5")
    loaded = h5fmt.load_model_from_hdf5(tmp_path / "lambda.h5", safe_mode=False, compile=False)
    np.testing.assert_array_equal(loaded.predict(np.ones((1, 2)), verbose=0), [[2.0, 2.0]])


def test_weights_only_file_has_no_model_config(tmp_path):
    model = _sequential()
    h5fmt.save_weights_to_hdf5(model, tmp_path / "w.h5")
    with pytest.raises(ValueError, match=r"No model config found.*load_weights"):
        h5fmt.load_model_from_hdf5(tmp_path / "w.h5")


def test_missing_truncated_and_garbage_files_raise_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such file"):
        h5fmt.load_model_from_hdf5(tmp_path / "missing.h5")
    (tmp_path / "garbage.h5").write_bytes(b"not an hdf5 file at all" * 10)
    with pytest.raises(ValueError, match="not a valid HDF5 file"):
        h5fmt.load_model_from_hdf5(tmp_path / "garbage.h5")

    model = _sequential()
    h5fmt.save_model_to_hdf5(model, tmp_path / "full.h5")
    data = (tmp_path / "full.h5").read_bytes()
    (tmp_path / "cut.h5").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated or corrupted"):
        h5fmt.load_model_from_hdf5(tmp_path / "cut.h5")


def test_failed_save_leaves_previous_file_intact(tmp_path, rng, monkeypatch):
    model = _sequential()
    path = tmp_path / "m.h5"
    h5fmt.save_model_to_hdf5(model, path)
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(h5fmt, "write_model_weights", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        h5fmt.save_model_to_hdf5(model, path)

    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.h5"]  # no temporary file left behind


def test_saving_into_an_open_h5py_file(tmp_path, rng):
    model = _sequential()
    x = rng.random((2, 4)).astype("float32")
    with h5py.File(tmp_path / "open.h5", "w") as f:
        h5fmt.save_model_to_hdf5(model, f)
    with h5py.File(tmp_path / "open.h5", "r") as f:
        loaded = h5fmt.load_model_from_hdf5(f, compile=False)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_public_api_dispatches_h5_paths_here(tmp_path, rng):
    model = _sequential()
    x, y = rng.random((6, 4)).astype("float32"), rng.random((6, 2)).astype("float32")
    _train(model, x, y)
    with pytest.warns(UserWarning, match="legacy"):
        model.save(tmp_path / "m.h5")

    loaded = lamina.models.load_model(tmp_path / "m.h5")
    fresh = _sequential()
    fresh.load_weights(tmp_path / "m.h5", by_name=True)

    assert loaded.get_compile_config()["loss"] == "mse"
    for other in (loaded, fresh):
        np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_config_that_is_not_a_model_is_refused(tmp_path):
    model = _sequential()
    h5fmt.save_model_to_hdf5(model, tmp_path / "m.h5")
    dense = {"class_name": "Dense", "config": {"name": "d", "units": 2}}
    with h5py.File(tmp_path / "m.h5", "a") as f:
        f.attrs["model_config"] = json.dumps(dense)
    with pytest.raises(ValueError, match="describes a Dense, not a model"):
        h5fmt.load_model_from_hdf5(tmp_path / "m.h5")
