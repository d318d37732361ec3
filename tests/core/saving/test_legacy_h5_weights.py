"""Weights in legacy `.h5` files: topological and by-name loading, mismatches, odd files."""

import warnings

import h5py
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lamina
from lamina.saving.legacy import legacy_h5_format as h5fmt
from lamina.saving.legacy.h5_attributes import (
    HDF5_OBJECT_HEADER_LIMIT,
    load_attributes_from_hdf5_group,
    save_attributes_to_hdf5_group,
)


def _model(units=(5, 2), names=("hidden", "bn", "out"), use_bias=True, name="seq"):
    return lamina.Sequential(
        [
            lamina.Input((4,)),
            lamina.layers.Dense(units[0], name=names[0], use_bias=use_bias),
            lamina.layers.BatchNormalization(name=names[1]),
            lamina.layers.Dense(units[1], name=names[2]),
        ],
        name=name,
    )


def _randomize(model, rng):
    for variable in model.weights:
        variable.assign(rng.standard_normal(variable.shape).astype("float32"))
    return model


def _values(model):
    return [w.numpy().copy() for w in model.weights]


def _assert_same_weights(a, b):
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


def test_weights_only_round_trip_keeps_legacy_order_at_the_root(tmp_path, rng):
    source = _randomize(_model(), rng)
    path = tmp_path / "w.h5"
    h5fmt.save_weights_to_hdf5(source, path)
    target = _model(name="other")

    h5fmt.load_weights_from_hdf5(target, path)

    _assert_same_weights(_values(target), _values(source))
    with h5py.File(path, "r") as f:
        assert "layer_names" in f.attrs and "model_weights" not in f
        names = load_attributes_from_hdf5_group(f["bn"], "weight_names")
    assert names == ["seq/bn/gamma", "seq/bn/beta", "seq/bn/moving_mean", "seq/bn/moving_variance"]


def test_weights_load_from_whole_model_file(tmp_path, rng):
    source = _randomize(_model(), rng)
    h5fmt.save_model_to_hdf5(source, tmp_path / "m.h5")
    target = _model()
    h5fmt.load_weights_from_hdf5(target, tmp_path / "m.h5")
    _assert_same_weights(_values(target), _values(source))


def test_topological_load_ignores_layer_names(tmp_path, rng):
    source = _randomize(_model(), rng)
    h5fmt.save_weights_to_hdf5(source, tmp_path / "w.h5")
    renamed = _model(names=("a", "b", "c"))
    h5fmt.load_weights_from_hdf5(renamed, tmp_path / "w.h5")
    _assert_same_weights(_values(renamed), _values(source))


def test_layer_count_mismatch_raises_keras_error(tmp_path, rng):
    h5fmt.save_weights_to_hdf5(_model(), tmp_path / "w.h5")
    smaller = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(5, name="hidden")])
    with pytest.raises(ValueError, match=r"Layer count mismatch.*Model expected 1 layers, found 3"):
        h5fmt.load_weights_from_hdf5(smaller, tmp_path / "w.h5")


def test_unbuilt_model_gets_a_build_hint(tmp_path):
    h5fmt.save_weights_to_hdf5(_model(), tmp_path / "w.h5")
    unbuilt = lamina.Sequential([lamina.layers.Dense(5), lamina.layers.Dense(2)])
    with pytest.raises(ValueError, match="not built"):
        h5fmt.load_weights_from_hdf5(unbuilt, tmp_path / "w.h5")


def test_all_shape_mismatches_are_listed_and_nothing_is_loaded(tmp_path, rng):
    h5fmt.save_weights_to_hdf5(_randomize(_model(), rng), tmp_path / "w.h5")
    target = _model(units=(6, 3))
    before = _values(target)

    with pytest.raises(ValueError) as info:
        h5fmt.load_weights_from_hdf5(target, tmp_path / "w.h5")

    message = str(info.value)
    assert message.splitlines()[0].startswith("8 weights in")
    assert "Shape mismatch in layer #0 (named hidden) for weight seq/hidden/kernel" in message
    assert "Weight expects shape (4, 6). Received saved weight with shape (4, 5)" in message
    assert "layer #2 (named out) for weight seq/out/bias" in message
    _assert_same_weights(_values(target), before)


def test_skip_mismatch_warns_and_loads_the_rest(tmp_path, rng):
    source = _randomize(_model(), rng)
    h5fmt.save_weights_to_hdf5(source, tmp_path / "w.h5")
    target = _model(units=(5, 3))
    fresh_out = target.get_layer("out").kernel.numpy().copy()

    with pytest.warns(UserWarning, match="Skipping loading weights for layer #2 \\(named out\\)"):
        h5fmt.load_weights_from_hdf5(target, tmp_path / "w.h5", skip_mismatch=True)

    for name in ("hidden", "bn"):
        _assert_same_weights(_values(target.get_layer(name)), _values(source.get_layer(name)))
    np.testing.assert_array_equal(target.get_layer("out").kernel.numpy(), fresh_out)


def test_topological_weight_count_mismatch_raises_even_with_skip_mismatch(tmp_path):
    h5fmt.save_weights_to_hdf5(_model(), tmp_path / "w.h5")
    target = _model(use_bias=False)
    with pytest.raises(ValueError, match="Weight count mismatch for layer #0 \\(named hidden"):
        h5fmt.load_weights_from_hdf5(target, tmp_path / "w.h5", skip_mismatch=True)


def test_by_name_loads_matching_layers_of_a_partially_matching_model(tmp_path, rng):
    source = _randomize(_model(), rng)
    h5fmt.save_weights_to_hdf5(source, tmp_path / "w.h5")
    target = lamina.Sequential(
        [
            lamina.Input((4,)),
            lamina.layers.Dense(5, name="hidden"),
            lamina.layers.BatchNormalization(name="bn"),
            lamina.layers.Dense(7, name="new_head"),
        ]
    )
    fresh_head = _values(target.get_layer("new_head"))

    h5fmt.load_weights_from_hdf5(target, tmp_path / "w.h5", by_name=True)

    _assert_same_weights(_values(target.get_layer("hidden")), _values(source.get_layer("hidden")))
    _assert_same_weights(_values(target.get_layer("bn")), _values(source.get_layer("bn")))
    _assert_same_weights(_values(target.get_layer("new_head")), fresh_head)
    with pytest.raises(ValueError, match="Shape mismatch in layer #2 \\(named new_head\\)"):
        h5fmt.load_weights_from_hdf5(target, tmp_path / "w.h5")


def test_by_name_mismatches_raise_or_are_skipped(tmp_path, rng):
    source = _randomize(_model(), rng)
    h5fmt.save_weights_to_hdf5(source, tmp_path / "w.h5")
    target = _model(units=(5, 3), use_bias=False)
    before = _values(target)

    with pytest.raises(ValueError) as info:
        h5fmt.load_weights_from_hdf5(target, tmp_path / "w.h5", by_name=True)
    assert "Weight count mismatch for layer #0 (named hidden)" in str(info.value)
    assert "Shape mismatch in layer #2 (named out)" in str(info.value)
    _assert_same_weights(_values(target), before)

    with pytest.warns(UserWarning) as record:
        h5fmt.load_weights_from_hdf5(target, tmp_path / "w.h5", by_name=True, skip_mismatch=True)
    messages = [str(w.message) for w in record]
    assert any("named hidden) due to mismatch in number of weights" in m for m in messages)
    assert any("named out) due to mismatch in shape" in m for m in messages)
    _assert_same_weights(_values(target.get_layer("bn")), _values(source.get_layer("bn")))


def test_top_level_model_weights_round_trip(tmp_path, rng):
    class Scaled(lamina.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = lamina.layers.Dense(2, name="dense")
            self.scale = self.add_weight(shape=(2,), initializer="ones", name="scale")

        def call(self, x):
            return self.dense(x) * self.scale

    source, target = Scaled(name="scaled"), Scaled(name="scaled")
    for model in (source, target):
        model(np.ones((1, 3), "float32"))
    _randomize(source, rng)
    h5fmt.save_weights_to_hdf5(source, tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5", "r") as f:
        assert load_attributes_from_hdf5_group(f["top_level_model_weights"], "weight_names") == [
            "scaled/scale"
        ]
    h5fmt.load_weights_from_hdf5(target, tmp_path / "w.h5")
    _assert_same_weights(_values(target), _values(source))


def _write_keras2_weights_file(path, rng, names=("dense", "batch_normalization", "dense_1")):
    """A weights file as tf.keras 2 wrote it: attributes at the root, `name:0` datasets."""
    shapes = {
        names[0]: [("kernel:0", (4, 5)), ("bias:0", (5,))],
        names[1]: [
            ("gamma:0", (5,)),
            ("beta:0", (5,)),
            ("moving_mean:0", (5,)),
            ("moving_variance:0", (5,)),
        ],
        names[2]: [("kernel:0", (5, 2)), ("bias:0", (2,))],
    }
    values = []
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = [b"input_1", *(n.encode() for n in names)]
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.4.0"
        f.create_group("input_1").attrs["weight_names"] = []
        for layer, weights in shapes.items():
            group = f.create_group(layer)
            group.attrs["weight_names"] = [f"{layer}/{w}".encode() for w, _ in weights]
            for weight, shape in weights:
                value = rng.standard_normal(shape).astype("float32")
                group.create_dataset(f"{layer}/{weight}", data=value)
                values.append(value)
    return values


def test_keras2_style_weight_files_load_by_topology_and_by_name(tmp_path, rng):
    values = _write_keras2_weights_file(tmp_path / "app.h5", rng)
    model = _model(names=("x", "y", "z"))
    h5fmt.load_weights_from_hdf5(model, tmp_path / "app.h5")
    _assert_same_weights([v.numpy() for v in model.weights], values)

    named = _model(names=("dense", "batch_normalization", "dense_1"))
    h5fmt.load_weights_from_hdf5(named, tmp_path / "app.h5", by_name=True)
    _assert_same_weights([v.numpy() for v in named.weights], values)


def test_chunked_attributes_round_trip(tmp_path):
    names = [f"layer_with_a_rather_long_name_{i:05d}".encode() for i in range(3000)]
    assert sum(len(n) for n in names) > HDF5_OBJECT_HEADER_LIMIT
    with h5py.File(tmp_path / "a.h5", "w") as f:
        save_attributes_to_hdf5_group(f, "layer_names", names)
        assert "layer_names" not in f.attrs and "layer_names0" in f.attrs
        assert load_attributes_from_hdf5_group(f, "layer_names") == [n.decode() for n in names]
    with h5py.File(tmp_path / "b.h5", "w") as f, pytest.raises(RuntimeError, match="larger than"):
        save_attributes_to_hdf5_group(f, "weight_names", [b"x" * (HDF5_OBJECT_HEADER_LIMIT + 1)])


def test_missing_dataset_is_reported_and_nothing_is_loaded(tmp_path, rng):
    h5fmt.save_weights_to_hdf5(_randomize(_model(), rng), tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5", "a") as f:
        del f["out/seq/out/bias"]
    target = _model()
    before = _values(target)
    with pytest.raises(ValueError, match=r"seq/out/bias.*incomplete or corrupted"):
        h5fmt.load_weights_from_hdf5(target, tmp_path / "w.h5")
    _assert_same_weights(_values(target), before)


def test_non_numeric_dataset_is_refused(tmp_path, rng):
    h5fmt.save_weights_to_hdf5(_model(), tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5", "a") as f:
        del f["out/seq/out/bias"]
        f["out/seq/out/bias"] = np.array([b"a", b"b"])
    with pytest.raises(ValueError, match="non-numeric dtype"):
        h5fmt.load_weights_from_hdf5(_model(), tmp_path / "w.h5")


def test_external_links_are_refused(tmp_path):
    h5fmt.save_weights_to_hdf5(_model(), tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5", "a") as f:
        del f["out"]
        f["out"] = h5py.ExternalLink("/etc/passwd", "/")
    with pytest.raises(ValueError, match="ExternalLink"):
        h5fmt.load_weights_from_hdf5(_model(), tmp_path / "w.h5")


def test_a_keras3_weights_file_under_an_h5_name_gets_a_hint(tmp_path):
    with h5py.File(tmp_path / "k3.h5", "w") as f:
        f.create_group("layers/dense/vars")["0"] = np.ones((4, 5), "float32")
    with pytest.raises(ValueError, match=r"not a legacy Keras `\.h5` weights file.*weights\.h5"):
        h5fmt.load_weights_from_hdf5(_model(), tmp_path / "k3.h5")


@pytest.fixture(scope="module")
def saved_file_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "m.h5"
    model = _model()
    model.compile(optimizer=lamina.optimizers.SGD(0.1, momentum=0.9), loss="mse")
    model.fit(np.ones((4, 4)), np.ones((4, 2)), verbose=0)
    h5fmt.save_model_to_hdf5(model, path)
    return path.read_bytes()


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=12),
    keep=st.one_of(st.none(), st.floats(0, 1)),
)
def test_damaged_files_raise_clear_errors_and_change_nothing(
    saved_file_bytes, tmp_path_factory, edits, keep
):
    data = bytearray(saved_file_bytes)
    for position, value in edits:
        data[int(position * len(data))] = value
    if keep is not None:
        data = data[: int(keep * len(data))]
    path = tmp_path_factory.mktemp("damaged") / "m.h5"
    path.write_bytes(bytes(data))
    target = _model()
    before = _values(target)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            h5fmt.load_weights_from_hdf5(target, path)
        except ValueError:
            _assert_same_weights(_values(target), before)
        try:
            h5fmt.load_model_from_hdf5(path)
        except (ValueError, TypeError):  # TypeError: a damaged config names no class
            pass


def test_soft_links_and_shape_bombs_are_refused(tmp_path):
    h5fmt.save_weights_to_hdf5(_model(), tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5", "a") as f:
        del f["out/seq/out/bias"]
        f["out/seq/out/bias"] = h5py.SoftLink("/hidden/seq/hidden/bias")
    with pytest.raises(ValueError, match="SoftLink"):
        h5fmt.load_weights_from_hdf5(_model(), tmp_path / "w.h5")

    with h5py.File(tmp_path / "w.h5", "a") as f:
        del f["out/seq/out/bias"]
        f.create_dataset("out/seq/out/bias", shape=(2**31,), dtype="float32", chunks=(1024,))
    with pytest.raises(ValueError, match="bomb"):
        h5fmt.load_weights_from_hdf5(_model(), tmp_path / "w.h5")
