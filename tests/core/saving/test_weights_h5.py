"""`.weights.h5`: Keras 3's HDF5 tree, matching by path, mismatch reports, sharding."""

import json
import warnings

import h5py
import numpy as np
import pytest

import lamina
from lamina import layers


def _model(units=3, extra=False, bias=True):
    stack = [
        lamina.Input((4,)),
        layers.Dense(5, activation="relu"),
        layers.BatchNormalization(),
        layers.Dense(units, use_bias=bias),
    ]
    if extra:
        stack.append(layers.Dense(2))
    return lamina.Sequential(stack, name="model")


def _compiled(model):
    model.compile(optimizer=lamina.optimizers.SGD(0.1, momentum=0.5), loss="mse")
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    model.train_on_batch(x, np.zeros((8, model.layers[-1].units), "float32"))
    return model


def _tree(path):
    entries = {}
    with h5py.File(path, "r") as f:
        f.visititems(
            lambda name, obj: entries.__setitem__(
                name, (dict(obj.attrs), getattr(obj, "shape", None))
            )
        )
    return entries


def _values(model):
    return [v.numpy().copy() for v in model.weights + model.optimizer.variables]


def _assert_values(model, expected):
    actual = _values(model)
    assert len(actual) == len(expected)
    for a, b in zip(actual, expected):
        np.testing.assert_array_equal(a, b)


def test_tree_matches_keras_layout(tmp_path):
    model = _compiled(_model())
    model.save_weights(tmp_path / "w.weights.h5")
    tree = _tree(tmp_path / "w.weights.h5")
    assert tree["vars"] == ({"name": "model"}, None)
    assert tree["layers/dense/vars"] == ({"name": model.layers[0].name}, None)
    assert tree["layers/dense/vars/0"][1] == (4, 5)
    assert tree["layers/dense_1/vars/1"][1] == (3,)
    bn = model.layers[1]
    bn_values = [tree[f"layers/batch_normalization/vars/{i}"][1] for i in range(4)]
    assert bn_values == [(5,)] * 4
    with h5py.File(tmp_path / "w.weights.h5") as f:
        # trainable first (gamma, beta), then moving mean and variance
        for i, variable in enumerate(bn.trainable_weights + bn.non_trainable_weights):
            np.testing.assert_array_equal(f[f"layers/batch_normalization/vars/{i}"], variable)
        optimizer = [f[f"optimizer/vars/{i}"][()] for i in range(len(f["optimizer/vars"]))]
    assert tree["optimizer/vars"][0] == {"name": model.optimizer.name}
    assert len(optimizer) == 2 + 6  # iteration, learning rate, one momentum per variable
    assert optimizer[0] == 1


def test_subclassed_paths_come_from_attribute_names(tmp_path):
    class Block(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.parts = {"a": layers.Dense(2), "b": [layers.Dense(2), layers.Dense(2)]}

        def call(self, x):
            x = self.parts["a"](x)
            for part in self.parts["b"]:
                x = part(x)
            return x

    class Net(lamina.Model):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.head = layers.Dense(1)
            self.w = self.add_weight(shape=(1,), initializer="ones", name="w")

        def call(self, x):
            return self.head(self.block(x)) * self.w

    model = Net()
    model(np.ones((1, 3), "float32"))
    model.save_weights(tmp_path / "w.weights.h5")
    groups = {name for name in _tree(tmp_path / "w.weights.h5") if name.endswith("/vars")}
    assert groups == {
        "block/parts/dense/vars",
        "block/parts/container/dense/vars",
        "block/parts/container/dense_1/vars",
        "block/vars",
        "head/vars",
    }
    fresh = Net()
    fresh(np.ones((1, 3), "float32"))
    fresh.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(model.get_weights(), fresh.get_weights(), strict=True):
        np.testing.assert_array_equal(b, a)


def test_round_trip_with_optimizer_state(tmp_path):
    model = _compiled(_model())
    model.save_weights(tmp_path / "w.weights.h5")
    fresh = _model()
    fresh.compile(optimizer=lamina.optimizers.SGD(0.1, momentum=0.5), loss="mse")
    fresh.optimizer.build(fresh.trainable_variables)
    fresh.load_weights(tmp_path / "w.weights.h5")
    _assert_values(fresh, _values(model))


def test_mismatches_are_reported_together_and_leave_the_model_unchanged(tmp_path):
    _compiled(_model(units=3)).save_weights(tmp_path / "w.weights.h5")
    target = _compiled(_model(units=4, extra=True))
    before = _values(target)
    with pytest.raises(ValueError) as info:
        target.load_weights(tmp_path / "w.weights.h5")
    message = str(info.value)
    first_line = message.splitlines()[0]
    assert first_line.startswith(f"Could not load <Dense name={target.layers[2].name}")
    assert "has shape (5, 4), the saved value has shape (5, 3)" in first_line
    assert "(1 more object could not be loaded.)" in first_line
    assert "A total of 2 objects could not be loaded" in message
    assert "expected 2 variables, but received 0 variables" in message
    assert "left unchanged" in message
    _assert_values(target, before)


def test_skip_mismatch_warns_and_loads_what_fits(tmp_path):
    source = _compiled(_model(units=3))
    source.save_weights(tmp_path / "w.weights.h5")
    target = _model(units=4)
    kept = target.layers[2].get_weights()
    with pytest.warns(UserWarning, match="skipped and keep their current values"):
        target.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(
        target.layers[0].get_weights()[0], source.layers[0].get_weights()[0]
    )
    for a, b in zip(kept, target.layers[2].get_weights()):
        np.testing.assert_array_equal(a, b)


def test_missing_bias_is_a_count_mismatch(tmp_path):
    _model().save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="expected 1 variables, but received 2 variables"):
        _model(bias=False).load_weights(tmp_path / "w.weights.h5")


def test_optimizer_with_other_variable_count_is_skipped_with_a_warning(tmp_path):
    _compiled(_model()).save_weights(tmp_path / "w.weights.h5")
    target = _model()
    target.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")  # no momentum slots
    target.optimizer.build(target.trainable_variables)
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        target.load_weights(tmp_path / "w.weights.h5")


def test_objects_to_skip(tmp_path):
    model = _model()
    lamina.saving.save_weights(model, tmp_path / "w.weights.h5", objects_to_skip=[model.layers[0]])
    assert "layers/dense/vars" not in _tree(tmp_path / "w.weights.h5")
    assert "layers/dense_1/vars" in _tree(tmp_path / "w.weights.h5")

    model.save_weights(tmp_path / "all.weights.h5")
    target = _model()
    first = target.layers[0].get_weights()
    target.load_weights(tmp_path / "all.weights.h5", objects_to_skip=[target.layers[0]])
    for a, b in zip(first, target.layers[0].get_weights()):
        np.testing.assert_array_equal(b, a)
    np.testing.assert_array_equal(
        target.layers[2].get_weights()[0], model.layers[2].get_weights()[0]
    )


def test_argument_and_filename_errors(tmp_path):
    model = _model()
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        model.save_weights(tmp_path / "w.h5x")
    with pytest.raises(ValueError, match=r"must end in `\.weights\.json`"):
        model.save_weights(tmp_path / "w.bin", max_shard_size=1)
    model.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="`by_name` only supports"):
        model.load_weights(tmp_path / "w.weights.h5", by_name=True)
    with pytest.raises(ValueError, match="Invalid keyword arguments"):
        model.load_weights(tmp_path / "w.weights.h5", bogus=True)
    with pytest.raises(ValueError, match="File format not supported"):
        model.load_weights(tmp_path / "w.txt")
    with pytest.raises(FileNotFoundError):
        model.load_weights(tmp_path / "missing.weights.h5")
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="`objects_to_skip` only supports"):
        model.load_weights(tmp_path / "m.keras", objects_to_skip=[])
    unbuilt = lamina.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="has not yet been built"):
        unbuilt.save_weights(tmp_path / "u.weights.h5")
    with pytest.raises(ValueError, match="has not yet been built"):
        unbuilt.load_weights(tmp_path / "w.weights.h5")


def test_load_weights_from_a_keras_archive(tmp_path):
    model = _compiled(_model())
    model.save(tmp_path / "m.keras")
    target = _compiled(_model())
    target.load_weights(tmp_path / "m.keras")
    _assert_values(target, _values(model))


def test_sharded_weights(tmp_path):
    model = _compiled(_model())
    shard = 100 / 1024**3  # 100 bytes: one or two variables per shard
    model.save_weights(tmp_path / "w.weights.json", max_shard_size=shard)
    index = json.loads((tmp_path / "w.weights.json").read_text())
    shards = sorted(p.name for p in tmp_path.glob("w_*.weights.h5"))
    assert len(shards) > 3 and shards[0] == "w_00000.weights.h5"
    assert isinstance(index["metadata"]["total_size"], float)
    assert index["weight_map"]["/layers/dense/vars"] == ["w_00000.weights.h5"]
    assert set(shards) == {
        name
        for files in index["weight_map"].values()
        for name in (files if isinstance(files, list) else [files])
    }
    target = _compiled(_model())
    target.load_weights(tmp_path / "w.weights.json")
    _assert_values(target, _values(model))


def test_sharding_edge_cases(tmp_path):
    model = _model()
    with pytest.warns(UserWarning, match="requires `\\*.json`"):
        model.save_weights(tmp_path / "s.weights.h5", max_shard_size=1)
    assert (tmp_path / "s.weights.json").exists()
    with pytest.raises(ValueError, match="exceeds the maximum shard size"):
        model.save_weights(tmp_path / "t.weights.json", max_shard_size=10 / 1024**3)
    assert not list(tmp_path.glob("t*"))  # nothing half-written stays behind


@pytest.mark.parametrize("shard", ["../w_00000.weights.h5", "/tmp/x.weights.h5", ".."])
def test_index_naming_files_elsewhere_is_refused(shard, tmp_path):
    model = _model()
    model.save_weights(tmp_path / "w.weights.json", max_shard_size=1)
    index = json.loads((tmp_path / "w.weights.json").read_text())
    index["weight_map"]["/layers/dense/vars"] = shard
    (tmp_path / "w.weights.json").write_text(json.dumps(index))
    with pytest.raises(ValueError, match="Not allowed"):
        model.load_weights(tmp_path / "w.weights.json")


def test_missing_shard_and_bad_index(tmp_path):
    model = _model()
    model.save_weights(tmp_path / "w.weights.json", max_shard_size=1)
    (tmp_path / "w_00000.weights.h5").unlink()
    with pytest.raises(ValueError, match="does not exist"):
        model.load_weights(tmp_path / "w.weights.json")
    (tmp_path / "w.weights.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="'weight_map'"):
        model.load_weights(tmp_path / "w.weights.json")


def test_links_in_the_file_are_refused(tmp_path):
    model = _model()
    model.save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "a") as f:
        del f["layers/dense/vars/0"]
        f["layers/dense/vars/0"] = h5py.SoftLink("/layers/dense_1/vars/0")
    with pytest.raises(ValueError, match="Not allowed: H5 file with SoftLink"):
        model.load_weights(tmp_path / "w.weights.h5")


def test_saving_does_not_change_the_model(tmp_path):
    model = _compiled(_model())
    before = _values(model)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.save_weights(tmp_path / "w.weights.h5")
    _assert_values(model, before)
