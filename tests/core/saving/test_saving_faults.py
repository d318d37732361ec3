"""Faults: interrupted writes keep the previous file; damaged files never half-load."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lamina
from lamina import layers
from lamina.saving import h5_store


def _model():
    model = lamina.Sequential(
        [lamina.Input((3,)), layers.Dense(4), layers.BatchNormalization(), layers.Dense(2)]
    )
    model.compile(optimizer=lamina.optimizers.SGD(0.1, momentum=0.9), loss="mse")
    model.optimizer.build(model.trainable_variables)
    return model


def _state(model):
    return [v.numpy().copy() for v in model.weights + model.optimizer.variables]


def _assert_state(model, expected):
    for a, b in zip(_state(model), expected, strict=True):
        np.testing.assert_array_equal(a, b)


def _fail_after(monkeypatch, writes):
    """Make the `writes`+1-th dataset write raise, as a crash half-way would."""
    original = h5_store.VarsWriter.__setitem__
    count = {"n": 0}

    def flaky(self, key, value):
        count["n"] += 1
        if count["n"] > writes:
            raise OSError("disk full (simulated)")
        original(self, key, value)

    monkeypatch.setattr(h5_store.VarsWriter, "__setitem__", flaky)


@pytest.mark.parametrize(
    "filename, save",
    [
        ("m.keras", lambda model, path: model.save(path)),
        ("m.weights.h5", lambda model, path: model.save_weights(path)),
        ("m.weights.json", lambda model, path: model.save_weights(path, max_shard_size=1e-7)),
        ("folder", lambda model, path: model.save(path, zipped=False)),
    ],
)
def test_interrupted_write_keeps_the_previous_file(filename, save, tmp_path, monkeypatch):
    model = _model()
    save(model, tmp_path / filename)
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    model.layers[0].kernel.assign(np.full((3, 4), 7.0, "float32"))
    _fail_after(monkeypatch, writes=3)
    with pytest.raises(OSError, match="simulated"):
        save(model, tmp_path / filename)
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before  # same files, same bytes, no temporary file left behind


def test_truncated_weights_file_leaves_the_model_unchanged(tmp_path):
    _model().save_weights(tmp_path / "w.weights.h5")
    data = (tmp_path / "w.weights.h5").read_bytes()
    target = _model()
    expected = _state(target)
    for cut in (0, 100, len(data) // 2, len(data) - 1):
        (tmp_path / "cut.weights.h5").write_bytes(data[:cut])
        with pytest.raises(ValueError, match="truncated or corrupted"):
            target.load_weights(tmp_path / "cut.weights.h5")
        _assert_state(target, expected)


def test_truncated_keras_file_raises_a_clear_error(tmp_path):
    _model().save(tmp_path / "m.keras")
    data = (tmp_path / "m.keras").read_bytes()
    (tmp_path / "cut.keras").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"not a valid `\.keras` file"):
        lamina.models.load_model(tmp_path / "cut.keras")


def test_a_partial_mismatch_restores_what_was_already_assigned(tmp_path):
    source = _model()
    source.save_weights(tmp_path / "w.weights.h5")
    target = lamina.Sequential(
        [lamina.Input((3,)), layers.Dense(4), layers.BatchNormalization(), layers.Dense(5)]
    )
    target.compile(optimizer=lamina.optimizers.SGD(0.1, momentum=0.9), loss="mse")
    target.optimizer.build(target.trainable_variables)
    expected = _state(target)
    with pytest.raises(ValueError, match="could not be loaded"):
        target.load_weights(tmp_path / "w.weights.h5")
    _assert_state(target, expected)  # the first Dense and BN, which fit, were restored


def _damage(data, draw_cut, flips):
    data = bytearray(data[:draw_cut])
    for position, value in flips:
        if data:
            data[position % len(data)] ^= value
    return bytes(data)


_DAMAGE = st.tuples(
    st.floats(0.0, 1.0),
    st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(1, 255)), max_size=4),
)


@pytest.fixture(scope="module")
def saved_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    model = _model()
    model.save_weights(folder / "w.weights.h5")
    model.save(folder / "m.keras")
    files = (folder / "w.weights.h5").read_bytes(), (folder / "m.keras").read_bytes()
    return (*files, model.get_weights())


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(damage=_DAMAGE)
def test_fuzzed_weights_files_never_half_load(damage, saved_files, tmp_path):
    fraction, flips = damage
    weights, _, _ = saved_files
    path = tmp_path / "f.weights.h5"
    path.write_bytes(_damage(weights, int(fraction * len(weights)), flips))
    target = _model()
    expected = _state(target)
    try:
        target.load_weights(path)
    except ValueError:
        _assert_state(target, expected)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(damage=_DAMAGE)
def test_fuzzed_keras_files_fail_cleanly(damage, saved_files, tmp_path):
    fraction, flips = damage
    _, archive, saved_weights = saved_files
    path = tmp_path / "f.keras"
    path.write_bytes(_damage(archive, int(fraction * len(archive)), flips))
    target = _model()
    expected = _state(target)
    try:
        target.load_weights(path)
    except ValueError:
        _assert_state(target, expected)
    try:
        loaded = lamina.models.load_model(path)
    except ValueError:
        return
    # The zip CRCs caught nothing: the damage was outside the members' data.
    for a, b in zip(loaded.get_weights(), saved_weights, strict=True):
        np.testing.assert_array_equal(a, b)
