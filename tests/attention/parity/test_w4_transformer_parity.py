"""The W4 benchmark model (token + position embedding, MultiHeadAttention, post-LN
Transformer block, classifier) built by `bench.models` on lamina and on Keras (JAX) with
the same weights: predictions, loss and the gradient of every weight."""

import jax
import numpy as np
from layer_harness import keras

import lamina
from bench.models import build
from bench.workloads import make_data

RTOL, ATOL = 1e-5, 1e-5


def test_w4_forward_and_gradients():
    mine, loss_l = build(lamina, "W4_transformer")
    theirs, loss_k = build(keras, "W4_transformer")
    theirs.set_weights(mine.get_weights())
    tokens, labels = make_data("W4_transformer", 4)

    np.testing.assert_allclose(
        mine.predict(tokens, verbose=0),
        np.asarray(theirs.predict(tokens, verbose=0)),
        rtol=RTOL,
        atol=ATOL,
    )
    weights = mine.trainable_weights
    with lamina.GradientTape() as tape:
        loss = loss_l(labels, mine(tokens, training=True))
    grads_l = tape.gradient(loss, weights)

    trainable = [v.value for v in theirs.trainable_variables]
    non_trainable = [v.value for v in theirs.non_trainable_variables]

    def keras_loss(values):
        out, _ = theirs.stateless_call(values, non_trainable, tokens, training=True)
        return loss_k(labels, out)

    loss_k_value, grads_k = jax.value_and_grad(keras_loss)(trainable)
    np.testing.assert_allclose(float(loss), float(loss_k_value), rtol=RTOL)
    assert [w.shape for w in weights] == [tuple(v.shape) for v in theirs.trainable_variables]
    for w, gl, gk in zip(weights, grads_l, grads_k):
        np.testing.assert_allclose(
            gl.numpy(), np.asarray(gk), rtol=RTOL, atol=ATOL, err_msg=f"gradient of {w.path}"
        )
