"""compile/fit/evaluate/predict compared with Keras 3 (JAX): same model, same initial
weights, same data order (shuffle=False), SGD -> same weights after training, same
History, same evaluate() values and metric names, same predictions.

Each case builds its model with one function taking the library (`keras` or `lamina`),
so both sides run literally the same Keras code.
"""

import keras
import numpy as np
import pytest

import lamina

RTOL, ATOL = 1e-5, 1e-6


def _data(seed=0, n=40):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    return rng, x


def _mlp(lib, outputs=3, activation=None, regularizer=None):
    return lib.Sequential(
        [
            lib.Input((6,)),
            lib.layers.Dense(8, activation="tanh", kernel_regularizer=regularizer, name="h"),
            lib.layers.Dense(outputs, activation=activation, name="out"),
        ]
    )


def _two_outputs(lib):
    inputs = lib.Input((6,), name="x")
    hidden = lib.layers.Dense(8, activation="relu", name="h")(inputs)
    reg = lib.layers.Dense(2, name="reg")(hidden)
    cls = lib.layers.Dense(3, activation="softmax", name="cls")(hidden)
    return lib.Model(inputs, [reg, cls])


def _pair(build, compile_kwargs, optimizer_kwargs):
    """The same model in Keras and lamina, with Keras's initial weights copied over."""
    k_model = build(keras)
    l_model = build(lamina)
    l_model.set_weights(k_model.get_weights())
    k_model.compile(optimizer=keras.optimizers.SGD(**optimizer_kwargs), **compile_kwargs)
    l_model.compile(optimizer=lamina.optimizers.SGD(**optimizer_kwargs), **compile_kwargs)
    return k_model, l_model


def _assert_same_history(k_hist, l_hist):
    assert sorted(k_hist.history) == sorted(l_hist.history)
    assert k_hist.epoch == l_hist.epoch
    for key, values in k_hist.history.items():
        np.testing.assert_allclose(l_hist.history[key], values, rtol=RTOL, atol=ATOL, err_msg=key)


def _assert_same_weights(k_model, l_model):
    for k_w, l_w in zip(k_model.get_weights(), l_model.get_weights(), strict=True):
        np.testing.assert_allclose(l_w, k_w, rtol=RTOL, atol=ATOL)


def _assert_same_evaluate(k_model, l_model, *args, **kwargs):
    k_list = k_model.evaluate(*args, verbose=0, **kwargs)
    l_list = l_model.evaluate(*args, verbose=0, **kwargs)
    np.testing.assert_allclose(l_list, k_list, rtol=RTOL, atol=ATOL)
    k_dict = k_model.evaluate(*args, verbose=0, return_dict=True, **kwargs)
    l_dict = l_model.evaluate(*args, verbose=0, return_dict=True, **kwargs)
    assert list(l_dict) == list(k_dict)
    for key in k_dict:
        np.testing.assert_allclose(l_dict[key], k_dict[key], rtol=RTOL, atol=ATOL, err_msg=key)
    assert l_model.metrics_names == k_model.metrics_names


def test_mse_regression_uneven_batches_and_validation_data():
    rng, x = _data()
    y = rng.normal(size=(40, 3)).astype("float32")
    x_val, y_val = x[:10] + 0.5, y[:10]
    k_model, l_model = _pair(_mlp, {"loss": "mse", "metrics": ["mae"]}, {"learning_rate": 0.1})
    fit_kwargs = dict(
        batch_size=16, epochs=3, shuffle=False, verbose=0, validation_data=(x_val, y_val)
    )
    _assert_same_history(k_model.fit(x, y, **fit_kwargs), l_model.fit(x, y, **fit_kwargs))
    _assert_same_weights(k_model, l_model)
    _assert_same_evaluate(k_model, l_model, x, y, batch_size=7)
    np.testing.assert_allclose(
        l_model.predict(x, batch_size=9, verbose=0),
        k_model.predict(x, batch_size=9, verbose=0),
        rtol=RTOL,
        atol=ATOL,
    )


def test_sparse_categorical_with_momentum_class_weight_and_l2():
    rng, x = _data(1)
    y = rng.integers(0, 3, size=(40,)).astype("int32")

    def build(lib):
        return _mlp(lib, activation="softmax", regularizer=lib.regularizers.L2(0.01))

    k_model, l_model = _pair(
        build,
        {"loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]},
        {"learning_rate": 0.05, "momentum": 0.9},
    )
    fit_kwargs = dict(
        batch_size=8,
        epochs=2,
        shuffle=False,
        verbose=0,
        class_weight={0: 1.0, 1: 2.0, 2: 0.5},
        validation_split=0.25,
    )
    _assert_same_history(k_model.fit(x, y, **fit_kwargs), l_model.fit(x, y, **fit_kwargs))
    _assert_same_weights(k_model, l_model)
    _assert_same_evaluate(k_model, l_model, x, y)


def test_binary_crossentropy_from_logits_with_sample_weight_and_weighted_metrics():
    rng, x = _data(2)
    y = rng.integers(0, 2, size=(40, 1)).astype("float32")
    sample_weight = rng.uniform(0.1, 2.0, size=(40,)).astype("float32")

    def build(lib):
        return _mlp(lib, outputs=1)

    compile_kwargs = {
        "loss": keras.losses.BinaryCrossentropy(from_logits=True),
        "metrics": ["accuracy"],
        "weighted_metrics": ["mse"],
    }
    k_model = build(keras)
    l_model = build(lamina)
    l_model.set_weights(k_model.get_weights())
    k_model.compile(optimizer=keras.optimizers.SGD(0.2), **compile_kwargs)
    l_model.compile(
        optimizer=lamina.optimizers.SGD(0.2),
        loss=lamina.losses.BinaryCrossentropy(from_logits=True),
        metrics=["accuracy"],
        weighted_metrics=["mse"],
    )
    fit_kwargs = dict(batch_size=16, epochs=2, shuffle=False, verbose=0)
    _assert_same_history(
        k_model.fit(x, y, sample_weight=sample_weight, **fit_kwargs),
        l_model.fit(x, y, sample_weight=sample_weight, **fit_kwargs),
    )
    _assert_same_weights(k_model, l_model)
    _assert_same_evaluate(k_model, l_model, x, y, sample_weight=sample_weight)


@pytest.mark.parametrize("as_dict", [False, True])
def test_multi_output_with_loss_weights(as_dict):
    rng, x = _data(3)
    y_reg = rng.normal(size=(40, 2)).astype("float32")
    y_cls = rng.integers(0, 3, size=(40,)).astype("int32")
    if as_dict:
        compile_kwargs = {
            "loss": {"reg": "mse", "cls": "sparse_categorical_crossentropy"},
            "loss_weights": {"reg": 0.5, "cls": 2.0},
            "metrics": {"reg": ["mae"], "cls": ["accuracy"]},
        }
        y = {"reg": y_reg, "cls": y_cls}
    else:
        compile_kwargs = {
            "loss": ["mse", "sparse_categorical_crossentropy"],
            "loss_weights": [0.5, 2.0],
            "metrics": [["mae", "mse"], ["accuracy"]],
        }
        y = [y_reg, y_cls]
    k_model, l_model = _pair(_two_outputs, compile_kwargs, {"learning_rate": 0.1})
    fit_kwargs = dict(batch_size=16, epochs=2, shuffle=False, verbose=0)
    _assert_same_history(k_model.fit(x, y, **fit_kwargs), l_model.fit(x, y, **fit_kwargs))
    _assert_same_weights(k_model, l_model)
    _assert_same_evaluate(k_model, l_model, x, y)
    k_pred = k_model.predict(x, verbose=0)
    l_pred = l_model.predict(x, verbose=0)
    for k_out, l_out in zip(k_pred, l_pred, strict=True):
        np.testing.assert_allclose(l_out, k_out, rtol=RTOL, atol=ATOL)


def test_train_and_test_on_batch_and_steps_per_epoch():
    rng, x = _data(4)
    y = rng.normal(size=(40, 3)).astype("float32")
    k_model, l_model = _pair(_mlp, {"loss": "mae", "metrics": ["mse"]}, {"learning_rate": 0.1})
    for _ in range(2):
        np.testing.assert_allclose(
            l_model.train_on_batch(x[:8], y[:8]),
            k_model.train_on_batch(x[:8], y[:8]),
            rtol=RTOL,
            atol=ATOL,
        )
    np.testing.assert_allclose(
        l_model.test_on_batch(x[8:16], y[8:16]), k_model.test_on_batch(x[8:16], y[8:16]), RTOL
    )
    fit_kwargs = dict(batch_size=8, epochs=3, steps_per_epoch=2, shuffle=False, verbose=0)
    _assert_same_history(k_model.fit(x, y, **fit_kwargs), l_model.fit(x, y, **fit_kwargs))
    _assert_same_weights(k_model, l_model)
    assert l_model.optimizer.iterations.numpy() == k_model.optimizer.iterations.numpy()


@pytest.mark.parametrize(
    ("build", "compile_kwargs", "targets"),
    [
        (
            lambda lib: _mlp(lib, outputs=1),
            {"loss": "mse", "metrics": ["mae", "mae", "acc"], "weighted_metrics": ["mae"]},
            lambda rng: rng.normal(size=(40, 1)).astype("float32"),
        ),
        (
            _two_outputs,
            {
                "loss": {"cls": "sparse_categorical_crossentropy", "reg": "mae"},
                "metrics": {"reg": ["mse"]},
                "weighted_metrics": [["mae"], ["accuracy"]],
            },
            lambda rng: [
                rng.normal(size=(40, 2)).astype("float32"),
                rng.integers(0, 3, size=(40,)).astype("int32"),
            ],
        ),
    ],
)
def test_evaluate_names_and_order_match_keras(build, compile_kwargs, targets):
    rng, x = _data(5)
    y = targets(rng)
    sample_weight = rng.uniform(0.5, 1.5, size=(40,)).astype("float32")
    k_model, l_model = _pair(build, compile_kwargs, {"learning_rate": 0.1})
    _assert_same_evaluate(k_model, l_model, x, y, sample_weight=sample_weight)


def test_batch_normalization_statistics_and_dict_inputs():
    rng, x = _data(6)
    aux = rng.normal(size=(40, 2)).astype("float32")
    y = rng.normal(size=(40, 1)).astype("float32")

    def build(lib):
        a = lib.Input((6,), name="a")
        b = lib.Input((2,), name="b")
        h = lib.layers.Dense(5, name="h")(lib.layers.Concatenate()([a, b]))
        h = lib.layers.BatchNormalization(name="bn")(h)
        return lib.Model({"a": a, "b": b}, lib.layers.Dense(1, name="out")(h))

    k_model, l_model = _pair(build, {"loss": "mse"}, {"learning_rate": 0.05})
    inputs = {"a": x, "b": aux}
    fit_kwargs = dict(batch_size=10, epochs=2, shuffle=False, verbose=0)
    _assert_same_history(k_model.fit(inputs, y, **fit_kwargs), l_model.fit(inputs, y, **fit_kwargs))
    _assert_same_weights(k_model, l_model)  # includes the moving mean and variance
    np.testing.assert_allclose(
        l_model.predict(inputs, verbose=0), k_model.predict(inputs, verbose=0), RTOL, ATOL
    )
