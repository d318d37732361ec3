"""lamina.random against keras.random on JAX.

The generators differ (Philox streams here, threefry keys in JAX), so values are
compared where they are deterministic and otherwise through shapes, dtypes and the
moments of large samples (to about 5 standard errors).
"""

import jax
import numpy as np
import pytest
from harness import assert_parity, keras

from lamina import random as R

N = 100_000

# name -> (lamina call, keras call); each takes (shape, seed, **dtype)
DRAWS = {
    "normal": (
        lambda s, seed, **kw: R.normal(s, 1.0, 2.0, seed=seed, **kw),
        lambda s, seed, **kw: keras.random.normal(s, 1.0, 2.0, seed=seed, **kw),
    ),
    "uniform": (
        lambda s, seed, **kw: R.uniform(s, -1.0, 3.0, seed=seed, **kw),
        lambda s, seed, **kw: keras.random.uniform(s, -1.0, 3.0, seed=seed, **kw),
    ),
    "truncated_normal": (
        lambda s, seed, **kw: R.truncated_normal(s, 1.0, 2.0, seed=seed, **kw),
        lambda s, seed, **kw: keras.random.truncated_normal(s, 1.0, 2.0, seed=seed, **kw),
    ),
    "randint": (
        lambda s, seed, **kw: R.randint(s, -2, 7, seed=seed, **kw),
        lambda s, seed, **kw: keras.random.randint(s, -2, 7, seed=seed, **kw),
    ),
    "gamma": (
        lambda s, seed, **kw: R.gamma(s, 3.0, seed=seed, **kw),
        lambda s, seed, **kw: keras.random.gamma(s, 3.0, seed=seed, **kw),
    ),
    "binomial": (
        lambda s, seed, **kw: R.binomial(s, 10.0, 0.3, seed=seed, **kw),
        lambda s, seed, **kw: keras.random.binomial(s, 10.0, 0.3, seed=seed, **kw),
    ),
    "beta": (
        lambda s, seed, **kw: R.beta(s, 2.0, 5.0, seed=seed, **kw),
        lambda s, seed, **kw: keras.random.beta(s, 2.0, 5.0, seed=seed, **kw),
    ),
}


@pytest.mark.parametrize("name", DRAWS)
@pytest.mark.parametrize("shape", [(3, 4), (0, 2), ()])
def test_shapes_and_default_dtypes_match(name, shape):
    ours, theirs = DRAWS[name]
    a, b = ours(shape, 1), jax.eval_shape(lambda: theirs(shape, 1))  # no XLA compile
    assert a.shape == b.shape and a.dtype == b.dtype.name


@pytest.mark.parametrize("name", ["normal", "uniform", "truncated_normal"])
def test_float16_dtype_matches(name):
    ours, theirs = DRAWS[name]
    assert (
        ours((2,), 1, dtype="float16").dtype == np.asarray(theirs((2,), 1, dtype="float16")).dtype
    )


BOUNDED = ("uniform", "truncated_normal", "randint")


# gamma, beta and binomial take 10 s each to compile in JAX; their moments are checked
# against the closed forms in tests/core/random instead.
@pytest.mark.parametrize("name", ["normal", "uniform", "truncated_normal", "randint"])
def test_moments_match(name):
    ours, theirs = DRAWS[name]
    a = ours((N,), 3).numpy().astype("float64")
    b = np.asarray(theirs((N,), 3)).astype("float64")
    scale = max(b.std(), 1e-3)
    assert abs(a.mean() - b.mean()) < 5 * scale * np.sqrt(2 / N)
    assert abs(a.std() / b.std() - 1) < 0.02
    if name in BOUNDED:  # same support: the extremes of both samples sit at its ends
        assert (a.min(), a.max()) == pytest.approx((b.min(), b.max()), abs=0.01 * scale)


def test_categorical_matches_on_certain_outcomes_and_frequencies():
    logits = np.array([[-1e9, 0.0, -1e9], [0.0, np.log(3.0), -np.inf]], "float32")
    a = R.categorical(logits, N // 10, seed=2).numpy()
    b = np.asarray(keras.random.categorical(logits, N // 10, seed=2))
    assert a.dtype == b.dtype and a.shape == b.shape
    assert (a[0] == 1).all() and (b[0] == 1).all()
    np.testing.assert_allclose(a[1].mean(), b[1].mean(), atol=0.02)  # both near 0.75


def test_dropout_matches_at_rate_zero_including_gradients():
    x = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    assert_parity(lambda t: R.dropout(t, 0.0, seed=1), lambda t: keras.random.dropout(t, 0.0), [x])


def test_dropout_scaling_and_dtype_match():
    x = np.ones((N,), "float16")
    a = R.dropout(x, 0.2, seed=1).numpy()
    b = np.asarray(keras.random.dropout(x, 0.2, seed=1))
    assert a.dtype == b.dtype
    assert set(np.unique(a)) == set(np.unique(b))
    assert abs((a != 0).mean() - (b != 0).mean()) < 0.01


def test_shuffle_permutes_slices_independently_as_keras_does():
    x = np.tile(np.arange(8)[:, None], (1, 64)).astype("int32")
    a = R.shuffle(x, seed=4).numpy()
    b = np.asarray(keras.random.shuffle(x, seed=4))
    assert a.dtype == b.dtype
    for out in (a, b):
        assert (np.sort(out, axis=0) == x).all()
        assert len({tuple(col) for col in out.T}) > 1  # columns got different permutations
