"""lamina.initializers: values, statistics, seeding, configs and get/serialize/deserialize."""

import math

import numpy as np
import pytest

import lamina
from lamina import initializers, ops
from lamina.initializers import compute_fans

KERAS_NAMES = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "IdentityInitializer",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "OrthogonalInitializer",
    "RandomNormal",
    "RandomUniform",
    "STFT",
    "STFTInitializer",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "constant",
    "deserialize",
    "get",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "lecun_normal",
    "lecun_uniform",
    "ones",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "serialize",
    "stft",
    "truncated_normal",
    "variance_scaling",
    "zeros",
]

RANDOM = [
    initializers.RandomNormal,
    initializers.RandomUniform,
    initializers.TruncatedNormal,
    initializers.VarianceScaling,
    initializers.GlorotNormal,
    initializers.GlorotUniform,
    initializers.HeNormal,
    initializers.HeUniform,
    initializers.LecunNormal,
    initializers.LecunUniform,
    initializers.Orthogonal,
]


def np_(t):
    return ops.convert_to_numpy(t)


def test_every_keras_name_is_exported():
    for name in KERAS_NAMES:
        assert hasattr(initializers, name), name
    assert initializers.zeros is initializers.Zeros
    assert initializers.OrthogonalInitializer is initializers.Orthogonal


# --- deterministic initializers --------------------------------------------------------


@pytest.mark.parametrize(
    ("init", "expected"),
    [
        (initializers.Zeros(), np.zeros((2, 3))),
        (initializers.Ones(), np.ones((2, 3))),
        (initializers.Constant(2.5), np.full((2, 3), 2.5)),
        (initializers.Identity(), np.eye(2, 3)),
        (initializers.Identity(gain=3.0), 3.0 * np.eye(2, 3)),
    ],
)
@pytest.mark.parametrize("dtype", [None, "float64", "float16"])
def test_deterministic_values(init, expected, dtype):
    out = init((2, 3), dtype=dtype)
    assert out.dtype == (dtype or "float32")
    np.testing.assert_array_equal(np_(out), expected.astype(dtype or "float32"))


def test_constant_int_dtype_and_empty_shapes():
    assert np_(initializers.Constant(2)((2,), dtype="int32")).tolist() == [2, 2]
    assert initializers.Constant(2)((2,), dtype="int32").dtype == "int32"
    assert tuple(initializers.Zeros()((0, 3)).shape) == (0, 3)
    assert tuple(initializers.Ones()(()).shape) == ()


def test_identity_requires_rank_2():
    with pytest.raises(ValueError, match="only be used for 2D matrices"):
        initializers.Identity()((2, 2, 2))


# --- random initializers: statistics ---------------------------------------------------


def _moments(init, shape):
    x = np_(init(shape)).astype(np.float64)
    return x, x.mean(), x.std()


@pytest.mark.parametrize(
    ("init", "std"),
    [
        (initializers.RandomNormal(mean=1.0, stddev=2.0, seed=1), 2.0),
        (initializers.RandomUniform(-3.0, 1.0, seed=1), 4.0 / math.sqrt(12)),
        # A normal truncated at 2 stddev has std 0.8796 of the untruncated one.
        (initializers.TruncatedNormal(mean=1.0, stddev=2.0, seed=1), 2.0 * 0.87962566103423978),
    ],
)
def test_basic_distributions(init, std):
    x, mean, sd = _moments(init, (400, 500))
    expected_mean = -1.0 if isinstance(init, initializers.RandomUniform) else 1.0
    assert abs(mean - expected_mean) < 0.02
    assert abs(sd - std) / std < 0.01
    if isinstance(init, initializers.RandomUniform):
        assert x.min() >= -3.0 and x.max() < 1.0
    if isinstance(init, initializers.TruncatedNormal):
        assert np.abs(x - 1.0).max() <= 4.0


@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_std(mode, distribution):
    shape = (3, 3, 40, 60)
    fan_in, fan_out = compute_fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    init = initializers.VarianceScaling(scale=2.0, mode=mode, distribution=distribution, seed=3)
    x, mean, sd = _moments(init, shape)
    expected = math.sqrt(2.0 / n)
    assert abs(mean) < 0.05 * expected
    assert abs(sd - expected) / expected < 0.02
    if distribution == "uniform":
        assert np.abs(x).max() <= math.sqrt(3.0) * expected * (1 + 1e-6)
    if distribution == "truncated_normal":
        assert np.abs(x).max() <= 2.0 * expected / 0.87962566103423978 * (1 + 1e-6)


@pytest.mark.parametrize(
    ("cls", "std_of_fans"),
    [
        (initializers.GlorotNormal, lambda i, o: math.sqrt(2 / (i + o))),
        (initializers.GlorotUniform, lambda i, o: math.sqrt(2 / (i + o))),
        (initializers.HeNormal, lambda i, o: math.sqrt(2 / i)),
        (initializers.HeUniform, lambda i, o: math.sqrt(2 / i)),
        (initializers.LecunNormal, lambda i, o: math.sqrt(1 / i)),
        (initializers.LecunUniform, lambda i, o: math.sqrt(1 / i)),
    ],
)
def test_presets_std(cls, std_of_fans):
    shape = (300, 200)
    _, mean, sd = _moments(cls(seed=5), shape)
    expected = std_of_fans(*shape)
    assert abs(mean) < 0.02 * expected
    assert abs(sd - expected) / expected < 0.02


def test_variance_scaling_normal_alias_and_errors():
    assert initializers.VarianceScaling(distribution="Normal").distribution == "truncated_normal"
    with pytest.raises(ValueError, match="`scale` must be positive"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="Invalid `mode`"):
        initializers.VarianceScaling(mode="fan")
    with pytest.raises(ValueError, match="Invalid `distribution`"):
        initializers.VarianceScaling(distribution="cauchy")


@pytest.mark.parametrize(
    ("shape", "axes", "expected"),
    [
        ((), None, (1, 1)),
        ((7,), None, (7, 7)),
        ((3, 4), None, (3, 4)),
        ((3, 3, 16, 32), None, (144, 288)),
        ((2, 3, 4), ([0, 1], [2]), (6, 4)),
    ],
)
def test_compute_fans(shape, axes, expected):
    kwargs = {} if axes is None else {"input_axes": axes[0], "output_axes": axes[1]}
    assert compute_fans(shape, **kwargs) == expected


def test_variance_scaling_fan_axes():
    init = initializers.VarianceScaling(
        scale=1.0, mode="fan_in", distribution="uniform", input_axes=[0, 1], output_axes=[2], seed=0
    )
    x = np_(init((10, 20, 4)))
    assert np.abs(x).max() <= math.sqrt(3.0 / 200)
    assert np.abs(x).max() > 0.9 * math.sqrt(3.0 / 200)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (2, 3, 6), (3, 2, 1)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal(shape, gain):
    q = np_(initializers.Orthogonal(gain=gain, seed=7)(shape)).astype(np.float64)
    assert q.shape == shape
    m = q.reshape(-1, shape[-1]) / gain
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, np.eye(gram.shape[0]), atol=1e-5)


def test_orthogonal_needs_rank_2():
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((3,))


# --- seeding ---------------------------------------------------------------------------


@pytest.mark.parametrize("cls", RANDOM)
def test_int_seed_and_unseeded_repeat_generator_advances(cls):
    shape = (4, 4)
    assert np.array_equal(np_(cls(seed=3)(shape)), np_(cls(seed=3)(shape)))
    assert not np.array_equal(np_(cls(seed=3)(shape)), np_(cls(seed=4)(shape)))
    # Keras 3: an unseeded instance picks its seed once, so each call repeats its values.
    unseeded = cls()
    assert np.array_equal(np_(unseeded(shape)), np_(unseeded(shape)))
    assert not np.array_equal(np_(cls()(shape)), np_(cls()(shape)))
    gen = cls(seed=lamina.random.SeedGenerator(9))
    assert not np.array_equal(np_(gen(shape)), np_(gen(shape)))


def test_set_random_seed_makes_unseeded_reproducible():
    lamina.utils.set_random_seed(123)
    a = np_(initializers.GlorotUniform()((3, 3)))
    lamina.utils.set_random_seed(123)
    b = np_(initializers.GlorotUniform()((3, 3)))
    np.testing.assert_array_equal(a, b)


def test_bad_seed_raises():
    with pytest.raises(ValueError, match="`seed` argument should be"):
        initializers.RandomNormal(seed="one")


@pytest.mark.parametrize("cls", RANDOM)
@pytest.mark.parametrize("dtype", [None, "float64", "float16"])
def test_random_dtypes(cls, dtype):
    assert cls(seed=1)((3, 3), dtype=dtype).dtype == (dtype or "float32")


# --- configs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "init",
    [
        initializers.Constant(3.0),
        initializers.Identity(gain=2.0),
        initializers.RandomNormal(mean=1.0, stddev=0.1, seed=3),
        initializers.RandomUniform(-1.0, 2.0, seed=3),
        initializers.TruncatedNormal(seed=3),
        initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=3),
        initializers.GlorotUniform(seed=3),
        initializers.HeNormal(input_axes=[0], output_axes=[1]),
        initializers.Orthogonal(gain=2.0, seed=3),
        initializers.STFT("imag", "hamming", "spectrum", True),
        initializers.Zeros(),
    ],
)
def test_config_round_trip(init):
    config = init.get_config()
    clone = type(init).from_config(config)
    assert clone.get_config() == config
    assert init.clone().get_config() == config
    again = initializers.deserialize(initializers.serialize(init))
    assert type(again) is type(init) and again.get_config() == config
    if isinstance(config.get("seed"), int):  # an int seed gives the same values again
        np.testing.assert_array_equal(np_(init((3, 4))), np_(again((3, 4))))


def test_serialize_schema_and_seed_generator():
    assert initializers.serialize(initializers.GlorotUniform(seed=3)) == {
        "module": "keras.initializers",
        "class_name": "GlorotUniform",
        "config": {"seed": 3, "input_axes": None, "output_axes": None},
        "registered_name": None,
    }
    init = initializers.RandomNormal(seed=lamina.random.SeedGenerator(4, name="gen"))
    seed_config = initializers.serialize(init)["config"]["seed"]
    assert seed_config == {
        "module": "keras.random",
        "class_name": "SeedGenerator",
        "config": {"seed": 4, "name": "gen"},
        "registered_name": None,
    }
    again = initializers.deserialize(initializers.serialize(init))
    assert isinstance(again.seed, lamina.random.SeedGenerator)
    assert again.get_config() == init.get_config()


def test_unseeded_config_has_seed_none():
    assert initializers.GlorotUniform().get_config()["seed"] is None


# --- get / deserialize -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("glorot_uniform", initializers.GlorotUniform),
        ("GlorotUniform", initializers.GlorotUniform),
        ("he_normal", initializers.HeNormal),
        ("zeros", initializers.Zeros),
        ("zero", initializers.Zeros),
        ("one", initializers.Ones),
        ("normal", initializers.RandomNormal),
        ("uniform", initializers.RandomUniform),
        ("IdentityInitializer", initializers.Identity),
        ("OrthogonalInitializer", initializers.Orthogonal),
        ("stft", initializers.STFT),
        ("variance_scaling", initializers.VarianceScaling),
    ],
)
def test_get_by_name(name, cls):
    assert type(initializers.get(name)) is cls
    assert type(initializers.deserialize(name)) is cls


def test_get_other_identifiers():
    assert initializers.get(None) is None
    assert isinstance(initializers.get(initializers.Ones), initializers.Ones)
    inst = initializers.Zeros()
    assert initializers.get(inst) is inst

    def fn(shape, dtype=None):
        return ops.ones(shape, dtype)

    assert initializers.get(fn) is fn
    legacy = {"class_name": "RandomNormal", "config": {"stddev": 2.0}}
    assert initializers.get(legacy).get_config()["stddev"] == 2.0


def test_get_array_identifier():
    value = np.arange(6, dtype="float64").reshape(2, 3)
    init = initializers.get(value)
    out = init((2, 3))
    assert out.dtype == "float32"
    np.testing.assert_array_equal(np_(out), value)
    np.testing.assert_array_equal(np_(initializers.get(ops.ones((2,)))((2,), "int32")), [1, 1])
    with pytest.raises(ValueError, match="Expected `shape` to be"):
        init((3, 2))


def test_get_errors():
    with pytest.raises(ValueError, match="Could not interpret initializer identifier: foo"):
        initializers.get("foo")
    with pytest.raises(ValueError, match="Unknown initializer: 'foo'"):
        initializers.deserialize("foo")


def test_custom_initializer_registered_and_custom_objects():
    from lamina.saving import register_keras_serializable

    @register_keras_serializable(package="test_init")
    class Halves(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return ops.full(shape, 0.5, dtype=dtype)

    config = initializers.serialize(Halves())
    assert config["registered_name"] == "test_init>Halves"
    assert isinstance(initializers.deserialize(config), Halves)
    assert isinstance(initializers.get("test_init>Halves"), Halves)

    class Twos(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return ops.full(shape, 2.0, dtype=dtype)

    got = initializers.deserialize({"class_name": "Twos", "config": {}}, {"Twos": Twos})
    assert isinstance(got, Twos)


def test_base_initializer_call_raises():
    with pytest.raises(NotImplementedError, match="must implement"):
        initializers.Initializer()((2,))


# --- STFT ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "window",
    [
        "hann",
        "hamming",
        "blackman",
        "blackmanharris",
        "nuttall",
        "flattop",
        "boxcar",
        "bartlett",
        "cosine",
        ("kaiser", 4.0),
        "triang",
    ],
)
@pytest.mark.parametrize("periodic", [False, True])
def test_stft_windows_match_scipy(window, periodic):
    signal = pytest.importorskip("scipy.signal")
    from lamina.initializers.constant_initializers import _window

    for length in (1, 2, 7, 16):
        np.testing.assert_allclose(
            _window(window, length, periodic),
            signal.get_window(window, length, periodic),
            rtol=1e-12,
            atol=1e-14,
        )


@pytest.mark.parametrize("side", ["real", "imag"])
@pytest.mark.parametrize("scaling", ["density", "spectrum", None])
def test_stft_kernel(side, scaling):
    frame, bins = 8, 5
    k = np_(initializers.STFT(side, "hann", scaling)((frame, 1, bins), dtype="float64"))
    assert k.shape == (frame, 1, bins)
    win = np.hanning(frame)
    scale = {"density": np.sqrt(np.sum(win**2)), "spectrum": np.sum(win), None: 1.0}[scaling]
    t = np.arange(frame)[:, None]
    f = np.arange(bins)[None, :] / ((bins - 1) * 2)
    ref = (np.cos if side == "real" else np.sin)(-2 * np.pi * t * f) * win[:, None] / scale
    np.testing.assert_allclose(k[:, 0, :], ref, atol=1e-12)


def test_stft_array_window_and_errors():
    k = np_(initializers.STFT(window=np.ones(4), scaling=None)((4, 1, 3)))
    assert k.dtype == np.float32 and k[0, 0, 0] == 1.0
    with pytest.raises(ValueError, match="side should be"):
        initializers.STFT(side="both")
    with pytest.raises(ValueError, match="Scaling is invalid"):
        initializers.STFT(scaling="l2")
    with pytest.raises(ValueError, match="must be equal to"):
        initializers.STFT(window=np.ones(3))((4, 1, 3))
