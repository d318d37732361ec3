"""Arguments, defaults, configs and errors of lamina-optim's optimizers."""

import numpy as np
import pytest
from optim_helpers import OPTIMIZER_ARGS

import lamina

# (class, the defaults Keras 3.15 gives its own arguments)
DEFAULTS = {
    "Adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "AdamW": {"learning_rate": 0.001, "weight_decay": 0.004, "amsgrad": False},
    "Adafactor": {"beta_2_decay": -0.8, "epsilon_1": 1e-30, "epsilon_2": 1e-3},
    "Ftrl": {"learning_rate_power": -0.5, "initial_accumulator_value": 0.1, "beta": 0.0},
    "Lion": {"beta_1": 0.9, "beta_2": 0.99},
    "RMSprop": {"rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False},
    "Muon": {"weight_decay": 0.004, "adam_weight_decay": 0.004, "ns_steps": 5, "rms_rate": 0.2},
    "ScheduleFreeAdamW": {"learning_rate": 0.0025, "epsilon": 1e-8, "warmup_steps": 0},
}


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_defaults_as_in_keras(name):
    config = getattr(lamina.optimizers, name)().get_config()
    for key, value in DEFAULTS[name].items():
        assert config[key] == pytest.approx(value), key


@pytest.mark.parametrize("name", sorted(OPTIMIZER_ARGS))
def test_config_round_trip(name):
    cls = getattr(lamina.optimizers, name)
    schedule = lamina.optimizers.schedules.ExponentialDecay(0.01, 10, 0.9)
    optimizer = cls(learning_rate=schedule, clipvalue=0.5, use_ema=True, name="opt")
    config = optimizer.get_config()
    restored = cls.from_config(config)
    assert restored.get_config() == config
    assert restored.name == "opt"


def test_default_names_are_keras_snake_case():
    assert lamina.optimizers.RMSprop().name.startswith("rm_sprop")
    assert lamina.optimizers.ScheduleFreeAdamW().name.startswith("schedule_free_adam_w")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: lamina.optimizers.AdamW(weight_decay=None), "AdamW: argument `weight_decay`"),
        (lambda: lamina.optimizers.Lion(beta_1=0.0), "Lion: argument `beta_1`"),
        (lambda: lamina.optimizers.Lion(beta_1=1.5), "Received: beta_1=1.5"),
        (lambda: lamina.optimizers.Ftrl(learning_rate_power=0.5), "learning_rate_power=0.5"),
        (lambda: lamina.optimizers.Ftrl(initial_accumulator_value=-1.0), "positive or zero"),
        (
            lambda: lamina.optimizers.Ftrl(l2_shrinkage_regularization_strength=-0.1),
            "l2_shrinkage_regularization_strength=-0.1",
        ),
        (lambda: lamina.optimizers.Adam(learning_rate=1), "should be float"),
        (lambda: lamina.optimizers.Adam(betta_1=0.9), "not recognized"),
        (lambda: lamina.optimizers.Nadam(clipnorm=1.0, clipvalue=1.0), "only one of"),
    ],
)
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_muon_orthogonalization_rejects_vectors():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        lamina.optimizers.Muon().zeropower_via_newtonschulz5(np.ones(3, "float32"), 5)


def test_muon_routes_non_matrices_and_embeddings_to_adamw():
    embedding = lamina.layers.Embedding(10, 4, name="embedding")
    embedding.build((None,))
    dense = lamina.layers.Dense(3, name="head")
    dense.build((None, 4))
    variables = [embedding.embeddings, dense.kernel, dense.bias]
    optimizer = lamina.optimizers.Muon(exclude_layers=["head"])
    optimizer.build(variables)
    assert [v is not None for v in optimizer.adam_velocities] == [True, True, True]
    kept = lamina.optimizers.Muon(exclude_embeddings=False)
    kept.build(variables)
    assert [v is not None for v in kept.adam_velocities] == [False, False, True]


def test_a_gradient_of_the_wrong_shape_is_refused():
    variable = lamina.Variable(np.ones((2, 2), "float32"), name="w")
    with pytest.raises(ValueError, match="has shape"):
        lamina.optimizers.Adam().apply([np.ones(3, "float32")], [variable])
