"""A saved-then-loaded optimizer continues exactly as the one that never stopped."""

import numpy as np
import pytest
from optim_helpers import OPTIMIZER_ARGS, gradient_steps, make_model

import lamina

STEPS = 10


def compiled(name):
    model = make_model()
    optimizer = getattr(lamina.optimizers, name)(**OPTIMIZER_ARGS[name], use_ema=True)
    model.compile(optimizer=optimizer, loss="mse")
    return model


def train(model, steps):
    for grads in steps:
        model.optimizer.apply(grads, model.trainable_variables)


def assert_identical(model, other):
    for a, b in zip(model.weights, other.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    ours, theirs = model.optimizer.variables, other.optimizer.variables
    # A loaded Sequential's variables lose the model-name prefix, in Keras too.
    assert [v.path.replace("net_", "") for v in ours] == [
        v.path.replace("net_", "") for v in theirs
    ]
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)


def resume(name, restore):
    model = compiled(name)
    steps = gradient_steps(model, 2 * STEPS)
    train(model, steps[:STEPS])
    restored = restore(model)
    assert int(restored.optimizer.iterations) == STEPS
    train(model, steps[STEPS:])
    train(restored, steps[STEPS:])
    assert_identical(model, restored)


@pytest.mark.parametrize("name", sorted(OPTIMIZER_ARGS))
def test_resume_from_a_keras_file(name, tmp_path):
    def restore(model):
        path = str(tmp_path / "model.keras")
        model.save(path)
        return lamina.saving.load_model(path)

    resume(name, restore)


@pytest.mark.parametrize("name", ["Adam", "Nadam", "Adafactor", "Muon"])
def test_resume_from_a_weights_file(name, tmp_path):
    def restore(model):
        path = str(tmp_path / "model.weights.h5")
        model.save_weights(path)
        other = make_model(seed=5)
        other.compile(optimizer=type(model.optimizer).from_config(model.optimizer.get_config()))
        other.optimizer.build(other.trainable_variables)
        other.load_weights(path)
        return other

    resume(name, restore)


@pytest.mark.parametrize("name", ["Ftrl", "Nadam", "Adafactor", "ScheduleFreeAdamW"])
def test_resume_from_config_and_variables(name):
    def restore(model):
        other = make_model()
        other.set_weights(model.get_weights())
        config = lamina.optimizers.serialize(model.optimizer)
        other.compile(optimizer=lamina.optimizers.deserialize(config), loss="mse")
        other.optimizer.build(other.trainable_variables)
        other.optimizer.set_weights([v.numpy() for v in model.optimizer.variables])
        return other

    resume(name, restore)
