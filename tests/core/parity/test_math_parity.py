"""Parity of lamina's math ops (logsumexp, segments, FFTs, ...) with Keras 3 on JAX."""

import numpy as np
import pytest
from harness import assert_parity, keras

from lamina import ops

RNG = np.random.default_rng(0)


def normal(*shape, dtype="float32"):
    return RNG.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize(
    "shape,axis,keepdims",
    [((3, 4), None, False), ((3, 4), 1, True), ((2, 3, 4), (0, 2), False), ((5,), 0, False)],
)
def test_logsumexp_parity(shape, axis, keepdims):
    x = normal(*shape) * 10
    assert_parity(
        lambda t: ops.logsumexp(t, axis=axis, keepdims=keepdims),
        lambda t: keras.ops.logsumexp(t, axis=axis, keepdims=keepdims),
        [x],
    )


def test_logsumexp_infinite_parity():
    x = np.array([[-np.inf, -np.inf], [0.0, -np.inf], [1000.0, 999.0]], "float32")
    assert_parity(
        lambda t: ops.logsumexp(t, axis=1),
        lambda t: keras.ops.logsumexp(t, axis=1),
        [x],
        grads=False,
    )


@pytest.mark.parametrize("k", [1, 2, 4])
def test_in_top_k_parity(k):
    predictions = normal(6, 5)
    predictions[0, 1] = np.nan
    predictions[2] = predictions[2, 0]  # ties
    targets = np.array([1, 4, 0, 3, 2, 0], "int32")
    assert_parity(
        lambda t, p: ops.in_top_k(t, p, k),
        lambda t, p: keras.ops.in_top_k(t, p, k),
        [targets, predictions],
    )


SEGMENT_CASES = [
    (np.array([0, 0, 1, 2, 2, 2], "int32"), 3, (6,)),
    (np.array([2, 0, 1, 0, 2, 1], "int32"), 4, (6, 3)),
    (np.array([0, 1, 1, 3, 3, 5], "int32"), 6, (6, 2, 2)),
    (np.array([0, 1, 5, 1], "int32"), 3, (4, 2)),  # id 5 is dropped
]


@pytest.mark.parametrize("name", ["segment_sum", "segment_max", "segment_min", "segment_prod"])
@pytest.mark.parametrize("ids,num_segments,shape", SEGMENT_CASES)
def test_segment_parity(name, ids, num_segments, shape):
    data = normal(*shape)
    if name == "segment_prod":
        # JAX cannot differentiate segment_prod (scatter_mul needs unique indices), so the
        # harness's vjp fails: compare values here; unit tests check the gradient
        data = RNG.uniform(0.5, 2.0, shape).astype("float32")
        got = ops.segment_prod(data, ids, num_segments)
        want = np.asarray(keras.ops.segment_prod(data, ids, num_segments))
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5)
    else:
        assert_parity(
            lambda d: getattr(ops, name)(d, ids, num_segments),
            lambda d: getattr(keras.ops, name)(d, ids, num_segments),
            [data],
        )
    int_data = RNG.integers(-5, 5, shape).astype("int32")
    assert_parity(
        lambda d: getattr(ops, name)(d, ids, num_segments),
        lambda d: getattr(keras.ops, name)(d, ids, num_segments),
        [int_data],
    )


@pytest.mark.parametrize(
    "shape,length,stride", [((10,), 3, 2), ((2, 11), 4, 1), ((2, 3, 12), 5, 5), ((2, 9), 2, 7)]
)
def test_extract_sequences_parity(shape, length, stride):
    assert_parity(
        lambda t: ops.extract_sequences(t, length, stride),
        lambda t: keras.ops.extract_sequences(t, length, stride),
        [normal(*shape)],
    )


@pytest.mark.parametrize("name", ["fft", "fft2", "ifft2"])
@pytest.mark.parametrize("shape", [(8,), (3, 6), (2, 4, 5)])
def test_complex_fft_parity(name, shape):
    if name != "fft" and len(shape) < 2:
        pytest.skip("2-D transforms need rank >= 2")
    # FFT rounding differs between pocketfft and XLA's FFT: compare at 1e-4
    assert_parity(
        lambda r, i: getattr(ops, name)((r, i)),
        lambda r, i: getattr(keras.ops, name)((r, i)),
        [normal(*shape), normal(*shape)],
        rtol=1e-4,
        atol=1e-5,
    )


@pytest.mark.parametrize(
    "shape,fft_length", [((8,), None), ((3, 7), None), ((2, 8), 5), ((2, 6), 9)]
)
def test_rfft_irfft_parity(shape, fft_length):
    assert_parity(
        lambda t: ops.rfft(t, fft_length),
        lambda t: keras.ops.rfft(t, fft_length),
        [normal(*shape)],
        rtol=1e-4,
        atol=1e-5,
    )
    bins = shape[-1] // 2 + 1
    spec = (*shape[:-1], bins)
    assert_parity(
        lambda r, i: ops.irfft((r, i), fft_length),
        lambda r, i: keras.ops.irfft((r, i), fft_length),
        [normal(*spec), normal(*spec)],
        rtol=1e-4,
        atol=1e-5,
    )


STFT_CASES = [
    (32, 8, 4, 8, "hann", True),
    (32, 8, 4, 16, "hamming", True),
    (30, 6, 3, 8, None, False),
    (33, 7, 2, 7, "hann", False),
]


@pytest.mark.parametrize("length,seq,stride,nfft,window,center", STFT_CASES)
def test_stft_parity(length, seq, stride, nfft, window, center):
    assert_parity(
        lambda t: ops.stft(t, seq, stride, nfft, window=window, center=center),
        lambda t: keras.ops.stft(t, seq, stride, nfft, window=window, center=center),
        [normal(2, length)],
        rtol=1e-4,
        atol=1e-5,
    )


@pytest.mark.parametrize("length,seq,stride,nfft,window,center", STFT_CASES)
def test_istft_parity(length, seq, stride, nfft, window, center):
    frames = 1 + (length + (nfft // 2) * 2 * center - nfft) // stride
    spec = (2, frames, nfft // 2 + 1)
    for out_length in (None, length - 3):
        assert_parity(
            lambda r, i, n=out_length: ops.istft(
                (r, i), seq, stride, nfft, length=n, window=window, center=center
            ),
            lambda r, i, n=out_length: keras.ops.istft(
                (r, i), seq, stride, nfft, length=n, window=window, center=center
            ),
            [normal(*spec), normal(*spec)],
            rtol=1e-4,
            atol=1e-5,
        )


def test_stft_istft_roundtrip():
    x = normal(1, 64)
    spec = ops.stft(x, 16, 4, 16)
    np.testing.assert_allclose(ops.istft(spec, 16, 4, 16, length=64).numpy(), x, atol=1e-5)
