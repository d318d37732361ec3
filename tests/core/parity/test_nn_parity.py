"""Parity of `lamina.ops.nn` with `keras.ops.nn` (JAX backend): values, dtypes, gradients."""

import jax
import numpy as np
import pytest
from harness import assert_parity, keras

import lamina
from lamina import ops

RNG = np.random.default_rng(0)


def normal(*shape, dtype="float32", scale=2.0):
    return (RNG.standard_normal(shape) * scale).astype(dtype)


def uniform(*shape, low=0.05, high=0.95, dtype="float32"):
    return RNG.uniform(low, high, shape).astype(dtype)


ACTIVATIONS = [
    ("relu", {}),
    ("relu6", {}),
    ("sigmoid", {}),
    ("silu", {}),
    ("swish", {}),
    ("log_sigmoid", {}),
    ("softplus", {}),
    ("softsign", {}),
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("selu", {}),
    ("celu", {}),
    ("celu", {"alpha": 2.0}),
    ("gelu", {}),
    ("gelu", {"approximate": False}),
    ("hard_sigmoid", {}),
    ("hard_silu", {}),
    ("hard_swish", {}),
    ("hard_tanh", {}),
    ("hard_shrink", {}),
    ("hard_shrink", {"threshold": 1.0}),
    ("soft_shrink", {}),
    ("soft_shrink", {"threshold": 1.0}),
    ("tanh_shrink", {}),
    ("leaky_relu", {}),
    ("leaky_relu", {"negative_slope": 0.01}),
    ("squareplus", {}),
    ("squareplus", {"b": 1}),
    ("sparse_plus", {}),
    ("sparse_sigmoid", {}),
]


@pytest.mark.parametrize("name,kwargs", ACTIVATIONS)
@pytest.mark.parametrize("shape", [(3, 7), (2, 3, 4), (), (0, 3)])
def test_activation_parity(name, kwargs, shape):
    x = normal(*shape)
    assert_parity(
        lambda t: getattr(ops.nn, name)(t, **kwargs),
        lambda t: getattr(keras.ops.nn, name)(t, **kwargs),
        [x],
    )


@pytest.mark.parametrize("name,kwargs", ACTIVATIONS)
def test_activation_integer_input_dtype(name, kwargs):
    if name in ("sigmoid", "silu", "swish"):  # JAX refuses integer input there
        pytest.skip("keras-jax raises for integer input")
    x = np.array([[-3, -1, 0], [1, 2, 7]], dtype="int32")
    assert_parity(
        lambda t: getattr(ops.nn, name)(t, **kwargs),
        lambda t: getattr(keras.ops.nn, name)(t, **kwargs),
        [x],
    )


def test_activation_extreme_values_parity():
    x = np.array([-1000.0, -100.0, -30.0, -5.0, 0.0, 5.0, 30.0, 100.0, 1000.0], "float32")
    for name in ("sigmoid", "log_sigmoid", "softplus", "silu", "elu", "selu", "gelu"):
        assert_parity(getattr(ops.nn, name), getattr(keras.ops.nn, name), [x])


@pytest.mark.parametrize("thr,default", [(0.5, 0.0), (-1.0, 3.5), (0.0, -2.0)])
def test_threshold_parity(thr, default):
    x = normal(4, 5)
    assert_parity(
        lambda t: ops.nn.threshold(t, thr, default),
        lambda t: keras.ops.nn.threshold(t, thr, default),
        [x],
    )


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize(
    "shape,axis", [((4, 7), -1), ((4, 7), 0), ((2, 3, 5), 1), ((2, 3, 5), (1, 2)), ((6,), -1)]
)
def test_softmax_parity(name, shape, axis):
    x = normal(*shape, scale=4.0)
    assert_parity(
        lambda t: getattr(ops.nn, name)(t, axis=axis),
        lambda t: getattr(keras.ops.nn, name)(t, axis=axis),
        [x],
    )


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_large_logits_parity(name):
    x = np.array([[1000.0, 0.0, -1000.0], [-50.0, -50.0, -49.0]], "float32")
    assert_parity(getattr(ops.nn, name), getattr(keras.ops.nn, name), [x])


@pytest.mark.parametrize("shape,axis", [((4, 6), -1), ((3, 4, 5), 1), ((5,), 0)])
def test_sparsemax_parity(shape, axis):
    x = normal(*shape)
    assert_parity(
        lambda t: ops.nn.sparsemax(t, axis=axis),
        lambda t: keras.ops.nn.sparsemax(t, axis=axis),
        [x],
    )


@pytest.mark.parametrize("shape,axis", [((3, 8), -1), ((4, 2, 3), 1), ((6, 5), 0)])
def test_glu_parity(shape, axis):
    x = normal(*shape)
    assert_parity(
        lambda t: ops.nn.glu(t, axis=axis),
        lambda t: keras.ops.nn.glu(t, axis=axis),
        [x],
    )


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("shape", [(8,), (4, 5), (2, 3, 4)])
def test_binary_crossentropy_parity(from_logits, shape):
    target = uniform(*shape, low=0.0, high=1.0)
    output = normal(*shape) if from_logits else uniform(*shape)
    assert_parity(
        lambda t, o: ops.nn.binary_crossentropy(t, o, from_logits=from_logits),
        lambda t, o: keras.ops.nn.binary_crossentropy(t, o, from_logits=from_logits),
        [target, output],
    )


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("shape,axis", [((6, 5), -1), ((2, 3, 4), -1), ((4, 3, 2), 1), ((7,), -1)])
def test_categorical_crossentropy_parity(from_logits, shape, axis):
    target = uniform(*shape, low=0.0, high=1.0)
    output = normal(*shape) if from_logits else uniform(*shape)
    assert_parity(
        lambda t, o: ops.nn.categorical_crossentropy(t, o, from_logits=from_logits, axis=axis),
        lambda t, o: keras.ops.nn.categorical_crossentropy(
            t, o, from_logits=from_logits, axis=axis
        ),
        [target, output],
    )


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize(
    "target,shape",
    [
        (np.array([0, 3, 1, 4, 2, 2], "int32"), (6, 5)),
        (np.array([[0], [3], [1]], "int32"), (3, 5)),
        (np.array([[0, 1, 2], [3, 0, 1]], "int32"), (2, 3, 4)),
        (np.array([1, 0, 2], "int32"), (3, 3)),
    ],
)
def test_sparse_categorical_crossentropy_parity(from_logits, target, shape):
    output = normal(*shape) if from_logits else uniform(*shape)
    assert_parity(
        lambda t, o: ops.nn.sparse_categorical_crossentropy(t, o, from_logits=from_logits),
        lambda t, o: keras.ops.nn.sparse_categorical_crossentropy(t, o, from_logits=from_logits),
        [target, output],
    )


def test_crossentropy_extreme_logits_parity():
    logits = np.array([[80.0, -80.0, 0.0], [-200.0, 200.0, 10.0]], "float32")
    onehot = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], "float32")
    assert_parity(
        lambda t, o: ops.nn.categorical_crossentropy(t, o, from_logits=True),
        lambda t, o: keras.ops.nn.categorical_crossentropy(t, o, from_logits=True),
        [onehot, logits],
    )
    assert_parity(
        lambda t, o: ops.nn.sparse_categorical_crossentropy(t, o, from_logits=True),
        lambda t, o: keras.ops.nn.sparse_categorical_crossentropy(t, o, from_logits=True),
        [np.array([1, 0], "int32"), logits],
    )
    assert_parity(
        lambda t, o: ops.nn.binary_crossentropy(t, o, from_logits=True),
        lambda t, o: keras.ops.nn.binary_crossentropy(t, o, from_logits=True),
        [onehot, logits],
    )


def test_psnr_parity():
    x1, x2 = uniform(2, 4, 4, 3), uniform(2, 4, 4, 3)
    assert_parity(
        lambda a, b: ops.nn.psnr(a, b, 1.0), lambda a, b: keras.ops.nn.psnr(a, b, 1.0), [x1, x2]
    )
    assert_parity(
        lambda a, b: ops.nn.psnr(a, b, 255.0), lambda a, b: keras.ops.nn.psnr(a, b, 255.0), [x1, x2]
    )


@pytest.mark.parametrize("num_classes,axis", [(5, -1), (4, 0), (3, 1)])
def test_one_hot_parity(num_classes, axis):
    x = np.array([[0, 2, -1], [4, 1, 3]], "int32")
    assert_parity(
        lambda t: ops.nn.one_hot(t, num_classes, axis=axis),
        lambda t: keras.ops.nn.one_hot(t, num_classes, axis=axis),
        [x],
    )
    assert_parity(
        lambda t: ops.nn.one_hot(t, num_classes, axis=axis, dtype="int32"),
        lambda t: keras.ops.nn.one_hot(t, num_classes, axis=axis, dtype="int32"),
        [x],
    )


@pytest.mark.parametrize(
    "x,axis", [(np.array([0, 4, 4], "int32"), -1), (np.array([[0, 2], [1, 1]], "int32"), -1)]
)
def test_multi_hot_parity(x, axis):
    assert_parity(
        lambda t: ops.nn.multi_hot(t, 5, axis=axis),
        lambda t: keras.ops.nn.multi_hot(t, 5, axis=axis),
        [x],
    )


@pytest.mark.parametrize("axes,keepdims", [([0], False), ([0, 2], True), ([1], False), (-1, True)])
def test_moments_parity(axes, keepdims):
    x = normal(3, 4, 5)
    assert_parity(
        lambda t: ops.nn.moments(t, axes, keepdims=keepdims),
        lambda t: keras.ops.nn.moments(t, axes, keepdims=keepdims),
        [x],
    )


@pytest.mark.parametrize("order,axis", [(2, -1), (2, 0), (1, -1), (3, 1), (2, (0, 1))])
def test_normalize_parity(order, axis):
    x = normal(4, 5)
    assert_parity(
        lambda t: ops.nn.normalize(t, axis=axis, order=order),
        lambda t: keras.ops.nn.normalize(t, axis=axis, order=order),
        [x],
    )


@pytest.mark.parametrize("axis", [-1, 1])
def test_batch_normalization_parity(axis):
    x = normal(4, 3, 5) if axis == 1 else normal(4, 5, 3)
    mean, var = normal(3), uniform(3, low=0.5, high=2.0)
    offset, scale = normal(3), normal(3)
    assert_parity(
        lambda *a: ops.nn.batch_normalization(*a[:3], axis, offset=a[3], scale=a[4]),
        lambda *a: keras.ops.nn.batch_normalization(*a[:3], axis, offset=a[3], scale=a[4]),
        [x, mean, var, offset, scale],
    )
    assert_parity(
        lambda *a: ops.nn.batch_normalization(*a, axis),
        lambda *a: keras.ops.nn.batch_normalization(*a, axis),
        [x, mean, var],
    )


@pytest.mark.parametrize(
    "shape,axis,param_shape",
    [((4, 6), -1, (6,)), ((2, 3, 4), -1, (4,)), ((2, 3, 4), [1, 2], (3, 4)), ((2, 3, 4), 1, (3,))],
)
def test_layer_normalization_parity(shape, axis, param_shape):
    x, gamma, beta = normal(*shape), normal(*param_shape), normal(*param_shape)
    assert_parity(
        lambda a, g, b: ops.nn.layer_normalization(a, g, b, axis=axis),
        lambda a, g, b: keras.ops.nn.layer_normalization(a, g, b, axis=axis),
        [x, gamma, beta],
    )
    assert_parity(
        lambda a: ops.nn.layer_normalization(a, axis=axis, epsilon=1e-3),
        lambda a: keras.ops.nn.layer_normalization(a, axis=axis, epsilon=1e-3),
        [x],
    )


@pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`")
def test_layer_normalization_rms_scaling_parity():
    x, gamma = normal(3, 5), normal(5)
    assert_parity(
        lambda a, g: ops.nn.layer_normalization(a, g, axis=-1, rms_scaling=True),
        lambda a, g: keras.ops.nn.layer_normalization(a, g, axis=-1, rms_scaling=True),
        [x, gamma],
    )


@pytest.mark.parametrize("shape,axis", [((4, 6), -1), ((2, 3, 4), (1, 2)), ((5,), -1)])
def test_rms_normalization_parity(shape, axis):
    x = normal(*shape)
    scale = normal(shape[-1])
    assert_parity(
        lambda a, s: ops.nn.rms_normalization(a, s, axis=axis),
        lambda a, s: keras.ops.nn.rms_normalization(a, s, axis=axis),
        [x, scale],
    )
    assert_parity(
        lambda a: ops.nn.rms_normalization(a, axis=axis),
        lambda a: keras.ops.nn.rms_normalization(a, axis=axis),
        [x],
    )


def _attention_inputs(b=2, t=5, s=6, n=4, k=2, h=8):
    return normal(b, t, n, h, scale=1.0), normal(b, s, k, h, scale=1.0), normal(b, s, k, h)


@pytest.mark.parametrize("heads,kv_heads", [(4, 4), (4, 2), (3, 1)])
def test_dot_product_attention_parity(heads, kv_heads):
    q, k, v = _attention_inputs(n=heads, k=kv_heads)
    assert_parity(ops.nn.dot_product_attention, keras.ops.nn.dot_product_attention, [q, k, v])
    assert_parity(
        lambda *a: ops.nn.dot_product_attention(*a, scale=0.3),
        lambda *a: keras.ops.nn.dot_product_attention(*a, scale=0.3),
        [q, k, v],
    )


def test_dot_product_attention_bias_mask_causal_parity():
    q, k, v = _attention_inputs(t=6, s=6)
    bias = normal(1, 4, 6, 6)
    mask = RNG.uniform(size=(2, 1, 6, 6)) > 0.3
    mask[..., 0] = True
    assert_parity(
        lambda q, k, v, b: ops.nn.dot_product_attention(q, k, v, bias=b),
        lambda q, k, v, b: keras.ops.nn.dot_product_attention(q, k, v, bias=b),
        [q, k, v, bias],
    )
    assert_parity(
        lambda q, k, v, m: ops.nn.dot_product_attention(q, k, v, mask=m),
        lambda q, k, v, m: keras.ops.nn.dot_product_attention(q, k, v, mask=m),
        [q, k, v, mask],
    )
    assert_parity(
        lambda q, k, v: ops.nn.dot_product_attention(q, k, v, is_causal=True),
        lambda q, k, v: keras.ops.nn.dot_product_attention(q, k, v, is_causal=True),
        [q, k, v],
    )
    assert_parity(
        lambda q, k, v, m, b: ops.nn.dot_product_attention(q, k, v, bias=b, mask=m, is_causal=True),
        lambda q, k, v, m, b: keras.ops.nn.dot_product_attention(
            q, k, v, bias=b, mask=m, is_causal=True
        ),
        [q, k, v, mask, bias],
    )


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_depth_space_parity(data_format):
    x = normal(2, 8, 3, 4) if data_format == "channels_first" else normal(2, 3, 4, 8)
    assert_parity(
        lambda t: ops.nn.depth_to_space(t, 2, data_format=data_format),
        lambda t: keras.ops.nn.depth_to_space(t, 2, data_format=data_format),
        [x],
    )
    y = normal(2, 3, 4, 6) if data_format == "channels_first" else normal(2, 4, 6, 3)
    assert_parity(
        lambda t: ops.nn.space_to_depth(t, 2, data_format=data_format),
        lambda t: keras.ops.nn.space_to_depth(t, 2, data_format=data_format),
        [y],
    )


def test_polar_parity():
    abs_, angle = normal(3, 4), normal(3, 4)
    assert_parity(ops.nn.polar, keras.ops.nn.polar, [abs_, angle], grads=False)
    # the harness only pulls back float outputs: compare a complex cotangent by hand
    ct = (RNG.standard_normal((3, 4)) + 1j * RNG.standard_normal((3, 4))).astype("complex64")
    _, pullback = jax.vjp(keras.ops.nn.polar, abs_, angle)
    expected = pullback(ct)
    tensors = [ops.convert_to_tensor(abs_), ops.convert_to_tensor(angle)]
    with lamina.GradientTape() as tape:
        for t in tensors:
            tape.watch(t)
        out = ops.nn.polar(*tensors)
    grads = tape.gradient(out, tensors, output_gradients=[ct])
    for got, want in zip(grads, expected):
        np.testing.assert_allclose(got.numpy(), np.asarray(want), rtol=1e-5, atol=1e-6)


def _ctc_inputs():
    target = np.array([[1, 2, 2, 0], [3, 1, 0, 0], [2, 2, 1, 3]], "int32")
    target_length = np.array([3, 2, 4], "int32")
    output_length = np.array([10, 7, 12], "int32")
    return target, normal(3, 12, 5), target_length, output_length


def test_ctc_loss_parity():
    target, logits, tl, ol = _ctc_inputs()
    # JAX's recursion uses scan + logaddexp in another order: rounding differs at ~1e-5
    assert_parity(
        lambda t, o, a, b: ops.nn.ctc_loss(t, o, a, b),
        lambda t, o, a, b: keras.ops.nn.ctc_loss(t, o, a, b),
        [target, logits, tl, ol],
        rtol=1e-4,
        atol=1e-5,
    )
    assert_parity(
        lambda t, o, a, b: ops.nn.ctc_loss(t, o, a, b, mask_index=4),
        lambda t, o, a, b: keras.ops.nn.ctc_loss(t, o, a, b, mask_index=4),
        [target + 0, logits, tl, ol],
        rtol=1e-4,
        atol=1e-5,
    )


@pytest.mark.parametrize("merge_repeated", [True, False])
@pytest.mark.parametrize("mask_index", [0, 4, None])
def test_ctc_greedy_decode_parity(merge_repeated, mask_index):
    logits = normal(3, 12, 5)
    logits[:, ::3, 1] += 5.0  # force some repeats and blanks
    lengths = np.array([12, 7, 1], "int32")
    assert_parity(
        lambda x, n: ops.nn.ctc_decode(x, n, merge_repeated=merge_repeated, mask_index=mask_index),
        lambda x, n: keras.ops.nn.ctc_decode(
            x, n, merge_repeated=merge_repeated, mask_index=mask_index
        ),
        [logits, lengths],
        grads=False,
    )


@pytest.mark.parametrize("beam_width,top_paths", [(3, 1), (6, 3)])
def test_ctc_beam_search_decode_parity(beam_width, top_paths):
    logits = normal(3, 8, 4)
    lengths = np.array([8, 5, 2], "int32")
    assert_parity(
        lambda x, n: ops.nn.ctc_decode(
            x, n, strategy="beam_search", beam_width=beam_width, top_paths=top_paths
        ),
        lambda x, n: keras.ops.nn.ctc_decode(
            x, n, strategy="beam_search", beam_width=beam_width, top_paths=top_paths
        ),
        [logits, lengths],
        grads=False,
    )
