"""Model.compile and the errors raised before training starts (the model stays unchanged)."""

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.plugins import PluginNotInstalledError


def _model(units=3, activation="softmax"):
    lamina.utils.set_random_seed(0)
    return lamina.Sequential([lamina.Input((4,)), layers.Dense(units, activation=activation)])


def _snapshot(model):
    return [w.copy() for w in model.get_weights()]


def _assert_unchanged(model, before):
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)
    assert int(model.optimizer.iterations.numpy()) == 0


X = np.ones((10, 4), "float32")


@pytest.mark.parametrize("method", ["fit", "evaluate", "train_on_batch", "test_on_batch"])
def test_training_methods_need_compile(method):
    with pytest.raises(ValueError, match=r"You must call `compile\(\)` before"):
        getattr(_model(), method)(X, np.zeros(10))


@pytest.mark.parametrize(
    ("loss", "y", "message"),
    [
        ("sparse_categorical_crossentropy", np.eye(3)[np.arange(10) % 3], "(None, 3)"),
        ("categorical_crossentropy", np.arange(10) % 3, r"y_true has shape \(None,\)"),
        ("mse", np.ones((10, 2)), r"y_pred has shape \(None, 3\)"),
        ("sparse_categorical_crossentropy", np.arange(10) % 5, r"\[0, 3\).*contain [34]"),
    ],
)
def test_label_shapes_incompatible_with_the_loss_fail_before_training(loss, y, message):
    model = _model()
    model.compile(optimizer="sgd", loss=loss)
    before = _snapshot(model)
    with pytest.raises(ValueError, match=message) as info:
        model.fit(X, y, verbose=0)
    assert loss in str(info.value)
    _assert_unchanged(model, before)
    with pytest.raises(ValueError, match=message):
        model.train_on_batch(X, y)
    _assert_unchanged(model, before)


def test_multi_output_error_names_the_output():
    inputs = lamina.Input((4,))
    model = lamina.Model(
        inputs, [layers.Dense(1, name="a")(inputs), layers.Dense(3, name="b")(inputs)]
    )
    model.compile(optimizer="sgd", loss=["mse", "categorical_crossentropy"])
    with pytest.raises(ValueError, match="for output 'b'"):
        model.fit(X, [np.ones((10, 1)), np.ones((10,))], verbose=0)
    with pytest.raises(ValueError, match="different structures"):
        model.fit(X, np.ones((10, 1)), verbose=0)


def test_mismatched_sample_counts_fail_before_training():
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    before = _snapshot(model)
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        model.fit(X, np.ones((9, 3)), verbose=0)
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        model.fit(X, np.ones((10, 3)), validation_data=(X, np.ones((8, 3))), verbose=0)
    _assert_unchanged(model, before)


@pytest.mark.without_plugin("lamina-optim")
def test_unknown_names_fail_at_compile_and_keep_the_previous_compile():
    model = _model()
    model.compile(optimizer="sgd", loss="mae")
    optimizer = model.optimizer
    with pytest.raises(ValueError, match="msee"):
        model.compile(optimizer="sgd", loss="msee")
    with pytest.raises(ValueError, match="acuracy"):
        model.compile(optimizer="sgd", loss="mse", metrics=["acuracy"])
    with pytest.raises(ValueError, match="mea"):
        model.compile(optimizer="sgd", loss="mse", weighted_metrics={"dense": "mea"})
    with pytest.raises(PluginNotInstalledError, match="lamina-optim"):
        model.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="steps_per_execution"):
        model.compile(optimizer="sgd", loss="mse", steps_per_execution=0)
    assert model.loss == "mae" and model.optimizer is optimizer


def test_compile_accepts_strings_objects_and_callables():
    model = _model(1, None)

    def my_loss(y_true, y_pred):
        return lamina.ops.mean(lamina.ops.abs(y_true - y_pred), axis=-1)

    def my_metric(y_true, y_pred):
        return lamina.ops.max(lamina.ops.abs(y_true - y_pred), axis=-1)

    model.compile(
        optimizer=lamina.optimizers.SGD(0.01),
        loss=my_loss,
        metrics=[my_metric, lamina.metrics.MeanSquaredError(name="sq"), "mae"],
    )
    logs = model.evaluate(X, np.zeros((10, 1)), verbose=0, return_dict=True)
    assert sorted(logs) == ["loss", "mae", "my_metric", "sq"]
    assert model.loss is my_loss
    assert logs["loss"] == pytest.approx(logs["mae"], rel=1e-6)


def test_recompile_replaces_metrics_and_resets_step_functions():
    model = _model(1, None)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model.evaluate(X, np.zeros((10, 1)), verbose=0)
    assert model.test_function is not None
    model.compile(optimizer="sgd", loss="mse")
    assert model.test_function is None
    assert isinstance(model.evaluate(X, np.zeros((10, 1)), verbose=0), float)


def test_jit_compile_and_run_eagerly_are_accepted():
    model = _model(1, None)
    with pytest.warns(UserWarning, match="jit_compile=False"):
        model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    assert model.jit_compile is False
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    assert model.run_eagerly is True


def test_compile_config_round_trip():
    model = _model(1, None)
    model.compile(
        optimizer=lamina.optimizers.SGD(0.25, momentum=0.5),
        loss="mse",
        loss_weights=None,
        metrics=["mae"],
    )
    config = model.get_compile_config()
    assert config["loss"] == "mse"
    assert config["metrics"] == ["mae"]
    assert config["optimizer"]["class_name"] == "SGD"
    assert config["jit_compile"] is False
    clone = _model(1, None)
    clone.compile_from_config(config)
    assert clone.compiled and clone.optimizer.built
    assert clone.optimizer.momentum == 0.5
    assert clone.get_compile_config() == config
    assert _model().get_compile_config() == {}


def test_compile_from_config_warns_for_a_custom_compile():
    class Custom(lamina.Model):
        def compile(self, lr):
            super().compile(optimizer=lamina.optimizers.SGD(lr), loss="mse")

        def call(self, x):
            return x

    with pytest.warns(UserWarning, match="method is custom"):
        Custom().compile_from_config({"loss": "mse"})


@pytest.mark.without_plugin("lamina-optim")
def test_default_optimizer_error_is_raised_when_training():
    model = _model(1, None)
    model.compile(loss="mse")
    assert model.optimizer is None
    assert isinstance(model.evaluate(X, np.zeros((10, 1)), verbose=0), float)
    with pytest.raises(PluginNotInstalledError, match="'rmsprop'"):
        model.train_on_batch(X, np.zeros((10, 1)))


def test_missing_targets_for_a_loss():
    model = _model(1, None)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="has no targets"):
        model.fit(X, verbose=0)


def test_changing_trainable_after_compile_warns():
    model = _model(1, None)
    model.compile(optimizer="sgd", loss="mse")
    model.layers[0].trainable = False
    with pytest.warns(UserWarning, match="trainable` state has changed"):
        model.evaluate(X, np.zeros((10, 1)), verbose=0)


def test_metric_incompatible_with_the_targets_fails_before_training():
    model = _model()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["mae"])
    before = _snapshot(model)
    with pytest.raises(ValueError, match=r"y_true: \(None,\), y_pred: \(None, 3\).*metric 'mae'"):
        model.fit(X, np.zeros(10), verbose=0)
    _assert_unchanged(model, before)


def test_the_first_batch_check_leaves_stateful_layers_as_they_were():
    class CountCalls(layers.Layer):
        def build(self, input_shape):
            self.count = self.add_weight(shape=(), initializer="zeros", trainable=False)

        def call(self, inputs):
            self.count.assign_add(1.0)
            return inputs

    counter = CountCalls()
    model = lamina.Sequential([lamina.Input((4,)), counter, layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, np.zeros((10, 1)), batch_size=10, verbose=0)
    assert float(counter.count.numpy()) == 1.0  # the training step only
