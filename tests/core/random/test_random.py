"""lamina.random: shapes, dtypes, reproducibility, distribution moments, dropout gradients."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina import random as R
from lamina.autodiff.gradient_check import check_gradients

# name -> (call with shape and seed, default dtype)
DRAWS = {
    "normal": (lambda shape, seed, **kw: R.normal(shape, seed=seed, **kw), "float32"),
    "uniform": (lambda shape, seed, **kw: R.uniform(shape, seed=seed, **kw), "float32"),
    "truncated_normal": (
        lambda shape, seed, **kw: R.truncated_normal(shape, seed=seed, **kw),
        "float32",
    ),
    "randint": (lambda shape, seed, **kw: R.randint(shape, 0, 10, seed=seed, **kw), "int32"),
    "gamma": (lambda shape, seed, **kw: R.gamma(shape, 2.0, seed=seed, **kw), "float32"),
    "binomial": (lambda shape, seed, **kw: R.binomial(shape, 10, 0.3, seed=seed, **kw), "float32"),
    "beta": (lambda shape, seed, **kw: R.beta(shape, 2.0, 3.0, seed=seed, **kw), "float32"),
}
SHAPES = [(3, 4), (0, 5), (1,), (), (2, 1, 3)]
N = 200_000  # moments below are checked to about 5 standard errors


@pytest.mark.parametrize("name", DRAWS)
@pytest.mark.parametrize("shape", SHAPES)
def test_shape_and_default_dtype(name, shape):
    draw, dtype = DRAWS[name]
    out = draw(shape, 0)
    assert isinstance(out, lamina.Tensor)
    assert out.shape == shape and out.dtype == dtype


@pytest.mark.parametrize("name", DRAWS)
def test_int_shape_means_one_dimension(name):
    assert DRAWS[name][0](4, 0).shape == (4,)


@pytest.mark.parametrize("name", [n for n, (_, d) in DRAWS.items() if d == "float32"])
@pytest.mark.parametrize("dtype", ["float16", "float64"])
def test_float_dtypes(name, dtype):
    assert DRAWS[name][0]((5,), 0, dtype=dtype).dtype == dtype


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int64"])
def test_randint_dtypes(dtype):
    assert R.randint((5,), 0, 10, dtype=dtype, seed=0).dtype == dtype


def test_default_float_dtype_follows_floatx():
    lamina.config.set_floatx("float64")
    try:
        assert R.normal((2,), seed=0).dtype == "float64"
        assert R.binomial((2,), 3, 0.5, seed=0).dtype == "float64"
    finally:
        lamina.config.set_floatx("float32")


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: R.normal((2,), dtype="int32"), ValueError),
        (lambda: R.uniform((2,), dtype="int32"), ValueError),
        (lambda: R.randint((2,), 0, 3, dtype="float32"), ValueError),
        (lambda: R.normal((2,), seed="7"), ValueError),
        (lambda: R.normal((2,), seed=1.5), ValueError),
        (lambda: R.categorical(np.zeros(3), 2), ValueError),
        (lambda: R.shuffle(np.float32(1.0)), ValueError),
        (lambda: R.shuffle(np.ones(3), axis=1), ValueError),
    ],
)
def test_invalid_arguments(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("name", DRAWS)
def test_int_seed_is_stateless_and_a_seed_generator_is_not(name):
    draw = DRAWS[name][0]
    first = draw((50,), 7).numpy()
    np.testing.assert_array_equal(draw((50,), 7).numpy(), first)
    assert not np.array_equal(draw((50,), 8).numpy(), first)
    gen = R.SeedGenerator(7)
    np.testing.assert_array_equal(draw((50,), gen).numpy(), first)  # int seed == first draw
    assert not np.array_equal(draw((50,), gen).numpy(), first)


def test_equal_seed_generators_give_equal_sequences():
    a, b = R.SeedGenerator(3), R.SeedGenerator(3)
    for _ in range(3):
        np.testing.assert_array_equal(
            R.uniform((4,), seed=a).numpy(), R.uniform((4,), seed=b).numpy()
        )


def test_seed_may_be_a_key_tensor_from_next():
    gen = R.SeedGenerator(11)
    key = gen.next()
    expected = R.normal((3,), seed=R.SeedGenerator(11))
    np.testing.assert_array_equal(R.normal((3,), seed=key).numpy(), expected.numpy())
    np.testing.assert_array_equal(R.normal((3,), seed=np.int64(11)).numpy(), expected.numpy())


def test_set_random_seed_makes_unseeded_calls_repeat():
    lamina.utils.set_random_seed(1234)
    first = [R.normal((4,)).numpy(), R.uniform((4,), seed=R.SeedGenerator()).numpy()]
    lamina.utils.set_random_seed(1234)
    second = [R.normal((4,)).numpy(), R.uniform((4,), seed=R.SeedGenerator()).numpy()]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(R.normal((4,)).numpy(), first[0])
    lamina.utils.set_random_seed(1235)
    assert not np.array_equal(R.normal((4,)).numpy(), first[0])
    with pytest.raises(ValueError, match="integer"):
        lamina.utils.set_random_seed("1")


def test_same_seed_gives_same_numbers_in_every_process():
    script = textwrap.dedent(
        """
        import lamina
        lamina.utils.set_random_seed(99)
        values = [
            lamina.random.normal((3,)),
            lamina.random.uniform((3,), seed=lamina.random.SeedGenerator()),
            lamina.random.truncated_normal((3,), seed=5),
            lamina.random.dropout(lamina.ops.ones((4,)), 0.5),
        ]
        print(repr([v.numpy().tolist() for v in values]))
        """
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    lamina.utils.set_random_seed(99)
    here = [
        R.normal((3,)),
        R.uniform((3,), seed=R.SeedGenerator()),
        R.truncated_normal((3,), seed=5),
        R.dropout(ops.ones((4,)), 0.5),
    ]
    assert runs[0].strip() == repr([v.numpy().tolist() for v in here])


def test_normal_moments():
    x = R.normal((N,), mean=3.0, stddev=2.0, seed=1).numpy().astype("float64")
    assert abs(x.mean() - 3.0) < 5 * 2.0 / np.sqrt(N)
    assert abs(x.std() - 2.0) < 0.02


def test_normal_accepts_tensor_parameters():
    mean = ops.convert_to_tensor([0.0, 100.0])
    x = R.normal((N // 10, 2), mean=mean, stddev=[1.0, 0.01], seed=2).numpy()
    assert x.dtype == np.float32
    np.testing.assert_allclose(x.mean(axis=0), [0.0, 100.0], atol=0.02)
    np.testing.assert_allclose(x.std(axis=0), [1.0, 0.01], rtol=0.03)


def test_uniform_moments_and_half_open_range():
    x = R.uniform((N,), minval=-1.0, maxval=3.0, seed=1).numpy().astype("float64")
    assert x.min() >= -1.0 and x.max() < 3.0
    assert abs(x.mean() - 1.0) < 5 * (4 / np.sqrt(12)) / np.sqrt(N)
    assert abs(x.var() - 16 / 12) < 0.02
    assert R.uniform((N,), dtype="float16", seed=2).numpy().max() < 1.0


def test_uniform_with_array_bounds():
    x = R.uniform((N // 10, 2), minval=[0.0, 10.0], maxval=[1.0, 12.0], seed=3).numpy()
    assert (x[:, 0] >= 0).all() and (x[:, 0] < 1).all()
    assert (x[:, 1] >= 10).all() and (x[:, 1] < 12).all()


def test_truncated_normal_stays_within_two_stddev():
    x = R.truncated_normal((N,), mean=1.0, stddev=0.5, seed=1).numpy().astype("float64")
    assert x.min() > 0.0 and x.max() < 2.0
    assert abs(x.mean() - 1.0) < 0.005
    # The standard deviation of a standard normal truncated to [-2, 2] is 0.87962.
    assert abs(x.std() - 0.5 * 0.87962) < 0.005


def test_randint_covers_the_range_uniformly():
    x = R.randint((N,), minval=-3, maxval=5, seed=1).numpy()
    counts = np.bincount(x + 3, minlength=8)
    assert x.min() == -3 and x.max() == 4 and counts.size == 8
    np.testing.assert_allclose(counts / N, 1 / 8, atol=0.004)
    per_column = R.randint((1000, 3), 0, np.array([1, 2, 3]), seed=2).numpy()
    assert (per_column.max(axis=0) == [0, 1, 2]).all()


@pytest.mark.parametrize("alpha", [0.5, 2.0, 9.0])
def test_gamma_moments(alpha):
    x = R.gamma((N,), alpha, seed=1).numpy().astype("float64")
    assert abs(x.mean() - alpha) < 5 * np.sqrt(alpha / N)
    assert abs(x.var() / alpha - 1) < 0.05


def test_gamma_with_array_alpha():
    x = R.gamma((N // 10, 2), alpha=np.array([1.0, 5.0]), seed=2).numpy()
    np.testing.assert_allclose(x.mean(axis=0), [1.0, 5.0], rtol=0.03)


def test_binomial_moments_and_array_counts():
    x = R.binomial((N,), counts=20, probabilities=0.25, seed=1).numpy().astype("float64")
    assert abs(x.mean() - 5.0) < 5 * np.sqrt(3.75 / N)
    assert abs(x.var() - 3.75) < 0.1
    y = R.binomial((1000, 2), counts=np.array([3.0, 7.0]), probabilities=1.0, seed=2).numpy()
    assert (y == [3.0, 7.0]).all()


def test_beta_moments():
    a, b = 2.0, 5.0
    x = R.beta((N,), a, b, seed=1).numpy().astype("float64")
    assert x.min() > 0 and x.max() < 1
    assert abs(x.mean() - a / (a + b)) < 0.002
    assert abs(x.var() - a * b / ((a + b) ** 2 * (a + b + 1))) < 0.001


def test_categorical_frequencies_follow_softmax():
    logits = np.log(np.array([[0.2, 0.5, 0.3], [0.0, 0.0, 1.0]]) + 1e-38).astype("float32")
    logits[1, :2] = -np.inf
    out = R.categorical(logits, N // 4, seed=1)
    assert out.shape == (2, N // 4) and out.dtype == "int32"
    x = out.numpy()
    np.testing.assert_allclose(
        np.bincount(x[0], minlength=3) / x.shape[1], [0.2, 0.5, 0.3], atol=0.01
    )
    assert (x[1] == 2).all()
    assert R.categorical(ops.convert_to_tensor(logits), 3, dtype="int64", seed=0).dtype == "int64"


def test_categorical_rows_are_independent_of_their_neighbours():
    # Each row of one-hot logits must pick its own hot class, whatever the batch size.
    logits = np.full((50, 7), -1e9, "float32")
    hot = np.arange(50) % 7
    logits[np.arange(50), hot] = 0.0
    x = R.categorical(logits, 5, seed=3).numpy()
    assert (x == hot[:, None]).all()


def test_shuffle_permutes_each_slice_along_the_axis():
    x = np.arange(60).reshape(3, 20)
    out = R.shuffle(x, axis=1, seed=1).numpy()
    assert out.dtype == x.dtype
    for row, shuffled in zip(x, out):
        assert sorted(shuffled) == list(row)
    assert not np.array_equal(out, x)
    columns = R.shuffle(np.tile(np.arange(20)[:, None], (1, 4)), seed=2).numpy()
    assert any(not np.array_equal(columns[:, 0], columns[:, j]) for j in range(1, 4))


def test_shuffle_is_uniform_over_positions():
    # 4000 columns, each its own permutation of 0..3: every value leads equally often.
    x = np.tile(np.arange(4)[:, None], (1, 4000))
    firsts = R.shuffle(x, seed=5).numpy()[0]
    np.testing.assert_allclose(np.bincount(firsts) / 4000, 0.25, atol=0.03)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_shuffle_gradient(axis, rng):
    x = rng.standard_normal((4, 5))
    check_gradients(lambda t: R.shuffle(t, axis=axis, seed=3), [x])


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.9])
def test_dropout_keeps_one_minus_rate_scaled(rate):
    x = ops.ones((N,))
    y = R.dropout(x, rate, seed=1).numpy()
    assert y.dtype == np.float32
    kept = y != 0
    assert abs(kept.mean() - (1 - rate)) < 5 * np.sqrt(rate * (1 - rate) / N)
    np.testing.assert_allclose(y[kept], 1 / (1 - rate), rtol=1e-6)


def test_dropout_noise_shape_broadcasts_the_mask():
    y = R.dropout(np.ones((8, 3, 6), "float32"), 0.5, noise_shape=(None, 1, None), seed=2).numpy()
    assert y.shape == (8, 3, 6)
    assert (y == y[:, :1, :]).all()
    assert set(np.unique(y)) == {0.0, 2.0}
    with pytest.raises(ValueError, match="noise_shape"):
        R.dropout(np.ones((2, 3)), 0.5, noise_shape=(2, 2))
    with pytest.raises(ValueError, match="noise_shape"):
        R.dropout(np.ones((2, 3)), 0.5, noise_shape=(3,))


def test_dropout_edge_rates_and_dtypes():
    x = np.arange(6, dtype="float16").reshape(2, 3)
    np.testing.assert_array_equal(R.dropout(x, 0.0, seed=1).numpy(), x)
    np.testing.assert_array_equal(R.dropout(x, 1.0, seed=1).numpy(), np.zeros_like(x))
    assert R.dropout(x, 0.5, seed=1).dtype == "float16"
    assert R.dropout(np.ones(3, "int32"), 0.5, seed=1).dtype == "float32"
    with pytest.raises(ValueError, match="rate"):
        R.dropout(x, 1.5)


@pytest.mark.parametrize("rate", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("noise_shape", [None, (1, None)])
@pytest.mark.parametrize("shape", [(4, 5), (1, 3), (0, 2)])
def test_dropout_gradient(rate, noise_shape, shape, rng):
    x = rng.standard_normal(shape)
    check_gradients(lambda t: R.dropout(t, rate, noise_shape=noise_shape, seed=7), [x])


def test_dropout_gradient_is_the_scaled_mask():
    x = ops.convert_to_tensor(np.ones((50, 4), "float32"))
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = R.dropout(x, 0.25, seed=9)
        total = ops.sum(y)
    grad = tape.gradient(total, x).numpy()
    np.testing.assert_array_equal(grad, y.numpy())


def test_seed_generator_state_variable_and_next():
    gen = R.SeedGenerator(seed=42, name="gen")
    state = gen.state
    assert (state.shape, state.dtype, state.trainable) == ((2,), "uint32", False)
    assert state.path == "gen/seed_generator_state"
    np.testing.assert_array_equal(gen.next().numpy(), [42, 0])
    np.testing.assert_array_equal(state.numpy(), [42, 1])
    before = state.numpy().astype("int64")
    gen.next(ordered=False)
    np.testing.assert_array_equal(state.numpy(), (before + 1) * 5387 % 933199)


def test_seed_generator_reads_a_state_assigned_from_outside():
    gen = R.SeedGenerator(1)
    R.normal((2,), seed=gen)
    gen.state.assign([7, 0])  # as loading weights does
    np.testing.assert_array_equal(R.normal((3,), seed=gen).numpy(), R.normal((3,), seed=7).numpy())
    np.testing.assert_array_equal(gen.state.numpy(), [7, 1])


def test_seed_generator_config_and_validation():
    gen = R.SeedGenerator(5, name="g")
    assert gen.get_config() == {"seed": 5, "name": "g"}
    clone = R.SeedGenerator.from_config(gen.get_config())
    np.testing.assert_array_equal(clone.state.numpy(), [5, 0])
    assert R.SeedGenerator().get_config()["seed"] is None
    assert R.SeedGenerator().name != R.SeedGenerator().name
    with pytest.raises(ValueError, match="integer"):
        R.SeedGenerator(seed=1.0)
    with pytest.raises(ValueError, match="unrecognized"):
        R.SeedGenerator(1, color="red")


def test_large_and_negative_seeds_use_their_low_32_bits():
    np.testing.assert_array_equal(
        R.normal((3,), seed=2**32 + 5).numpy(), R.normal((3,), seed=5).numpy()
    )
    np.testing.assert_array_equal(R.SeedGenerator(-1).state.numpy(), [2**32 - 1, 0])


@pytest.mark.gpu
def test_gpu_draws_are_reproducible_and_stay_on_the_gpu():
    pytest.importorskip("cupy")
    try:
        lamina.config.set_device("gpu:0")
    except lamina.backend.DeviceUnavailableError as err:
        pytest.skip(str(err))
    try:
        for name, (draw, dtype) in DRAWS.items():
            a, b = draw((1000,), 3), draw((1000,), 3)
            assert a.device == "gpu:0" and a.dtype == dtype, name
            np.testing.assert_array_equal(a.numpy(), b.numpy())
        x = R.normal((N,), seed=1).numpy().astype("float64")
        assert abs(x.mean()) < 0.02 and abs(x.std() - 1) < 0.02
        y = R.dropout(ops.ones((N,)), 0.5, seed=1)
        assert y.device == "gpu:0" and abs((y.numpy() != 0).mean() - 0.5) < 0.01
        logits = ops.convert_to_tensor(np.log([[0.2, 0.8]]).astype("float32"))
        assert abs(R.categorical(logits, 20000, seed=2).numpy().mean() - 0.8) < 0.02
        assert sorted(R.shuffle(ops.arange(10), seed=3).numpy()) == list(range(10))
    finally:
        lamina.config.set_device("cpu")
