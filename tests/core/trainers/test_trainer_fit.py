"""Model.fit: every argument, History, callbacks, validation, model kinds."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _data(n=20, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x @ rng.normal(size=(4, 1))).astype("float32")
    return x, y


def _model(units=1, activation=None):
    lamina.utils.set_random_seed(0)
    return lamina.Sequential([lamina.Input((4,)), layers.Dense(units, activation=activation)])


def _compiled(lr=0.05, **kwargs):
    model = _model()
    kwargs.setdefault("loss", "mse")
    model.compile(optimizer=lamina.optimizers.SGD(lr), **kwargs)
    return model


class Recorder(lamina.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(("epoch_begin", epoch))

    def on_train_batch_end(self, batch, logs=None):
        self.events.append(("batch_end", batch, sorted(logs)))

    def on_test_begin(self, logs=None):
        self.events.append(("test_begin",))

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(("epoch_end", epoch, sorted(logs)))


def test_fit_returns_history_and_reduces_the_loss():
    x, y = _data()
    model = _compiled(metrics=["mae"])
    history = model.fit(x, y, epochs=5, batch_size=4, verbose=0)
    assert history is model.history
    assert history.epoch == [0, 1, 2, 3, 4]
    assert sorted(history.history) == ["loss", "mae"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert all(isinstance(v, float) for v in history.history["loss"])


def test_uneven_last_batch_and_batch_callbacks():
    x, y = _data(n=10)
    model = _compiled()
    recorder = Recorder()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, callbacks=[recorder])
    batches = [e for e in recorder.events if e[0] == "batch_end"]
    assert [e[1] for e in batches] == [0, 1, 2]
    assert batches[0][2] == ["loss"]
    assert int(model.optimizer.iterations.numpy()) == 3


def test_sample_weight_zero_leaves_the_loss_unaffected_by_those_samples():
    x, y = _data()
    weights = np.ones(len(x), "float32")
    weights[10:] = 0.0
    y_noisy = y.copy()
    y_noisy[10:] = 1e3  # would dominate the loss if it were counted
    # One batch each: the weighted loss is sum(w * l) / 20, the other sum(l) / 10, so
    # twice the learning rate gives the same updates.
    a, b = _compiled(lr=0.1), _compiled(lr=0.05)
    a.fit(x, y_noisy, sample_weight=weights, shuffle=False, epochs=2, batch_size=20, verbose=0)
    b.fit(x[:10], y[:10], shuffle=False, epochs=2, batch_size=20, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)


def test_class_weight_scales_the_loss():
    x, _ = _data()
    y = (np.arange(len(x)) % 2).astype("int32")
    model = _model(2, "softmax")
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    plain = model.train_on_batch(x, y)
    model2 = _model(2, "softmax")
    model2.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    doubled = model2.train_on_batch(x, y, class_weight={0: 2.0, 1: 2.0})
    assert doubled == pytest.approx(2 * plain, rel=1e-5)
    h = model.fit(x, y, class_weight={0: 1.0, 1: 3.0}, epochs=1, verbose=0)
    assert list(h.history) == ["loss"]


def test_validation_split_uses_the_last_samples():
    x, y = _data(n=20)
    model = _compiled(metrics=["mae"])
    recorder = Recorder()
    history = model.fit(
        x, y, validation_split=0.25, epochs=2, batch_size=5, verbose=0, callbacks=[recorder]
    )
    assert sorted(history.history) == ["loss", "mae", "val_loss", "val_mae"]
    assert int(model.optimizer.iterations.numpy()) == 6  # 15 training samples, 3 batches
    assert history.history["val_loss"][-1] == pytest.approx(
        model.evaluate(x[15:], y[15:], verbose=0)[0], rel=1e-5
    )
    assert recorder.events[-1][2] == ["loss", "mae", "val_loss", "val_mae"]


@pytest.mark.parametrize("as_dataset", [False, True])
def test_validation_data_tuple_or_dataset(as_dataset):
    x, y = _data()
    val = (x[:6], y[:6])
    if as_dataset:
        val = lamina.data.Dataset.from_tensor_slices(val).batch(4)
    model = _compiled()
    history = model.fit(x, y, validation_data=val, epochs=2, verbose=0)
    assert sorted(history.history) == ["loss", "val_loss"]
    assert history.history["val_loss"][-1] == pytest.approx(
        model.evaluate(x[:6], y[:6], verbose=0), rel=1e-5
    )


def test_validation_freq_int_and_list():
    x, y = _data()
    model = _compiled()
    recorder = Recorder()
    fit_kwargs = dict(validation_data=(x, y), epochs=4, verbose=0, callbacks=[recorder])
    model.fit(x, y, validation_freq=2, **fit_kwargs)
    ends = [e for e in recorder.events if e[0] == "epoch_end"]
    assert [("val_loss" in e[2]) for e in ends] == [False, True, False, True]
    history = model.fit(x, y, validation_data=(x, y), validation_freq=[1, 3], epochs=3, verbose=0)
    assert len(history.history["val_loss"]) == 2
    with pytest.raises(ValueError, match="validation_freq"):
        model.fit(x, y, validation_data=(x, y), validation_freq="2", verbose=0)


def test_initial_epoch_and_steps_per_epoch():
    x, y = _data(n=20)
    model = _compiled()
    history = model.fit(x, y, epochs=4, initial_epoch=2, batch_size=5, verbose=0)
    assert history.epoch == [2, 3]
    model = _compiled()
    model.fit(x, y, epochs=3, steps_per_epoch=2, batch_size=5, verbose=0)
    assert int(model.optimizer.iterations.numpy()) == 6


def test_shuffle_false_is_deterministic():
    x, y = _data()
    a, b = _compiled(), _compiled()
    a.fit(x, y, shuffle=False, batch_size=3, epochs=2, verbose=0)
    b.fit(x, y, shuffle=False, batch_size=3, epochs=2, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)


def test_stop_training_from_a_callback():
    class Stop(lamina.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    x, y = _data()
    model = _compiled()
    history = model.fit(x, y, batch_size=4, epochs=5, verbose=0, callbacks=[Stop()])
    assert history.epoch == [0]
    assert int(model.optimizer.iterations.numpy()) == 2


def test_steps_per_execution_groups_batches_for_callbacks():
    x, y = _data(n=20)
    model = _model()
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=2)
    recorder = Recorder()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, callbacks=[recorder])
    assert [e[1] for e in recorder.events if e[0] == "batch_end"] == [1, 3, 4]
    assert int(model.optimizer.iterations.numpy()) == 5


def test_generator_input():
    x, y = _data(n=12)

    def batches():
        for i in range(0, 12, 4):
            yield x[i : i + 4], y[i : i + 4]

    model = _compiled()
    history = model.fit(batches(), epochs=1, shuffle=False, verbose=0)
    assert len(history.history["loss"]) == 1
    assert int(model.optimizer.iterations.numpy()) == 3


def test_multi_input_dict_and_list_multi_output_functional():
    a = lamina.Input((3,), name="a")
    b = lamina.Input((2,), name="b")
    merged = layers.Concatenate()([a, b])
    out1 = layers.Dense(1, name="out1")(merged)
    out2 = layers.Dense(3, activation="softmax", name="out2")(merged)
    model = lamina.Model({"a": a, "b": b}, [out1, out2])
    model.compile(
        optimizer="sgd",
        loss=["mse", "sparse_categorical_crossentropy"],
        metrics={"out2": "accuracy"},
    )
    rng = np.random.default_rng(0)
    xs = {"a": rng.normal(size=(8, 3)), "b": rng.normal(size=(8, 2))}
    ys = [rng.normal(size=(8, 1)), rng.integers(0, 3, size=(8,))]
    history = model.fit(xs, ys, epochs=1, batch_size=4, verbose=0)
    assert sorted(history.history) == ["loss", "out1_loss", "out2_accuracy", "out2_loss"]
    history = model.fit(xs, {"out1": ys[0], "out2": ys[1]}, epochs=1, verbose=0)
    assert "out2_accuracy" in history.history
    assert model.metrics_names == ["loss", "compile_metrics", "out1_loss", "out2_loss"]


def test_multi_input_list():
    a = lamina.Input((3,))
    b = lamina.Input((2,))
    out = layers.Dense(1)(layers.Concatenate()([a, b]))
    model = lamina.Model([a, b], out)
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(0)
    xs = [rng.normal(size=(6, 3)), rng.normal(size=(6, 2))]
    history = model.fit(xs, np.ones((6, 1)), verbose=0)
    assert len(history.history["loss"]) == 1


def test_subclassed_model_builds_on_first_batch():
    class TwoLayers(lamina.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(4, activation="relu")
            self.out = layers.Dense(1)

        def call(self, inputs, training=False):
            return self.out(self.hidden(inputs))

    x, y = _data()
    model = TwoLayers()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=2, verbose=0)
    assert model.built
    assert sorted(history.history) == ["loss", "mae"]


def test_regularization_losses_are_added_to_the_loss():
    x, y = _data()
    model = lamina.Sequential(
        [lamina.Input((4,)), layers.Dense(1, kernel_regularizer=lamina.regularizers.L2(10.0))]
    )
    model.compile(optimizer="sgd", loss="mse")
    prediction_loss = float(np.mean((model.predict(x, verbose=0) - y) ** 2))
    penalty = 10.0 * float(np.sum(model.get_weights()[0] ** 2))
    assert model.evaluate(x, y, verbose=0) == pytest.approx(prediction_loss + penalty, rel=1e-5)


# The dynamic loss scale starts at 2**15: float16 gradients may overflow on the first
# steps, which the LossScaleOptimizer skips (lowering the scale), as in Keras.
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_mixed_float16_wraps_the_optimizer_in_loss_scaling():
    model = lamina.Sequential([lamina.Input((4,)), layers.Dense(1, dtype="mixed_float16")])
    model.dtype_policy = "mixed_float16"
    model.compile(optimizer="sgd", loss="mse")
    assert isinstance(model.optimizer, lamina.optimizers.LossScaleOptimizer)
    x, y = _data()
    history = model.fit(x, y, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    model.compile(optimizer="sgd", loss="mse", auto_scale_loss=False)
    assert isinstance(model.optimizer, lamina.optimizers.SGD)


def test_sequential_without_input_builds_from_data_with_an_uneven_last_batch():
    x, y = _data(n=10)
    model = lamina.Sequential([layers.Dense(4, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    assert model.built and len(history.history["loss"]) == 2
    assert model.predict(x[:3], verbose=0).shape == (3, 1)


def test_validation_steps_and_validation_batch_size():
    x, y = _data(n=20)

    class CountTestBatches(lamina.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.sizes = []

        def on_test_batch_begin(self, batch, logs=None):
            self.sizes.append(batch)

    counter = CountTestBatches()
    model = _compiled()
    model.fit(x, y, validation_data=(x, y), validation_batch_size=5, epochs=1, verbose=0,
              callbacks=[counter])  # fmt: skip
    assert counter.sizes == [0, 1, 2, 3]
    counter.sizes = []
    history = model.fit(
        x, y, validation_data=(x, y), validation_batch_size=5, validation_steps=2, epochs=2,
        verbose=0, callbacks=[counter],
    )  # fmt: skip
    assert counter.sizes == [0, 1, 0, 1]  # each validation run starts from the beginning
    assert history.history["val_loss"][-1] == pytest.approx(
        model.evaluate(x[:10], y[:10], verbose=0), rel=1e-5
    )


@pytest.mark.parametrize("verbose", [1, 2, "auto"])
def test_verbose_prints_progress(verbose, capsys):
    x, y = _data()
    model = _compiled(metrics=["mae"])
    model.fit(x, y, epochs=2, verbose=verbose)
    out = capsys.readouterr().out
    assert "Epoch 2/2" in out and "loss:" in out and "mae:" in out
    model.fit(x, y, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""


def test_fit_keeps_the_order_of_model_weights():
    # The trainer caches the trainable weights during an epoch; that cache must not be
    # adopted by the layer tracker as the model's own variables (it reordered `weights`).
    model = lamina.Sequential(
        [
            lamina.Input((3,)),
            lamina.layers.Dense(4),
            lamina.layers.BatchNormalization(),
            lamina.layers.Dense(1),
        ]
    )
    before = [v.path for v in model.weights]
    seen = []
    probe = lamina.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append([v.path for v in model.weights])
    )
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((8, 3), "float32")
    model.fit(x, np.ones((8, 1), "float32"), epochs=1, verbose=0, callbacks=[probe])
    assert seen == [before]  # one batch of 8
    assert [v.path for v in model.weights] == before
