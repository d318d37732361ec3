"""Helpers shared by lamina-optim's unit tests: optimizer arguments, a model, gradients."""

import numpy as np

import lamina

# Every optimizer the plugin provides, with arguments that make its steps visible.
OPTIMIZER_ARGS = {
    "Adam": {"learning_rate": 0.01, "amsgrad": True},
    "AdamW": {"learning_rate": 0.01},
    "Adamax": {"learning_rate": 0.01},
    "Adagrad": {"learning_rate": 0.05},
    "Adadelta": {"learning_rate": 1.0},
    "Adafactor": {"learning_rate": 0.05},
    "Ftrl": {"learning_rate": 0.05, "l1_regularization_strength": 0.01},
    "Lamb": {"learning_rate": 0.01},
    "Lion": {"learning_rate": 0.003},
    "Nadam": {"learning_rate": 0.01},
    "RMSprop": {"learning_rate": 0.01, "momentum": 0.5, "centered": True},
    "Muon": {"learning_rate": 0.01},
    "ScheduleFreeAdamW": {"learning_rate": 0.01},
}


def make_model(seed=0):
    """A small compiled-free model with a wide and a tall kernel and two biases."""
    model = lamina.Sequential(
        [lamina.Input((4,)), lamina.layers.Dense(6, name="d1"), lamina.layers.Dense(3, name="d2")],
        name="net",
    )
    rng = np.random.default_rng(seed)
    model.set_weights([rng.standard_normal(w.shape).astype("float32") for w in model.weights])
    return model


def gradient_steps(model, steps, seed=1):
    rng = np.random.default_rng(seed)
    shapes = [v.shape for v in model.trainable_variables]
    return [[rng.standard_normal(s).astype("float32") for s in shapes] for _ in range(steps)]
