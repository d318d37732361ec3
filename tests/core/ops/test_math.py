"""lamina's math ops: logsumexp, in_top_k, segment reductions, sequences, FFTs."""

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff.gradient_check import check_gradients
from lamina.ops import math as lmath


@pytest.mark.parametrize(
    "shape,axis,keepdims",
    [((3, 4), None, False), ((3, 4), 1, True), ((2, 3, 4), (0, 2), False), ((1,), 0, False)],
)
def test_logsumexp(shape, axis, keepdims, rng):
    x = rng.standard_normal(shape) * 10
    ref = np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))
    out = ops.logsumexp(x, axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(ref)
    np.testing.assert_allclose(out.numpy(), ref)
    check_gradients(lambda t: ops.logsumexp(t, axis=axis, keepdims=keepdims), [x])


def test_logsumexp_edge_cases():
    x = np.array([[-np.inf, -np.inf], [1000.0, 1000.0]], "float32")
    np.testing.assert_allclose(ops.logsumexp(x, axis=1).numpy(), [-np.inf, 1000 + np.log(2)])
    assert ops.logsumexp(np.arange(3, dtype="int32")).dtype == "float32"
    empty = ops.logsumexp(np.zeros((0, 3)), axis=0)
    assert empty.shape == (3,) and np.isneginf(empty.numpy()).all()


def test_in_top_k():
    predictions = np.array([[0.1, 0.5, 0.4], [0.3, 0.3, 0.3], [np.nan, 0.2, 0.1]], "float32")
    np.testing.assert_array_equal(ops.in_top_k([2, 1, 0], predictions, 1).numpy(), [0, 1, 0])
    np.testing.assert_array_equal(ops.in_top_k([2, 1, 2], predictions, 2).numpy(), [1, 1, 1])
    np.testing.assert_array_equal(ops.in_top_k([-1, 3, 7], predictions, 2).numpy(), [1, 0, 0])
    assert ops.in_top_k([0], predictions[:1], 1).dtype == "bool"


SEGMENT_REF = {
    "segment_sum": (np.add, 0.0),
    "segment_max": (np.maximum, -np.inf),
    "segment_min": (np.minimum, np.inf),
    "segment_prod": (np.multiply, 1.0),
}


def _segment_ref(name, data, ids, n):
    combine, fill = SEGMENT_REF[name]
    out = np.full((n, *data.shape[1:]), fill)
    for row, i in zip(data, ids):
        if 0 <= i < n:
            out[i] = combine(out[i], row)
    return out


@pytest.mark.parametrize("name", SEGMENT_REF)
@pytest.mark.parametrize(
    "ids,n,shape",
    [
        ([0, 0, 1, 2, 2, 2], 3, (6,)),
        ([2, 0, 1, 0, 2, 1], 4, (6, 3)),
        ([0, 1, 5, 1, -1], 3, (5, 2, 2)),
        ([1, 1, 1, 1, 1, 1, 1], None, (7, 2)),
        ([], 2, (0, 3)),
    ],
)
def test_segment_reductions(name, ids, n, shape, rng):
    ids = np.array(ids, "int32")
    data = rng.uniform(0.5, 1.5, shape)
    num = n if n is not None else int(ids.max()) + 1
    out = getattr(ops, name)(data, ids, n)
    assert out.shape == (num, *shape[1:]) and out.dtype == "float64"
    np.testing.assert_allclose(out.numpy(), _segment_ref(name, data, ids, num))
    if data.size and (name in ("segment_sum", "segment_prod") or np.isfinite(out.numpy()).all()):
        check_gradients(lambda d: getattr(ops, name)(d, ids, num), [data])


@pytest.mark.parametrize("kind", ["max", "min", "prod"])
def test_generic_scan_reduction_matches_numpy_path(kind, rng):
    ids = rng.integers(-1, 7, 50)
    data = rng.standard_normal((50, 3))
    valid = (ids >= 0) & (ids < 6)
    fill = {"max": -np.inf, "min": np.inf, "prod": 1.0}[kind]
    combine = {"max": np.maximum, "min": np.minimum, "prod": np.multiply}[kind]
    got = lmath._scan_reduce(np, combine, data, ids, valid, 6, fill)
    np.testing.assert_allclose(got, _segment_ref(f"segment_{kind}", data, ids, 6))


def test_segment_gradients_with_ties_and_zeros():
    data = ops.convert_to_tensor(np.array([1.0, 3.0, 3.0, 2.0, 0.0, 4.0, 0.0, 5.0]))
    ids = np.array([0, 0, 0, 1, 2, 2, 3, 3])
    with lamina.GradientTape(persistent=True) as tape:
        tape.watch(data)
        top = ops.segment_max(data, ids, 4)
        prod = ops.segment_prod(data, ids, 4)
    np.testing.assert_allclose(tape.gradient(top, data).numpy(), [0, 0.5, 0.5, 1, 0, 1, 0, 1])
    np.testing.assert_allclose(tape.gradient(prod, data).numpy(), [9, 3, 3, 1, 4, 0, 5, 0])
    two_zeros = ops.convert_to_tensor(np.array([0.0, 0.0, 2.0]))
    with lamina.GradientTape() as tape:
        tape.watch(two_zeros)
        prod = ops.segment_prod(two_zeros, np.array([0, 0, 0]), 1)
    np.testing.assert_allclose(tape.gradient(prod, two_zeros).numpy(), [0, 0, 0])


def test_segment_integer_data_and_errors():
    out = ops.segment_max(np.array([1, 2, 3], "int32"), np.array([0, 0, 2]), 3)
    np.testing.assert_array_equal(out.numpy(), [2, np.iinfo("int32").min, 3])
    assert out.dtype == "int32"
    with pytest.raises(ValueError, match="1-D vector"):
        ops.segment_sum(np.ones((2, 2)), np.zeros((2, 2), "int32"), 1)
    with pytest.raises(ValueError, match="same leading"):
        ops.segment_sum(np.ones((3, 2)), np.zeros(2, "int32"), 1)


@pytest.mark.parametrize(
    "shape,length,stride", [((10,), 3, 2), ((2, 11), 4, 1), ((2, 3, 12), 5, 5), ((2, 9), 2, 7)]
)
def test_extract_sequences(shape, length, stride, rng):
    x = rng.standard_normal(shape)
    out = ops.extract_sequences(x, length, stride)
    count = 1 + (shape[-1] - length) // stride
    assert out.shape == (*shape[:-1], count, length)
    for i in range(count):
        np.testing.assert_array_equal(
            out.numpy()[..., i, :], x[..., i * stride : i * stride + length]
        )
    check_gradients(lambda t: ops.extract_sequences(t, length, stride), [x])


def test_extract_sequences_short_input_and_ints():
    assert ops.extract_sequences(np.ones((2, 3)), 5, 1).shape == (2, 0, 5)
    out = ops.extract_sequences(np.arange(6, dtype="int32"), 3, 2)
    np.testing.assert_array_equal(out.numpy(), [[0, 1, 2], [2, 3, 4]])
    assert out.dtype == "int32"


@pytest.mark.parametrize(
    "name,ref,axes",
    [
        ("fft", np.fft.fftn, (-1,)),
        ("fft2", np.fft.fftn, (-2, -1)),
        ("ifft2", np.fft.ifft2, (-2, -1)),
    ],
)
@pytest.mark.parametrize("shape", [(4, 6), (2, 3, 5), (1, 1)])
def test_complex_ffts(name, ref, axes, shape, rng):
    re, im = rng.standard_normal(shape), rng.standard_normal(shape)
    out_re, out_im = getattr(ops, name)((re, im))
    expected = ref(re + 1j * im, axes=axes)
    np.testing.assert_allclose(out_re.numpy() + 1j * out_im.numpy(), expected, atol=1e-12)
    check_gradients(lambda a, b: getattr(ops, name)((a, b)), [re, im])


def test_complex_fft_dtypes_and_errors():
    out = ops.fft((np.ones(4, "float32"), np.zeros(4, "float32")))
    assert [o.dtype for o in out] == ["float32", "float32"]
    with pytest.raises(ValueError, match="tuple of two"):
        ops.fft(np.ones(4))
    with pytest.raises(ValueError, match="same shape"):
        ops.fft((np.ones(4), np.ones(3)))
    with pytest.raises(ValueError, match="not of type float"):
        ops.fft((np.ones(4, "int32"), np.ones(4, "int32")))
    with pytest.raises(ValueError, match="rank >= 2"):
        ops.fft2((np.ones(4), np.ones(4)))


@pytest.mark.parametrize("size,fft_length", [(8, None), (7, None), (8, 5), (6, 9), (6, 6)])
def test_rfft_irfft(size, fft_length, rng):
    x = rng.standard_normal((2, size))
    re, im = ops.rfft(x, fft_length)
    np.testing.assert_allclose(re.numpy() + 1j * im.numpy(), np.fft.rfft(x, n=fft_length))
    check_gradients(lambda t: ops.rfft(t, fft_length), [x])
    bins = size // 2 + 1
    sr, si = rng.standard_normal((2, bins)), rng.standard_normal((2, bins))
    out = ops.irfft((sr, si), fft_length)
    np.testing.assert_allclose(out.numpy(), np.fft.irfft(sr + 1j * si, n=fft_length))
    check_gradients(lambda a, b: ops.irfft((a, b), fft_length), [sr, si])


STFT_CASES = [
    (32, 8, 4, 8, "hann", True),
    (32, 8, 4, 16, "hamming", True),
    (30, 6, 3, 8, None, False),
    (33, 7, 2, 7, "hann", False),
    (6, 4, 1, 16, "hann", True),  # reflect padding wider than the signal
]


@pytest.mark.parametrize("length,seq,stride,nfft,window,center", STFT_CASES)
def test_stft_values_and_gradients(length, seq, stride, nfft, window, center, rng):
    x = rng.standard_normal((2, length))
    re, im = ops.stft(x, seq, stride, nfft, window=window, center=center)
    padded = np.pad(x, [(0, 0), (nfft // 2, nfft // 2)], mode="reflect") if center else x
    n = np.arange(seq)
    a = {"hann": 0.5, "hamming": 0.54, None: 1.0}[window]
    win = a - (1 - a) * np.cos(2 * np.pi * n / seq)
    left = (nfft - seq) // 2
    # as in Keras, no window means ones over the whole fft_length
    win = np.pad(win, (left, nfft - seq - left)) if window else np.ones(nfft)
    count = 1 + (padded.shape[-1] - nfft) // stride
    frames = np.stack([padded[:, i * stride : i * stride + nfft] for i in range(count)], axis=1)
    np.testing.assert_allclose(re.numpy() + 1j * im.numpy(), np.fft.rfft(frames * win), atol=1e-12)
    check_gradients(lambda t: ops.stft(t, seq, stride, nfft, window=window, center=center), [x])


@pytest.mark.parametrize("length,seq,stride,nfft,window,center", STFT_CASES)
def test_istft_gradients(length, seq, stride, nfft, window, center, rng):
    frames = 1 + (length + (nfft // 2) * 2 * center - nfft) // stride
    shape = (2, frames, nfft // 2 + 1)
    re, im = rng.standard_normal(shape), rng.standard_normal(shape)
    for out_length in (None, length - 2):
        check_gradients(
            lambda a, b, n=out_length: ops.istft(
                (a, b), seq, stride, nfft, length=n, window=window, center=center
            ),
            [re, im],
        )


def test_stft_istft_round_trip_and_custom_window(rng):
    x = rng.standard_normal((3, 50))
    spec = ops.stft(x, 16, 4, 16)
    np.testing.assert_allclose(ops.istft(spec, 16, 4, 16, length=50).numpy(), x, atol=1e-10)
    window = np.hanning(10)
    spec = ops.stft(x, 10, 2, 12, window=window, center=False)
    assert spec[0].shape == (3, 1 + (50 - 12) // 2, 7)


def test_stft_errors():
    with pytest.raises(ValueError, match="sequence_stride"):
        ops.stft(np.ones(16, "float32"), 4, 0, 4)
    with pytest.raises(TypeError, match="float32"):
        ops.stft(np.ones(16, "int32"), 4, 2, 4)
    with pytest.raises(ValueError, match="fft_length"):
        ops.stft(np.ones(16, "float32"), 8, 2, 4)
    with pytest.raises(ValueError, match="hann"):
        ops.stft(np.ones(16, "float32"), 4, 2, 4, window="boxcar")
    with pytest.raises(ValueError, match=r"\[sequence_length\]"):
        ops.stft(np.ones(16, "float32"), 4, 2, 4, window=np.ones(3))
