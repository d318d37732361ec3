"""`.keras` and `.weights.h5` files pass between lamina and Keras 3 (JAX) both ways.

Each case builds the same model in both libraries (literally the same code, given the
library), gives them the same weights, compiles them with SGD(momentum) so the optimizer
has state, and trains one step. Then one side saves and the other loads: the HDF5 trees
must be identical (paths, `name` attributes, shapes, dtypes), the loaded weights and optimizer
variables equal the saved ones exactly, predictions agree (rtol 1e-6), and one more
`train_on_batch` on the loaded model matches the same step on the saving model.
"""

import inspect
import io
import zipfile

import h5py
import keras
import numpy as np
import pytest

import lamina

TRAIN_RTOL, TRAIN_ATOL = 1e-5, 1e-6
PRED_RTOL, PRED_ATOL = 1e-6, 1e-6


@pytest.fixture(autouse=True)
def _fresh_name_counters():
    """Fresh automatic names (`dense_3`, `sgd_9`) before and after each test: they count the
    objects made earlier in the process, which depend on what a parity worker ran before,
    and other parity tests compare names made in a fresh session."""
    keras.utils.clear_session()
    lamina.utils.clear_session()
    yield
    keras.utils.clear_session()
    lamina.utils.clear_session()


def _custom_classes(lib):
    """A registered custom layer and a registered subclassed model for `lib`."""
    package = "interop"  # each library has its own registry

    @lib.saving.register_keras_serializable(package=package)
    class Affine(lib.layers.Layer):
        def __init__(self, units=4, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="w"
            )
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

        def call(self, x):
            return lib.ops.matmul(x, self.w) + self.b

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    @lib.saving.register_keras_serializable(package=package)
    class Net(lib.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.blocks = [lib.layers.Dense(8, activation="tanh") for _ in range(2)]
            self.affine = Affine(4)
            self.norm = lib.layers.LayerNormalization()
            self.head = lib.layers.Dense(3)
            self.temperature = self.add_weight(shape=(), initializer="ones", name="temperature")

        def call(self, x):
            for block in self.blocks:
                x = block(x)
            return self.head(self.norm(self.affine(x))) * self.temperature

    return Net


_NETS = {}


def _sequential(lib):
    return lib.Sequential(
        [
            lib.Input((6,)),
            lib.layers.Dense(8, activation="tanh", name="h"),
            lib.layers.BatchNormalization(name="bn"),
            lib.layers.Dense(3, name="out"),
        ],
        name="seq",
    )


def _functional(lib):
    numbers = lib.Input((6,), name="numbers")
    tokens = lib.Input((5,), dtype="int32", name="tokens")
    embedded = lib.layers.Embedding(20, 4, mask_zero=True, name="emb")(tokens)
    embedded = lib.layers.BatchNormalization(name="masked_bn")(embedded)  # masked moments
    merged = lib.layers.Concatenate()([numbers, lib.layers.Flatten()(embedded)])
    head = lib.Sequential(
        [lib.layers.Dense(5, activation="relu"), lib.layers.Dense(3)], name="head"
    )
    return lib.Model([numbers, tokens], head(merged), name="func")


def _subclassed(lib):
    if lib.__name__ not in _NETS:
        _NETS[lib.__name__] = _custom_classes(lib)
    return _NETS[lib.__name__](name="net")


def _data(kind):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(8, 6)).astype("float32")
    y = rng.normal(size=(8, 3)).astype("float32")
    if kind == "functional":
        tokens = rng.integers(1, 20, size=(8, 5)).astype("int32")
        tokens[:, 3:] = 0  # padding: masked out
        tokens[0, 1:] = 0
        return [x, tokens], y
    return x, y


BUILDERS = {"sequential": _sequential, "functional": _functional, "subclassed": _subclassed}


def _compile(lib, model):
    # Keras runs eagerly here (jit_compile=False): tiny models, and no XLA compile time.
    model.compile(optimizer=lib.optimizers.SGD(0.05, momentum=0.9), loss="mse", jit_compile=False)


def _trained_pair(kind):
    """Keras and lamina models with equal weights, compiled and trained for one step."""
    x, y = _data(kind)
    k_model, l_model = BUILDERS[kind](keras), BUILDERS[kind](lamina)
    k_model(x)
    l_model(x)
    l_model.set_weights(k_model.get_weights())
    for lib, model in ((keras, k_model), (lamina, l_model)):
        _compile(lib, model)
        model.train_on_batch(x, y)
    return k_model, l_model, x, y


def _h5_tree(path):
    """`(name, attrs, shape, dtype)` of each group and dataset of a weights file (or archive)."""
    if str(path).endswith(".keras"):
        source = io.BytesIO(zipfile.ZipFile(path).read("model.weights.h5"))
    else:
        source = path
    entries = []
    with h5py.File(source, "r") as f:
        f.visititems(
            lambda name, obj: entries.append(
                (name, dict(obj.attrs), getattr(obj, "shape", None), str(getattr(obj, "dtype", "")))
            )
        )
    return entries


def _members(path):
    with zipfile.ZipFile(path) as archive:
        return [(i.filename, i.compress_type, i.external_attr) for i in archive.infolist()]


def _assert_same_state(saved, loaded):
    for a, b in zip(saved.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(np.asarray(b), np.asarray(a))
    saved_opt = [np.asarray(v.numpy()) for v in saved.optimizer.variables]
    loaded_opt = [np.asarray(v.numpy()) for v in loaded.optimizer.variables]
    assert len(saved_opt) == len(loaded_opt) > 2  # iteration, learning rate, momentums
    for a, b in zip(saved_opt, loaded_opt, strict=True):
        np.testing.assert_array_equal(b.astype(a.dtype), a)


def _fresh_compiled(lib, kind, x):
    model = BUILDERS[kind](lib)
    model(x)
    _compile(lib, model)
    model.optimizer.build(model.trainable_variables)
    return model


def _assert_same_predictions(source, loaded, x):
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), source.predict(x, verbose=0), rtol=PRED_RTOL, atol=PRED_ATOL
    )


def _assert_next_step_matches(source, loaded_models, x, y):
    """One more step on `source` and on each model loaded from its file: same results."""
    expected_loss = source.train_on_batch(x, y)
    expected = source.get_weights()
    for loaded in loaded_models:
        loss = loaded.train_on_batch(x, y)
        np.testing.assert_allclose(loss, expected_loss, rtol=TRAIN_RTOL, atol=TRAIN_ATOL)
        for a, b in zip(expected, loaded.get_weights(), strict=True):
            np.testing.assert_allclose(b, a, rtol=TRAIN_RTOL, atol=TRAIN_ATOL)


@pytest.mark.filterwarnings("ignore:Layer 'flatten")
@pytest.mark.parametrize("kind", list(BUILDERS))
def test_files_pass_both_ways(kind, tmp_path):
    k_model, l_model, x, y = _trained_pair(kind)
    paths = {}
    for side, model in (("keras", k_model), ("lamina", l_model)):
        paths[side, ".keras"] = tmp_path / f"{side}.keras"
        paths[side, ".weights.h5"] = tmp_path / f"{side}.weights.h5"
        model.save(paths[side, ".keras"])
        model.save_weights(paths[side, ".weights.h5"])

    # The same files: archive members; HDF5 paths, `name` attributes, shapes and dtypes.
    assert _members(paths["lamina", ".keras"]) == _members(paths["keras", ".keras"])
    for suffix in (".keras", ".weights.h5"):
        assert _h5_tree(paths["lamina", suffix]) == _h5_tree(paths["keras", suffix])

    keras_loaded = [keras.models.load_model(paths["lamina", ".keras"])]
    keras_loaded.append(_fresh_compiled(keras, kind, x))
    keras_loaded[1].load_weights(paths["lamina", ".weights.h5"])
    lamina_loaded = [lamina.models.load_model(paths["keras", ".keras"])]
    lamina_loaded.append(_fresh_compiled(lamina, kind, x))
    lamina_loaded[1].load_weights(paths["keras", ".weights.h5"])
    assert type(lamina_loaded[0]).__name__ == type(k_model).__name__

    for source, loaded_models in ((l_model, keras_loaded), (k_model, lamina_loaded)):
        for loaded in loaded_models:
            _assert_same_state(source, loaded)
            _assert_same_predictions(source, loaded, x)
        _assert_next_step_matches(source, loaded_models, x, y)


@pytest.mark.filterwarnings("ignore:Layer 'flatten")
def test_sharded_weights_both_ways(tmp_path):
    k_model, l_model, x, _ = _trained_pair("functional")
    shard_gb = 600 / 1024**3  # ~600 bytes per shard: several shards
    k_model.save_weights(tmp_path / "k.weights.json", max_shard_size=shard_gb)
    l_model.save_weights(tmp_path / "l.weights.json", max_shard_size=shard_gb)
    k_files = sorted(p.name[2:] for p in tmp_path.glob("k*"))
    l_files = sorted(p.name[2:] for p in tmp_path.glob("l*"))
    assert l_files == k_files and len(k_files) > 2
    for k_file, l_file in zip(sorted(tmp_path.glob("k_*")), sorted(tmp_path.glob("l_*"))):
        assert _h5_tree(l_file) == _h5_tree(k_file)
    k_index = (tmp_path / "k.weights.json").read_text()
    l_index = (tmp_path / "l.weights.json").read_text()
    assert l_index.replace('"l_', '"k_') == k_index

    into_keras = _fresh_compiled(keras, "functional", x)
    into_keras.load_weights(tmp_path / "l.weights.json")
    _assert_same_state(l_model, into_keras)
    into_lamina = _fresh_compiled(lamina, "functional", x)
    into_lamina.load_weights(tmp_path / "k.weights.json")
    _assert_same_state(k_model, into_lamina)


@pytest.mark.parametrize(
    "name",
    [
        "saving.save_model",
        "saving.load_model",
        "saving.save_weights",
        "saving.load_weights",
        "models.save_model",
        "models.load_model",
        "Model.save",
        "Model.save_weights",
        "Model.load_weights",
    ],
)
def test_signatures_match_keras(name):
    def resolve(lib):
        obj = lib
        for part in name.split("."):
            obj = getattr(obj, part)
        return inspect.signature(obj).replace(return_annotation=inspect.Signature.empty)

    assert str(resolve(lamina)) == str(resolve(keras))
