"""One-hot encodings, attention, depth/space, polar and CTC of lamina.ops.nn."""

import itertools

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff.gradient_check import check_gradients


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_one_hot(axis):
    x = np.array([[0, 2, -1], [3, 1, 5]], "int32")
    expected = np.moveaxis(np.eye(4)[np.clip(x, 0, 3)] * ((x >= 0) & (x < 4))[..., None], -1, axis)
    out = ops.nn.one_hot(x, 4, axis=axis)
    assert out.dtype == "float32"
    np.testing.assert_array_equal(out.numpy(), expected)
    assert ops.nn.one_hot(x, 4, dtype="int32").dtype == "int32"
    assert ops.nn.one_hot(np.zeros((0,), "int32"), 3).shape == (0, 3)
    assert ops.one_hot is ops.nn.one_hot
    with pytest.raises(ValueError, match="sparse"):
        ops.nn.one_hot(x, 4, sparse=True)


def test_multi_hot():
    np.testing.assert_array_equal(ops.nn.multi_hot([0, 4, 4], 5).numpy(), [1, 0, 0, 0, 1])
    out = ops.nn.multi_hot(np.array([[0, 2], [1, 1]]), num_tokens=3, dtype="int32")
    np.testing.assert_array_equal(out.numpy(), [[1, 0, 1], [0, 1, 0]])
    assert out.dtype == "int32"
    with pytest.raises(ValueError, match="num_classes"):
        ops.nn.multi_hot([0, 1])


def _attention_ref(q, k, v, bias=None, mask=None, scale=None, causal=False):
    n, h = q.shape[2:]
    groups = n // k.shape[2]
    k, v = np.repeat(k, groups, axis=2), np.repeat(v, groups, axis=2)
    logits = np.einsum("btnh,bsnh->bnts", q, k) * (scale or 1 / np.sqrt(h))
    if bias is not None:
        logits = logits + bias
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= mask
    if causal:
        keep &= np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(keep, logits, -1e30)
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", p, v)


@pytest.mark.parametrize("heads,kv_heads", [(2, 2), (4, 2), (3, 1)])
def test_dot_product_attention(heads, kv_heads, rng):
    q = rng.standard_normal((2, 3, heads, 4))
    k, v = rng.standard_normal((2, 5, kv_heads, 4)), rng.standard_normal((2, 5, kv_heads, 6))
    out = ops.nn.dot_product_attention(q, k, v)
    assert out.shape == (2, 3, heads, 6) and out.dtype == "float64"
    np.testing.assert_allclose(out.numpy(), _attention_ref(q, k, v))
    check_gradients(ops.nn.dot_product_attention, [q, k, v])


def test_dot_product_attention_bias_mask_causal_soft_cap(rng):
    q, k, v = (rng.standard_normal((2, 4, 2, 3)) for _ in range(3))
    bias = rng.standard_normal((2, 1, 4, 4))
    mask = rng.uniform(size=(2, 4, 4)) > 0.4  # 3-D: (batch, T, S)
    mask[..., 0] = True
    out = ops.nn.dot_product_attention(q, k, v, bias=bias, mask=mask, is_causal=True, scale=0.7)
    ref = _attention_ref(q, k, v, bias, mask[:, None], 0.7, causal=True)
    np.testing.assert_allclose(out.numpy(), ref)
    check_gradients(
        lambda q, k, v, b: ops.nn.dot_product_attention(q, k, v, bias=b, mask=mask, is_causal=True),
        [q, k, v, bias],
    )
    check_gradients(
        lambda q, k, v: ops.nn.dot_product_attention(q, k, v, attn_logits_soft_cap=2.0), [q, k, v]
    )
    capped = ops.nn.dot_product_attention(q, k, v, attn_logits_soft_cap=1e9, flash_attention=True)
    np.testing.assert_allclose(capped.numpy(), _attention_ref(q, k, v), rtol=1e-6)


def test_dot_product_attention_dtypes_and_errors(rng):
    q = rng.standard_normal((1, 2, 2, 4)).astype("float16")
    assert ops.nn.dot_product_attention(q, q, q).dtype == "float16"
    with pytest.raises(ValueError, match="4D inputs"):
        ops.nn.dot_product_attention(np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="multiple of K"):
        ops.nn.dot_product_attention(
            np.ones((1, 2, 3, 4)), np.ones((1, 2, 2, 4)), np.ones((1, 2, 2, 4))
        )


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_depth_to_space_and_back(data_format, rng):
    x = rng.standard_normal((2, 3, 4, 8) if data_format == "channels_last" else (2, 8, 3, 4))
    y = ops.nn.depth_to_space(x, 2, data_format=data_format)
    assert y.shape == ((2, 6, 8, 2) if data_format == "channels_last" else (2, 2, 6, 8))
    np.testing.assert_array_equal(ops.nn.space_to_depth(y, 2, data_format=data_format).numpy(), x)
    check_gradients(lambda t: ops.nn.depth_to_space(t, 2, data_format=data_format), [x])
    check_gradients(lambda t: ops.nn.space_to_depth(t, 2, data_format=data_format), [y.numpy()])


def test_depth_to_space_pixel_order_and_errors():
    x = np.arange(4.0).reshape(1, 1, 1, 4)
    np.testing.assert_array_equal(ops.nn.depth_to_space(x, 2).numpy()[0, :, :, 0], [[0, 1], [2, 3]])
    with pytest.raises(ValueError, match="multiple of block_size"):
        ops.nn.depth_to_space(np.ones((1, 2, 2, 3)), 2)
    with pytest.raises(ValueError, match="multiples of block_size"):
        ops.nn.space_to_depth(np.ones((1, 3, 2, 1)), 2)
    with pytest.raises(ValueError, match="4-D"):
        ops.nn.space_to_depth(np.ones((2, 2)), 2)


def test_polar_values_and_gradient(rng):
    a, theta = rng.standard_normal(5), rng.standard_normal(5)
    out = ops.nn.polar(a, theta)
    assert out.dtype == "complex128"
    np.testing.assert_allclose(out.numpy(), a * np.exp(1j * theta))
    assert ops.nn.polar(np.ones(2, "float32"), np.ones(2, "float32")).dtype == "complex64"
    # JAX's convention: cotangent w pulls back the gradient of Re(sum(w * polar))
    w = rng.standard_normal(5) + 1j * rng.standard_normal(5)
    tensors = [ops.convert_to_tensor(a), ops.convert_to_tensor(theta)]
    with lamina.GradientTape() as tape:
        for t in tensors:
            tape.watch(t)
        y = ops.nn.polar(*tensors)
    grads = tape.gradient(y, tensors, output_gradients=[w])
    for i, g in enumerate(grads):
        d = rng.standard_normal(5)
        args = [a, theta]
        hi = [x + 1e-6 * d if j == i else x for j, x in enumerate(args)]
        lo = [x - 1e-6 * d if j == i else x for j, x in enumerate(args)]
        f = lambda p: np.real(np.sum(w * p[0] * np.exp(1j * p[1])))  # noqa: E731
        np.testing.assert_allclose(np.sum(g.numpy() * d), (f(hi) - f(lo)) / 2e-6, rtol=1e-6)


def _collapse(path, blank):
    out = []
    for i, c in enumerate(path):
        if c != blank and (i == 0 or c != path[i - 1]):
            out.append(c)
    return out


def _probs(logits):
    p = np.exp(logits - logits.max(-1, keepdims=True))
    return p / p.sum(-1, keepdims=True)


def _ctc_brute_force(labels, logits, blank=0):
    """-log of the total probability of the alignments of `labels`."""
    p = _probs(logits)
    t, c = p.shape
    total = sum(
        np.prod(p[np.arange(t), path])
        for path in itertools.product(range(c), repeat=t)
        if _collapse(path, blank) == list(labels)
    )
    return -np.log(total)


@pytest.mark.parametrize("mask_index", [0, 3])
def test_ctc_loss_matches_brute_force(mask_index, rng):
    logits = rng.standard_normal((3, 5, 4))
    labels = np.array([[1, 2, 0], [2, 2, 0], [1, 0, 0]]) + (mask_index == 0)
    labels = np.where(labels == mask_index, 1, labels)
    label_len, frames = np.array([2, 2, 1]), np.array([5, 4, 3])
    loss = ops.nn.ctc_loss(labels, logits, label_len, frames, mask_index=mask_index)
    assert loss.shape == (3,) and loss.dtype == "float64"
    for b in range(3):
        ref = _ctc_brute_force(labels[b, : label_len[b]], logits[b, : frames[b]], mask_index)
        np.testing.assert_allclose(loss.numpy()[b], ref, rtol=1e-10)
    check_gradients(
        lambda z: ops.nn.ctc_loss(labels, z, label_len, frames, mask_index=mask_index), [logits]
    )


def test_ctc_loss_empty_labels_and_dtypes(rng):
    logits = rng.standard_normal((1, 3, 3)).astype("float32")
    loss = ops.nn.ctc_loss(np.zeros((1, 2), "int32"), logits, [0], [3])
    assert loss.dtype == "float32"
    np.testing.assert_allclose(loss.numpy(), [_ctc_brute_force([], logits[0])], rtol=1e-5)
    assert ops.nn.ctc_loss([[1]], logits.astype("float16"), [1], [3]).dtype == "float32"
    infeasible = ops.nn.ctc_loss([[1, 1, 1]], logits, [3], [3])  # needs 5 frames
    assert np.isfinite(infeasible.numpy()).all() and infeasible.numpy()[0] > 1e4


def test_ctc_greedy_decode():
    classes = np.array([[1, 1, 0, 1, 2, 2, 0], [2, 0, 2, 2, 1, 0, 0]])
    logits = np.eye(3)[classes] * 5.0
    paths, scores = ops.nn.ctc_decode(logits, [7, 4])
    assert paths.shape == (1, 2, 7) and paths.dtype == "int32"
    np.testing.assert_array_equal(
        paths.numpy()[0], [[1, 1, 2, -1, -1, -1, -1], [2, 2, -1, -1, -1, -1, -1]]
    )
    np.testing.assert_allclose(scores.numpy(), [[-35.0], [-20.0]])
    unmerged, _ = ops.nn.ctc_decode(logits, [7, 4], merge_repeated=False)
    np.testing.assert_array_equal(unmerged.numpy()[0, 0, :5], [1, 1, 1, 2, 2])
    with pytest.raises(ValueError, match="Invalid strategy"):
        ops.nn.ctc_decode(logits, [7, 4], strategy="nope")


def test_ctc_beam_search_finds_the_most_probable_labeling(rng):
    logits = rng.standard_normal((2, 4, 3)) * 2
    paths, scores = ops.nn.ctc_decode(
        logits, [4, 3], strategy="beam_search", beam_width=30, top_paths=2
    )
    assert paths.shape == (2, 2, 4) and scores.shape == (2, 2)
    for b, frames in enumerate([4, 3]):
        p = _probs(logits[b, :frames])
        labelings = {}
        for path in itertools.product(range(3), repeat=frames):
            key = tuple(_collapse(path, 0))
            labelings[key] = labelings.get(key, 0.0) + np.prod(p[np.arange(frames), path])
        best = sorted(labelings.items(), key=lambda kv: -kv[1])[:2]
        for rank, (labels, prob) in enumerate(best):
            got = [c for c in paths.numpy()[rank, b] if c >= 0]
            assert got == list(labels)
            np.testing.assert_allclose(scores.numpy()[b, rank], np.log(prob), rtol=1e-6)
