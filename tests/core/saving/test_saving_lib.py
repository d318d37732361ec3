"""`.keras` archives: members as Keras writes them, round trips, compile and safe mode."""

import io
import json
import os
import re
import zipfile

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.saving import saving_lib

pytestmark = pytest.mark.filterwarnings("ignore:Layer 'flatten")


def _sequential():
    return lamina.Sequential(
        [
            lamina.Input((4,)),
            layers.Dense(6, activation="tanh"),
            layers.BatchNormalization(),
            layers.Dense(2),
        ],
        name="seq",
    )


def _functional():
    numbers = lamina.Input((4,), name="numbers")
    tokens = lamina.Input((3,), dtype="int32", name="tokens")
    embedded = layers.Embedding(10, 2, mask_zero=True)(tokens)
    embedded = layers.BatchNormalization()(embedded)
    merged = layers.Concatenate()([numbers, layers.Flatten()(embedded)])
    head = lamina.Sequential([layers.Dense(5, activation="relu"), layers.Dense(2)], name="head")
    return lamina.Model([numbers, tokens], head(merged), name="func")


@lamina.saving.register_keras_serializable(package="saving_lib_test")
class Affine(layers.Layer):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def call(self, x):
        return lamina.ops.matmul(x, self.w) + self.b

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@lamina.saving.register_keras_serializable(package="saving_lib_test")
class Net(lamina.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [layers.Dense(5, activation="tanh"), layers.Dense(5)]
        self.affine = Affine(2)
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return self.affine(x) * self.scale


def _data(model_kind):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 4)).astype("float32")
    y = rng.normal(size=(6, 2)).astype("float32")
    if model_kind == "functional":
        tokens = rng.integers(1, 10, size=(6, 3)).astype("int32")
        tokens[:, 2] = 0
        return [x, tokens], y
    return x, y


BUILDERS = {"sequential": _sequential, "functional": _functional, "subclassed": Net}


def _trained(kind):
    x, y = _data(kind)
    model = BUILDERS[kind]()
    model(x)
    model.compile(optimizer=lamina.optimizers.SGD(0.1, momentum=0.9), loss="mse")
    model.train_on_batch(x, y)
    return model, x, y


def _assert_same(model, loaded, x, y):
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(b, a)
    saved_opt = [v.numpy() for v in model.optimizer.variables]
    loaded_opt = [v.numpy() for v in loaded.optimizer.variables]
    assert len(loaded_opt) == len(saved_opt) > 2
    for a, b in zip(saved_opt, loaded_opt, strict=True):
        np.testing.assert_array_equal(b, a)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    np.testing.assert_allclose(loaded.train_on_batch(x, y), model.train_on_batch(x, y))
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-6)


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_round_trip_restores_weights_optimizer_and_next_step(kind, tmp_path):
    model, x, y = _trained(kind)
    model.save(tmp_path / "m.keras")
    loaded = lamina.models.load_model(tmp_path / "m.keras")
    assert type(loaded) is type(model)
    if kind != "subclassed":  # a subclass's sub-layers get fresh automatic names
        assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    _assert_same(model, loaded, x, y)


def test_archive_members_metadata_and_config(tmp_path):
    model, _, _ = _trained("sequential")
    lamina.saving.save_model(model, tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        infos = archive.infolist()
        metadata = json.loads(archive.read("metadata.json"))
        config = json.loads(archive.read("config.json"))
    assert [i.filename for i in infos] == ["metadata.json", "config.json", "model.weights.h5"]
    assert {i.compress_type for i in infos} == {zipfile.ZIP_STORED}
    assert list(metadata) == ["keras_version", "date_saved"]
    assert metadata["keras_version"] == saving_lib.KERAS_VERSION == "3.15.1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d", metadata["date_saved"])
    assert config["class_name"] == "Sequential" and config["module"] == "keras"
    assert config["build_config"] == {"input_shape": [None, 4]}
    assert config["compile_config"]["loss"] == "mse"
    assert config["compile_config"]["optimizer"]["class_name"] == "SGD"


def test_unzipped_folder_variant(tmp_path):
    model, x, y = _trained("functional")
    model.save(tmp_path / "folder", zipped=False)
    assert sorted(os.listdir(tmp_path / "folder")) == [
        "config.json",
        "metadata.json",
        "model.weights.h5",
    ]
    _assert_same(model, lamina.saving.load_model(tmp_path / "folder"), x, y)
    with pytest.raises(ValueError, match=r"should not end in `\.keras`"):
        model.save(tmp_path / "x.keras", zipped=False)


def test_file_objects(tmp_path):
    model, x, y = _trained("sequential")
    buffer = io.BytesIO()
    lamina.saving.save_model(model, buffer)
    buffer.seek(0)
    _assert_same(model, lamina.saving.load_model(buffer), x, y)


def test_compile_false_gives_an_uncompiled_model(tmp_path):
    model, x, _ = _trained("sequential")
    model.save(tmp_path / "m.keras")
    loaded = lamina.models.load_model(tmp_path / "m.keras", compile=False)
    assert not loaded.compiled and loaded.optimizer is None
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_uncompiled_model_writes_no_optimizer_group(tmp_path):
    model = _sequential()
    model.save(tmp_path / "m.keras")
    loaded = lamina.models.load_model(tmp_path / "m.keras")
    assert not loaded.compiled
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(b, a)


def test_custom_objects_are_needed_for_unregistered_classes(tmp_path):
    class Doubler(layers.Layer):
        def call(self, x):
            return x * 2.0

    model = lamina.Sequential([lamina.Input((2,)), Doubler(), layers.Dense(1)])
    model.save(tmp_path / "m.keras")
    with pytest.raises(TypeError, match="register_keras_serializable"):
        lamina.models.load_model(tmp_path / "m.keras")
    loaded = lamina.models.load_model(tmp_path / "m.keras", custom_objects={"Doubler": Doubler})
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_lambda_layers_need_safe_mode_false(tmp_path):
    model = lamina.Sequential(
        [lamina.Input((2,)), layers.Lambda(lambda t: t * 3.0), layers.Dense(1)]
    )
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="safe_mode=False"):
        lamina.models.load_model(tmp_path / "m.keras")
    loaded = lamina.models.load_model(tmp_path / "m.keras", safe_mode=False)
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


class Vocabulary(layers.Layer):
    """A layer with an asset file (as StringLookup keeps its vocabulary)."""

    def __init__(self, words=(), **kwargs):
        super().__init__(**kwargs)
        self.words = list(words)

    def call(self, x):
        return x

    def save_assets(self, dir_path):
        with open(os.path.join(dir_path, "vocabulary.txt"), "w") as f:
            f.write("\n".join(self.words))

    def load_assets(self, dir_path):
        with open(os.path.join(dir_path, "vocabulary.txt")) as f:
            self.words = f.read().split("\n")

    def get_config(self):
        return {**super().get_config(), "words": []}  # the words live in the asset


def test_assets_are_saved_and_loaded(tmp_path):
    model = lamina.Sequential([lamina.Input((2,)), Vocabulary(["a", "b"]), layers.Dense(1)])
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert archive.namelist()[-1] == "assets/layers/vocabulary/vocabulary.txt"
    loaded = lamina.models.load_model(
        tmp_path / "m.keras", custom_objects={"Vocabulary": Vocabulary}
    )
    assert loaded.layers[0].words == ["a", "b"]


def test_bad_paths_and_extensions(tmp_path):
    model = _sequential()
    with pytest.raises(ValueError, match="Invalid filepath extension for saving"):
        model.save(tmp_path / "m.txt")
    with pytest.raises(ValueError, match="File format not supported"):
        lamina.models.load_model(tmp_path / "m.txt")
    with pytest.raises(ValueError, match="File not found"):
        lamina.models.load_model(tmp_path / "missing.keras")
    (tmp_path / "junk.keras").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"not a valid `\.keras` file"):
        lamina.models.load_model(tmp_path / "junk.keras")
    with pytest.raises(ValueError, match="not supported"):
        lamina.saving.save_model(model, tmp_path / "m.keras", bogus=1)


def test_missing_config_and_invalid_json(tmp_path):
    path = tmp_path / "m.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", "{}")
    with pytest.raises(ValueError, match=r"no `config\.json` entry"):
        lamina.models.load_model(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{not json")
        archive.writestr("model.weights.h5", b"")
    with pytest.raises(ValueError, match=r"not valid JSON|not a valid HDF5"):
        lamina.models.load_model(path)


@pytest.mark.parametrize("member", ["../escape.txt", "/abs/escape.txt", "a/../../escape.txt"])
def test_archive_members_with_traversal_paths_are_refused(member, tmp_path):
    model = _sequential()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras", "a") as archive:
        archive.writestr(member, "boom")
    with pytest.raises(ValueError, match="Not allowed"):
        lamina.models.load_model(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="Not allowed"):
        model.load_weights(tmp_path / "m.keras")
    assert not (tmp_path / "escape.txt").exists()


def test_overwrite_false_asks_first(tmp_path, monkeypatch):
    model = _sequential()
    path = tmp_path / "m.keras"
    path.write_bytes(b"previous")
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    model.save(path, overwrite=False)
    assert path.read_bytes() == b"previous"
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    model.save(path, overwrite=False)
    assert zipfile.is_zipfile(path)
