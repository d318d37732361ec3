"""The fused LSTM/GRU primitives: numerical gradients (float64) and agreement with the
cell-stepping path."""

import numpy as np
import pytest

from lamina import layers
from lamina.autodiff.gradient_check import check_gradients
from lamina_rnn.ops import gru_sequence, lstm_sequence

B, T, D, U = 2, 4, 3, 4


@pytest.fixture
def data(rng):
    x = rng.standard_normal((B, T, D))
    mask = np.array([[True, False, True, True], [False, True, True, False]])
    return x, mask


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_lstm_sequence_gradients(rng, data, masked, go_backwards, return_sequences):
    x, mask = data
    args = [
        x,
        rng.standard_normal((B, U)),
        rng.standard_normal((B, U)),
        rng.standard_normal((D, 4 * U)) * 0.5,
        rng.standard_normal((U, 4 * U)) * 0.5,
        rng.standard_normal(4 * U) * 0.1,
    ]

    def fn(*tensors):
        return lstm_sequence(
            *tensors,
            mask if masked else None,
            go_backwards=go_backwards,
            return_sequences=return_sequences,
        )

    check_gradients(fn, args)


@pytest.mark.parametrize("return_sequences", [False, True])
def test_lstm_sequence_gradients_batch_of_one_without_bias(rng, return_sequences):
    # Size-1 batch dims and the bias-less projection (no ones column) take their own paths.
    args = [
        rng.standard_normal((1, T, D)),
        rng.standard_normal((1, U)),
        rng.standard_normal((1, U)),
        rng.standard_normal((D, 4 * U)) * 0.5,
        rng.standard_normal((U, 4 * U)) * 0.5,
    ]

    def fn(*tensors):
        return lstm_sequence(*tensors, None, None, return_sequences=return_sequences)

    check_gradients(fn, args)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_gru_sequence_gradients(rng, data, reset_after, masked, go_backwards):
    x, mask = data
    bias_shape = (2, 3 * U) if reset_after else (3 * U,)
    args = [
        x,
        rng.standard_normal((B, U)),
        rng.standard_normal((D, 3 * U)) * 0.5,
        rng.standard_normal((U, 3 * U)) * 0.5,
        rng.standard_normal(bias_shape) * 0.1,
    ]

    def fn(*tensors):
        return gru_sequence(
            *tensors,
            mask if masked else None,
            go_backwards=go_backwards,
            return_sequences=True,
            reset_after=reset_after,
        )

    check_gradients(fn, args)


def test_fused_primitives_skip_bias_gradient_when_none(rng, data):
    x, _ = data
    h = rng.standard_normal((B, U))
    check_gradients(
        lambda x, h, k, r: lstm_sequence(x, h, h, k, r, None, None),
        [x, h, rng.standard_normal((D, 4 * U)), rng.standard_normal((U, 4 * U))],
    )


@pytest.mark.parametrize(
    "fused,cell",
    [
        (lambda: layers.LSTM(U, return_sequences=True, return_state=True), layers.LSTMCell),
        (lambda: layers.GRU(U, return_sequences=True, return_state=True), layers.GRUCell),
        (
            lambda: layers.GRU(U, reset_after=False, return_sequences=True, return_state=True),
            lambda u: layers.GRUCell(u, reset_after=False),
        ),
    ],
)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_fused_layer_matches_cell_loop(rng, fused, cell, go_backwards):
    """LSTM/GRU (one primitive) and RNN(cell) (the tape, step by step) agree."""
    import lamina

    x = rng.standard_normal((B, T, D)).astype("float32")
    mask = np.array([[True, True, False, True], [False, True, True, True]])
    fused_layer = fused()
    fused_layer.go_backwards = go_backwards
    loop_layer = layers.RNN(
        cell(U), return_sequences=True, return_state=True, go_backwards=go_backwards
    )
    fused_layer(x)
    loop_layer(x)
    loop_layer.set_weights(fused_layer.get_weights())
    results = []
    for layer in (fused_layer, loop_layer):
        xt = lamina.ops.convert_to_tensor(x)
        with lamina.GradientTape() as tape:
            tape.watch(xt)
            outs = layer(xt, mask=mask)
            loss = sum(lamina.ops.sum(o * o) for o in outs)
        grads = tape.gradient(loss, [xt, *layer.trainable_weights])
        results.append([o.numpy() for o in outs] + [g.numpy() for g in grads])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_lstm_sequence_inference_matches_recorded_forward(
    rng, data, masked, go_backwards, return_sequences
):
    """Outside a tape nothing is saved and the step buffers are reused: same outputs."""
    import lamina

    x, mask = data
    args = [
        x,
        rng.standard_normal((B, U)),
        rng.standard_normal((B, U)),
        rng.standard_normal((D, 4 * U)),
        rng.standard_normal((U, 4 * U)),
        rng.standard_normal(4 * U),
        mask if masked else None,
    ]
    kwargs = dict(go_backwards=go_backwards, return_sequences=return_sequences)
    inferred = lstm_sequence(*args, **kwargs)
    with lamina.GradientTape():
        recorded = lstm_sequence(*args, **kwargs)
    for a, b in zip(inferred, recorded):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
