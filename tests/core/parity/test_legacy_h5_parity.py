"""Legacy Keras 2 `.h5` files exchanged with Keras 3 (JAX), in both directions.

Keras -> lamina: `model.save("m.h5")` (whole model, compile config, optimizer state) and
Keras 2 weights-only files (what tf.keras `save_weights("w.h5")` and the official
keras.applications weights are; Keras 3 writes them with its legacy module). lamina ->
Keras: `save_model_to_hdf5` read by `keras.models.load_model`, `save_weights_to_hdf5` by
`model.load_weights`. Predictions agree to rtol 1e-6; after a compiled load, one more
training step in lamina matches the step Keras takes from the state it saved.
"""

import warnings

import h5py
import keras
import numpy as np
import pytest
from keras.src.legacy.saving import legacy_h5_format as keras_legacy

import lamina
from lamina.saving.legacy import legacy_h5_format as h5fmt

PREDICT_TOL = {"rtol": 1e-6, "atol": 1e-7}
TRAIN_TOL = {"rtol": 1e-5, "atol": 1e-6}


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*does not support masking.*")
        warnings.filterwarnings("ignore", message=".*HDF5 file.*legacy.*")
        yield


def _sequential(lib, head=2):
    return lib.Sequential(
        [
            lib.Input((4,)),
            lib.layers.Dense(5, activation="tanh", name="hidden"),
            lib.layers.BatchNormalization(name="bn"),
            lib.layers.Dense(head, name="out"),
        ],
        name="seq",
    )


def _functional(lib, head=2):
    """Two inputs, a nested Sequential with BatchNormalization, a masking Embedding."""
    a = lib.Input((4,), name="a")
    b = lib.Input((3,), dtype="int32", name="b")
    embedded = lib.layers.Embedding(10, 2, mask_zero=True, name="emb")(b)
    flat = lib.layers.Flatten(name="flat")(embedded)
    inner = lib.Sequential(
        [
            lib.Input((4,)),
            lib.layers.Dense(3, activation="relu", name="inner_dense"),
            lib.layers.BatchNormalization(name="inner_bn"),
        ],
        name="inner",
    )
    merged = lib.layers.Concatenate(name="concat")([inner(a), flat])
    return lib.Model([a, b], lib.layers.Dense(head, name="out")(merged), name="func")


def _data(kind, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.random((8, 2)).astype("float32")
    if kind == "sequential":
        return rng.random((8, 4)).astype("float32"), y
    ids = rng.integers(0, 10, (8, 3)).astype("int32")
    ids[0, :2] = 0  # masked positions
    return [rng.random((8, 4)).astype("float32"), ids], y


BUILDERS = {"sequential": _sequential, "functional": _functional}


def _trained_keras(kind, loss="mse"):
    x, y = _data(kind)
    model = BUILDERS[kind](keras)
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss=loss, metrics=["mae"])
    model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    return model, x, y


def _trained_lamina(kind, loss="mse"):
    x, y = _data(kind)
    model = BUILDERS[kind](lamina)
    model.compile(optimizer=lamina.optimizers.SGD(0.05, momentum=0.9), loss=loss, metrics=["mae"])
    model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    return model, x, y


def _assert_weights(lamina_model, keras_model, tol=PREDICT_TOL):
    expected = keras_model.get_weights()
    got = [w.numpy() for w in lamina_model.weights]
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, **tol)


@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_keras_saved_model_loads_compiles_and_continues_training(tmp_path, kind):
    k_model, x, y = _trained_keras(kind)
    k_model.save(tmp_path / "keras.h5")

    l_model = h5fmt.load_model_from_hdf5(tmp_path / "keras.h5")

    np.testing.assert_allclose(
        l_model.predict(x, verbose=0), k_model.predict(x, verbose=0), **PREDICT_TOL
    )
    assert l_model.get_compile_config()["loss"] == "mse"
    for l_var, k_var in zip(l_model.optimizer.variables, k_model.optimizer.variables, strict=True):
        np.testing.assert_array_equal(l_var.numpy(), np.asarray(k_var.value))
    k_logs = k_model.train_on_batch(x, y, return_dict=True)
    l_logs = l_model.train_on_batch(x, y, return_dict=True)
    assert sorted(l_logs) == sorted(k_logs)
    for key in k_logs:
        np.testing.assert_allclose(l_logs[key], k_logs[key], **TRAIN_TOL, err_msg=key)
    _assert_weights(l_model, k_model, TRAIN_TOL)


def test_keras_cannot_recompile_its_own_mse_file_but_lamina_can(tmp_path):
    k_model, _, _ = _trained_keras("sequential")
    k_model.save(tmp_path / "keras.h5")
    with pytest.raises(ValueError, match="mse"):
        keras.models.load_model(tmp_path / "keras.h5")
    assert h5fmt.load_model_from_hdf5(tmp_path / "keras.h5").compiled


@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_lamina_saved_model_loads_in_keras(tmp_path, kind):
    l_model, x, _ = _trained_lamina(kind)
    h5fmt.save_model_to_hdf5(l_model, tmp_path / "lamina.h5")

    k_model = keras.models.load_model(tmp_path / "lamina.h5", compile=False)

    assert [layer.name for layer in k_model.layers] == [layer.name for layer in l_model.layers]
    np.testing.assert_allclose(
        k_model.predict(x, verbose=0), l_model.predict(x, verbose=0), **PREDICT_TOL
    )


def test_lamina_compile_config_recompiles_in_keras(tmp_path):
    # Keras 3 recompiles function names it can resolve (not "mse": see the test above).
    l_model, x, y = _trained_lamina("sequential", loss="mean_squared_error")
    h5fmt.save_model_to_hdf5(l_model, tmp_path / "lamina.h5")

    k_model = keras.models.load_model(tmp_path / "lamina.h5")

    assert k_model.compiled
    assert k_model.optimizer.get_config()["momentum"] == pytest.approx(0.9)
    k_loss = k_model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    l_loss = l_model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    np.testing.assert_allclose(l_loss, k_loss, **TRAIN_TOL)


def _keras2_weights_file(path, k_model):
    """A weights-only file as tf.keras `save_weights("w.h5")` wrote it."""
    with h5py.File(path, "w") as f:
        keras_legacy.save_weights_to_hdf5_group(f, k_model)


@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_keras2_weights_only_files_load_by_topology_and_by_name(tmp_path, kind):
    k_model, x, _ = _trained_keras(kind)
    _keras2_weights_file(tmp_path / "w.h5", k_model)

    by_topology = BUILDERS[kind](lamina)
    h5fmt.load_weights_from_hdf5(by_topology, tmp_path / "w.h5")
    by_name = BUILDERS[kind](lamina)
    h5fmt.load_weights_from_hdf5(by_name, tmp_path / "w.h5", by_name=True)

    for model in (by_topology, by_name):
        np.testing.assert_allclose(
            model.predict(x, verbose=0), k_model.predict(x, verbose=0), **PREDICT_TOL
        )


@pytest.mark.parametrize("by_name", [False, True])
def test_lamina_weights_only_files_load_in_keras(tmp_path, by_name):
    l_model, x, _ = _trained_lamina("functional")
    h5fmt.save_weights_to_hdf5(l_model, tmp_path / "w.h5")

    k_model = _functional(keras)
    k_model.load_weights(tmp_path / "w.h5", by_name=by_name)

    np.testing.assert_allclose(
        k_model.predict(x, verbose=0), l_model.predict(x, verbose=0), **PREDICT_TOL
    )


def _partial(lib):
    """Shares `hidden` and `bn` with `_sequential`; `out` has another shape; `extra` is new."""
    return lib.Sequential(
        [
            lib.Input((4,)),
            lib.layers.Dense(5, activation="tanh", name="hidden"),
            lib.layers.BatchNormalization(name="bn"),
            lib.layers.Dense(3, name="out"),
            lib.layers.Dense(2, name="extra"),
        ],
        name="partial",
    )


def test_by_name_partial_model_with_skip_mismatch_matches_keras(tmp_path):
    k_source, _, _ = _trained_keras("sequential")
    _keras2_weights_file(tmp_path / "w.h5", k_source)
    k_model = _partial(keras)
    l_model = _partial(lamina)
    l_model.set_weights(k_model.get_weights())
    before = [w.numpy().copy() for w in l_model.weights]

    with pytest.raises(ValueError, match="Shape mismatch in layer #2 \\(named out\\)"):
        k_model.load_weights(tmp_path / "w.h5", by_name=True)
    with pytest.raises(ValueError, match="Shape mismatch in layer #2 \\(named out\\)"):
        h5fmt.load_weights_from_hdf5(l_model, tmp_path / "w.h5", by_name=True)
    # Keras has assigned the layers before the mismatch; lamina changed nothing.
    for weight, value in zip(l_model.weights, before, strict=True):
        np.testing.assert_array_equal(weight.numpy(), value)

    with pytest.warns(UserWarning, match="Skipping loading weights for layer #2"):
        k_model.load_weights(tmp_path / "w.h5", by_name=True, skip_mismatch=True)
    with pytest.warns(UserWarning, match="Skipping loading weights for layer #2"):
        h5fmt.load_weights_from_hdf5(l_model, tmp_path / "w.h5", by_name=True, skip_mismatch=True)
    _assert_weights(l_model, k_model)
    np.testing.assert_array_equal(
        l_model.get_layer("hidden").kernel.numpy(), k_source.get_weights()[0]
    )


def _define_subclassed(lib):
    """A subclassed model holding a registered custom layer, in `lib`."""

    @lib.saving.register_keras_serializable(package="legacy_h5_parity")
    class Gain(lib.layers.Layer):
        def build(self, input_shape):
            self.gain = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gain")

        def call(self, x):
            return x * self.gain

    @lib.saving.register_keras_serializable(package="legacy_h5_parity")
    class GainNet(lib.Model):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense = lib.layers.Dense(units, name="dense")
            self.gain = Gain(name="gain")

        def call(self, x):
            return self.gain(self.dense(x))

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return GainNet


KERAS_GAIN_NET = _define_subclassed(keras)
LAMINA_GAIN_NET = _define_subclassed(lamina)


def test_subclassed_model_weights_cross_both_ways(tmp_path):
    x = np.random.default_rng(0).random((4, 5)).astype("float32")
    k_model = KERAS_GAIN_NET(name="net")
    k_model(x)
    k_model.set_weights([w + 0.5 for w in k_model.get_weights()])
    _keras2_weights_file(tmp_path / "keras_w.h5", k_model)

    l_model = LAMINA_GAIN_NET(name="net")
    l_model(x)
    h5fmt.load_weights_from_hdf5(l_model, tmp_path / "keras_w.h5")
    np.testing.assert_allclose(
        l_model.predict(x, verbose=0), k_model.predict(x, verbose=0), **PREDICT_TOL
    )

    l_model.set_weights([w.numpy() * 2.0 for w in l_model.weights])
    h5fmt.save_model_to_hdf5(l_model, tmp_path / "lamina.h5")
    k_back = KERAS_GAIN_NET(name="net")
    k_back(x)
    k_back.load_weights(tmp_path / "lamina.h5")
    np.testing.assert_allclose(
        k_back.predict(x, verbose=0), l_model.predict(x, verbose=0), **PREDICT_TOL
    )
    # The lamina file also rebuilds the model in lamina (it records the input shape).
    reloaded = h5fmt.load_model_from_hdf5(tmp_path / "lamina.h5", compile=False)
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), l_model.predict(x, verbose=0))


def test_keras_saved_subclassed_model_has_no_input_shape(tmp_path):
    k_model = KERAS_GAIN_NET(name="net")
    k_model(np.ones((2, 5), "float32"))
    k_model.save(tmp_path / "keras.h5")
    with pytest.raises(ValueError):  # Keras cannot rebuild it either
        keras.models.load_model(tmp_path / "keras.h5", compile=False)
    with pytest.raises(ValueError, match="does not record its input shape"):
        h5fmt.load_model_from_hdf5(tmp_path / "keras.h5", compile=False)
