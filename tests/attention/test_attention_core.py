"""The fused attention primitive: float64 numerical gradient checks (incl. size-1 dims,
masks, dropout, several attention axes and the scores output) and a NumPy reference."""

import numpy as np
import pytest

from lamina import ops
from lamina.autodiff.gradient_check import check_gradients
from lamina_attention.attention_core import attend, attend_with_scores, scores_shape


def _reference(q, k, v, keep, scale):
    """Per-head loops in plain NumPy for `(B, T, N, H)` inputs."""
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if keep is not None:
        logits = np.where(keep, logits, -1e9)
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", p, v), p


def test_matches_reference(rng):
    q, k = rng.standard_normal((2, 2, 5, 3, 4))
    v = rng.standard_normal((2, 5, 3, 6))
    keep = rng.random((2, 1, 5, 5)) > 0.3
    out, scores = attend_with_scores(q, k, v, keep, None, 0.5, (1,))
    ref_out, ref_p = _reference(q, k, v, keep, 0.5)
    np.testing.assert_allclose(out.numpy(), ref_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(scores.numpy(), ref_p, rtol=1e-12, atol=1e-12)
    plain = attend(q, k, v, keep, None, 0.5, (1,))
    np.testing.assert_allclose(plain.numpy(), ref_out, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "q_shape, k_shape, axes",
    [
        ((2, 4, 3, 5), (2, 6, 3, 5), (1,)),
        ((1, 1, 1, 1), (1, 1, 1, 1), (1,)),  # every dim of size 1
        ((2, 3, 1, 2), (2, 1, 1, 2), (1,)),  # one key, one head
        ((2, 3, 4, 2, 3), (2, 3, 2, 2, 3), (2,)),
        ((2, 3, 4, 2, 3), (2, 2, 3, 2, 3), (1, 2)),
    ],
)
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("zero_masked", [False, True])
def test_gradients(rng, q_shape, k_shape, axes, masked, zero_masked):
    q = rng.standard_normal(q_shape)
    k = rng.standard_normal(k_shape)
    v = rng.standard_normal((*k_shape[:-1], 4))
    shape = scores_shape(q_shape, k_shape, axes)
    keep = rng.random(shape) > 0.3 if masked else None
    drop = (rng.random(shape) > 0.2) / 0.8

    def fn(q, k, v):
        return attend_with_scores(q, k, v, keep, drop, 0.7, axes, zero_masked)

    check_gradients(fn, [q, k, v], rtol=1e-6, atol=1e-9)
    check_gradients(
        lambda q, k, v: attend(q, k, v, keep, None, 0.7, axes, zero_masked),
        [q, k, v],
        rtol=1e-6,
        atol=1e-9,
    )


def test_fully_masked_rows(rng):
    q = rng.standard_normal((1, 2, 1, 3))
    v = rng.standard_normal((1, 3, 1, 3))
    keep = np.array([[[[True, False, True], [False, False, False]]]])
    uniform, scores = attend_with_scores(q, v, v, keep, None, 1.0, (1,))
    np.testing.assert_allclose(scores.numpy()[0, 0, 1], np.full(3, 1 / 3))
    np.testing.assert_allclose(uniform.numpy()[0, 1, 0], v[0, :, 0].mean(0))
    zeroed, scores = attend_with_scores(q, v, v, keep, None, 1.0, (1,), True)
    np.testing.assert_array_equal(scores.numpy()[0, 0, 1], 0.0)
    np.testing.assert_array_equal(zeroed.numpy()[0, 1, 0], 0.0)


def test_float32_stays_float32(rng):
    q = ops.convert_to_tensor(rng.standard_normal((2, 3, 2, 4)).astype("float32"))
    out, scores = attend_with_scores(q, q, q, None, None, 0.5, (1,))
    assert out.dtype == scores.dtype == "float32"
