"""Model.evaluate / predict / *_on_batch: return types, structures, steps, metrics API."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _model(units=1, activation=None):
    lamina.utils.set_random_seed(0)
    return lamina.Sequential([lamina.Input((4,)), layers.Dense(units, activation=activation)])


def _data(n=10):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 4)).astype("float32"), rng.normal(size=(n, 1)).astype("float32")


def test_evaluate_returns_float_list_or_dict():
    x, y = _data()
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    loss = model.evaluate(x, y, verbose=0)
    assert isinstance(loss, float)
    assert loss == pytest.approx(float(np.mean((model.predict(x, verbose=0) - y) ** 2)), 1e-5)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    values = model.evaluate(x, y, verbose=0)
    assert isinstance(values, list) and values[0] == pytest.approx(loss, rel=1e-6)
    assert model.evaluate(x, y, verbose=0, return_dict=True) == {
        "loss": values[0],
        "mae": values[1],
    }


def test_evaluate_batch_size_steps_and_sample_weight():
    x, y = _data(10)
    model = _model()
    model.compile(optimizer="sgd", loss="mse", weighted_metrics=["mse"])
    full = model.evaluate(x, y, batch_size=3, verbose=0, return_dict=True)
    assert full["loss"] == pytest.approx(full["mse"], rel=1e-5)
    first = model.evaluate(x, y, batch_size=5, steps=1, verbose=0, return_dict=True)
    assert first["loss"] == pytest.approx(model.evaluate(x[:5], y[:5], verbose=0)[0], rel=1e-5)
    sw = np.zeros(10, "float32")
    sw[:5] = 1.0
    weighted = model.evaluate(x, y, sample_weight=sw, batch_size=10, verbose=0, return_dict=True)
    assert weighted["mse"] == pytest.approx(first["loss"], rel=1e-5)
    with pytest.raises(ValueError, match="Arguments not recognized"):
        model.evaluate(x, y, verbose=0, bogus=1)


def test_predict_batches_and_concatenates():
    x, _ = _data(10)
    model = _model(3)
    expected = model(x).numpy()
    for batch_size in (1, 3, 32):
        out = model.predict(x, batch_size=batch_size, verbose=0)
        assert isinstance(out, np.ndarray)
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-7)
    assert model.predict(x, batch_size=4, steps=2, verbose=0).shape == (8, 3)
    with_targets = lamina.data.Dataset.from_tensor_slices((x, np.zeros(10))).batch(4)
    assert model.predict(with_targets, verbose=0).shape == (10, 3)  # targets ignored
    np.testing.assert_allclose(model.predict_on_batch(x), expected, rtol=1e-5, atol=1e-7)


def test_predict_keeps_the_output_structure():
    inputs = lamina.Input((4,))
    model = lamina.Model(inputs, {"p": layers.Dense(2)(inputs), "q": layers.Dense(1)(inputs)})
    out = model.predict(np.ones((5, 4)), batch_size=2, verbose=0)
    assert {k: v.shape for k, v in out.items()} == {"p": (5, 2), "q": (5, 1)}
    model = lamina.Model(inputs, [layers.Dense(2)(inputs), layers.Dense(1)(inputs)])
    out = model.predict(np.ones((5, 4)), batch_size=2, verbose=0)
    assert [o.shape for o in out] == [(5, 2), (5, 1)]


def test_predict_does_not_need_compile_and_rejects_empty_input():
    model = _model()
    assert model.predict(np.ones((2, 4)), verbose=0).shape == (2, 1)
    with pytest.raises(ValueError):
        model.predict(np.ones((0, 4)), verbose=0)


def test_on_batch_methods():
    x, y = _data()
    model = _model()
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    before = model.test_on_batch(x, y)
    logs = model.train_on_batch(x, y, return_dict=True)
    assert sorted(logs) == ["loss", "mae"]
    assert logs["loss"] == pytest.approx(before[0], rel=1e-5)  # metrics of the step itself
    after = model.test_on_batch(x, y, return_dict=True)
    assert after["loss"] < logs["loss"]
    assert int(model.optimizer.iterations.numpy()) == 1
    with pytest.raises(ValueError, match="cannot be specified at the same time"):
        model.train_on_batch(x, y, sample_weight=np.ones(10), class_weight={0: 1.0})
    assert model.train_on_batch(x.tolist(), y.tolist())[0] > 0  # Python lists are accepted


def test_metrics_order_names_and_reset():
    class Counted(layers.Layer):
        def __init__(self):
            super().__init__()
            self.calls = lamina.metrics.Sum(name="calls")

        def call(self, inputs):
            self.calls.update_state(1.0)
            return inputs

    model = lamina.Sequential([lamina.Input((4,)), Counted(), layers.Dense(1)])
    assert model.metrics_names == ["calls"]
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = _data()
    logs = model.evaluate(x, y, batch_size=5, verbose=0, return_dict=True)
    assert model.metrics_names == ["loss", "compile_metrics", "calls"]
    assert logs["calls"] == 2.0
    assert sorted(model.get_metrics_result()) == ["calls", "loss", "mae"]
    model.reset_metrics()
    assert float(model.get_metrics_result()["calls"]) == 0.0


def test_compute_loss_and_compute_metrics():
    x, y = _data()
    model = _model()
    model.compile(optimizer="sgd", loss="mae", metrics=["mse"])
    y_pred = model(x)
    loss = model.compute_loss(x, y, y_pred)
    assert float(loss) == pytest.approx(float(np.mean(np.abs(y_pred.numpy() - y))), rel=1e-5)
    results = model.compute_metrics(x, y, y_pred)
    assert float(results["mse"]) == pytest.approx(float(np.mean((y_pred.numpy() - y) ** 2)), 1e-5)
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="No loss to compute"):
        model.compute_loss(x, y, y_pred)


def test_compiled_loss_and_compiled_metrics_tf_keras_style():
    x, y = _data()
    model = _model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    y_pred = model(x)
    loss = model.compiled_loss(y, y_pred, regularization_losses=[lamina.ops.convert_to_tensor(1.0)])
    mse = float(np.mean((y_pred.numpy() - y) ** 2))
    assert float(loss) == pytest.approx(mse + 1.0, rel=1e-5)
    assert float(model.metrics[0].result()) == pytest.approx(mse + 1.0, rel=1e-5)
    model.compiled_metrics.update_state(y, y_pred)
    assert float(model.get_metrics_result()["mae"]) > 0
    model.compile(optimizer="sgd", loss="mse")
    model.compiled_metrics.update_state(y, y_pred)  # no compiled metrics: nothing to update
    assert model.metrics_names == ["loss"]


def test_evaluate_and_predict_call_their_callbacks():
    class Events(lamina.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.events = []

        def on_test_batch_end(self, batch, logs=None):
            self.events.append(("test", batch, sorted(logs)))

        def on_test_end(self, logs=None):
            self.events.append(("test_end", sorted(logs)))

        def on_predict_batch_end(self, batch, logs=None):
            self.events.append(("predict", batch, logs["outputs"].shape))

    x, y = _data(10)
    model = _model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    events = Events()
    model.evaluate(x, y, batch_size=5, verbose=0, callbacks=[events])
    model.predict(x, batch_size=6, verbose=0, callbacks=[events])
    assert events.events == [
        ("test", 0, ["loss", "mae"]),
        ("test", 1, ["loss", "mae"]),
        ("test_end", ["loss", "mae"]),
        ("predict", 0, (6, 1)),
        ("predict", 1, (4, 1)),
    ]


def test_predict_with_steps_per_execution():
    x, _ = _data(10)
    model = _model(2)
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=3)
    np.testing.assert_allclose(
        model.predict(x, batch_size=3, verbose=0), model(x).numpy(), rtol=1e-5, atol=1e-7
    )


def test_compute_loss_override_without_training_argument():
    class Custom(lamina.Sequential):
        def compute_loss(self, x, y, y_pred, sample_weight=None):
            return lamina.ops.mean(lamina.ops.abs(y_pred - y)) * 0.0 + 7.0

    model = Custom([lamina.Input((4,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = _data()
    assert model.evaluate(x, y, verbose=0) == pytest.approx(7.0)
    assert model.train_on_batch(x, y) == pytest.approx(7.0)
