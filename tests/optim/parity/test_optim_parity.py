"""lamina-optim's optimizers against Keras 3 (JAX): 100 steps, same weights and gradients.

Each case runs the same 100 random gradients through a lamina optimizer and a Keras
one, built on models with the same layer names and initial weights, then compares the
model variables, the optimizer variables (paths, order, values) and the step count
(float32, rtol 1e-5). Every optimizer runs once plainly and once with weight decay,
clipping, EMA and a learning-rate schedule; some options get cases of their own.
Keras runs as its JAX trainer does: `stateless_apply` under `jax.jit`.
"""

import re

import jax
import keras
import numpy as np
import pytest

import lamina
from lamina_optim.optimizers import blockwise

STEPS = 100
RTOL, ATOL = 1e-5, 1e-6


def _model(module):
    # A wide (4, 6) and a tall (6, 3) kernel, so Muon and Adafactor meet both layouts.
    return module.Sequential(
        [
            module.Input((4,)),
            module.layers.Dense(6, name="d1"),
            module.layers.Dense(3, name="d2"),
        ],
        name="net",
    )


def _models(seed=0):
    keras_model, lamina_model = _model(keras), _model(lamina)
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal(w.shape).astype("float32") for w in keras_model.weights]
    keras_model.set_weights(weights)
    lamina_model.set_weights(weights)
    return keras_model, lamina_model


def _gradients(shapes, steps=STEPS, seed=1):
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(s).astype("float32") for s in shapes] for _ in range(steps)]


class KerasStepper:
    """Apply gradients with a Keras optimizer through one jitted `stateless_apply`."""

    def __init__(self, optimizer, variables):
        self.optimizer, self.variables = optimizer, variables
        optimizer.build(variables)
        self._step = jax.jit(optimizer.stateless_apply)
        self._values = [v.value for v in variables]
        self._state = [v.value for v in optimizer.variables]

    def apply(self, grads):
        self._values, self._state = self._step(self._state, grads, self._values)

    def sync(self):
        """Write the traced values back into the Keras variables."""
        for v, value in zip(self.variables, self._values):
            v.assign(value)
        for v, value in zip(self.optimizer.variables, self._state):
            v.assign(value)


def _path(keras_variable):
    # Keras numbers unnamed variables per session (Nadam's momentum product: "variable",
    # "variable_1", ...); lamina always calls it "variable". Saved state is matched by
    # position, so only the order matters there.
    return re.sub(r"^variable_\d+$", "variable", keras_variable.path)


def assert_same_state(keras_opt, lamina_opt, keras_vars, lamina_vars):
    for kv, lv in zip(keras_vars, lamina_vars, strict=True):
        np.testing.assert_allclose(
            lv.numpy(), np.asarray(kv), rtol=RTOL, atol=ATOL, err_msg=lv.path
        )
    assert [v.path for v in lamina_opt.variables] == [_path(v) for v in keras_opt.variables]
    for kv, lv in zip(keras_opt.variables, lamina_opt.variables, strict=True):
        np.testing.assert_allclose(
            lv.numpy(), np.asarray(kv), rtol=RTOL, atol=ATOL, err_msg=lv.path
        )
    assert int(lamina_opt.iterations) == int(keras_opt.iterations)


def run_both(keras_opt, lamina_opt, steps=STEPS):
    keras_model, lamina_model = _models()
    keras_vars, lamina_vars = keras_model.trainable_variables, lamina_model.trainable_variables
    stepper = KerasStepper(keras_opt, keras_vars)
    for grads in _gradients([v.shape for v in lamina_vars], steps):
        stepper.apply(grads)
        lamina_opt.apply(grads, lamina_vars)
    stepper.sync()
    assert_same_state(keras_opt, lamina_opt, keras_vars, lamina_vars)
    keras_opt.finalize_variable_values(keras_vars)
    lamina_opt.finalize_variable_values(lamina_vars)
    assert_same_state(keras_opt, lamina_opt, keras_vars, lamina_vars)


def _schedule(module):
    return module.optimizers.schedules.ExponentialDecay(0.02, 10, 0.9)


# Each optimizer: its own arguments for the plain case (a learning rate that moves the
# weights visibly in 100 steps, and non-default options), and the clipping kind its
# "everything" case uses, which otherwise keeps the defaults (the kinds rotate).
OPTIMIZERS = {
    "Adam": ({"amsgrad": True}, "clipnorm"),
    "AdamW": ({"amsgrad": True, "weight_decay": 0.1, "beta_1": 0.8}, "global_clipnorm"),
    "Adamax": ({"beta_2": 0.99}, "clipvalue"),
    "Adagrad": (
        {"learning_rate": 0.05, "initial_accumulator_value": 0.5, "epsilon": 1e-3},
        "clipnorm",
    ),
    "Adadelta": ({"learning_rate": 1.0, "rho": 0.9}, "global_clipnorm"),
    # lr 0.5 > 1 / sqrt(step) from step 5: the relative step caps it.
    "Adafactor": ({"learning_rate": 0.5, "clip_threshold": 0.5}, "clipvalue"),
    "Ftrl": (
        {
            "learning_rate": 0.1,
            "learning_rate_power": -0.3,
            "l1_regularization_strength": 0.01,
            "l2_regularization_strength": 0.02,
            "l2_shrinkage_regularization_strength": 0.03,
            "beta": 0.5,
        },
        "clipnorm",
    ),
    "Lamb": ({"beta_1": 0.8}, "global_clipnorm"),
    "Lion": ({"learning_rate": 0.003, "beta_1": 0.5, "beta_2": 0.9}, "clipvalue"),
    "Nadam": ({"beta_2": 0.99}, "clipnorm"),
    "RMSprop": ({"momentum": 0.9, "centered": True, "rho": 0.8}, "global_clipnorm"),
    # The (6, 3) kernel takes AdamW steps here, the (4, 6) one Muon's without Nesterov.
    "Muon": ({"nesterov": False, "exclude_layers": ["d2"], "ns_steps": 3}, "clipvalue"),
    "ScheduleFreeAdamW": ({"warmup_steps": 20, "beta_1": 0.8}, "clipnorm"),
}
CLIPS = {"clipnorm": 1.0, "global_clipnorm": 1.5, "clipvalue": 0.5}
# Base options some "everything" cases add: one update per 3 applies, a loss scale.
EXTRAS = {
    "Adam": {"gradient_accumulation_steps": 3},
    "Nadam": {"gradient_accumulation_steps": 2},
    "Lamb": {"gradient_accumulation_steps": 2},
    "RMSprop": {"loss_scale_factor": 4.0},
}


def _make(module, name, **kwargs):
    return getattr(module.optimizers, name)(name="opt", **kwargs)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_plain_matches_keras(name):
    kwargs = {"learning_rate": 0.01, **OPTIMIZERS[name][0]}
    run_both(_make(keras, name, **kwargs), _make(lamina, name, **kwargs))


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_weight_decay_clipping_ema_and_schedule_match_keras(name):
    clip = OPTIMIZERS[name][1]

    def make(module):
        return _make(
            module,
            name,
            learning_rate=_schedule(module),
            weight_decay=0.02,
            use_ema=True,
            ema_momentum=0.9,
            ema_overwrite_frequency=7,
            **{clip: CLIPS[clip]},
            **EXTRAS.get(name, {}),
        )

    run_both(make(keras), make(lamina))


def test_multi_optimizer_matches_keras():
    def make(module):
        opts = module.optimizers
        optimizer_map = opts.OptimizerMap(
            opts.SGD(learning_rate=0.05, momentum=0.9, name="sgd_default"),
            {"net/d1/.*": opts.Adam(learning_rate=0.01, use_ema=True, name="adam_d1")},
        )
        return opts.MultiOptimizer(optimizer_map, name="opt")

    run_both(make(keras), make(lamina))


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_on_a_variable_of_several_blocks_matches_keras(amsgrad):
    # lamina updates a variable this large block by block, in cache-sized slices.
    initial = np.random.default_rng(2).standard_normal((600, 500)).astype("float32")
    assert initial.size > blockwise.BLOCK
    keras_var = keras.Variable(initial, name="big")
    lamina_var = lamina.Variable(initial, name="big")
    keras_opt = _make(keras, "Adam", learning_rate=0.01, amsgrad=amsgrad)
    lamina_opt = _make(lamina, "Adam", learning_rate=0.01, amsgrad=amsgrad)
    stepper = KerasStepper(keras_opt, [keras_var])
    for grads in _gradients([initial.shape], steps=10, seed=3):
        stepper.apply(grads)
        lamina_opt.apply(grads, [lamina_var])
    stepper.sync()
    assert_same_state(keras_opt, lamina_opt, [keras_var], [lamina_var])


@pytest.mark.parametrize("name", ["Nadam", "Adafactor", "MultiOptimizer"])
def test_saved_state_loads_both_ways(name, tmp_path):
    """Keras trains and saves, lamina loads; both go on; lamina saves, a new Keras loads."""

    def compile_(model, module):
        opts = module.optimizers
        if name == "MultiOptimizer":
            optimizer = opts.MultiOptimizer(
                opts.OptimizerMap(
                    opts.Adam(learning_rate=0.01, name="inner_adam"),
                    {"net/d2/.*": opts.Lion(name="inner_lion")},
                ),
                name="opt",
            )
        else:
            optimizer = getattr(opts, name)(learning_rate=0.01, name="opt")
        model.compile(optimizer=optimizer, loss="mse")
        model.optimizer.build(model.trainable_variables)
        return model

    keras_model, lamina_model = (compile_(m, mod) for m, mod in zip(_models(), (keras, lamina)))
    grads_per_step = _gradients([w.shape for w in lamina_model.trainable_variables])
    chunks = [grads_per_step[:40], grads_per_step[40:70], grads_per_step[70:]]

    def keras_steps(model, steps):
        stepper = KerasStepper(model.optimizer, model.trainable_variables)
        for grads in steps:
            stepper.apply(grads)
        stepper.sync()

    keras_steps(keras_model, chunks[0])
    keras_model.save_weights(str(tmp_path / "keras.weights.h5"))
    lamina_model.load_weights(str(tmp_path / "keras.weights.h5"))  # fresh state before
    for chunk_index, steps in enumerate(chunks[1:]):
        keras_steps(keras_model, steps)
        for grads in steps:
            lamina_model.optimizer.apply(grads, lamina_model.trainable_variables)
        assert_same_state(
            keras_model.optimizer,
            lamina_model.optimizer,
            keras_model.trainable_variables,
            lamina_model.trainable_variables,
        )
        if chunk_index == 0:
            lamina_model.save_weights(str(tmp_path / "lamina.weights.h5"))
            keras_model = compile_(_model(keras), keras)
            keras_model.load_weights(str(tmp_path / "lamina.weights.h5"))


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_configs_match_keras_and_load_both_ways(name):
    keras_opt = _make(keras, name, learning_rate=_schedule(keras), clipnorm=0.5)
    lamina_opt = _make(lamina, name, learning_rate=_schedule(lamina), clipnorm=0.5)
    keras_serialized = keras.optimizers.serialize(keras_opt)
    assert lamina.optimizers.serialize(lamina_opt) == keras_serialized
    from_keras = lamina.optimizers.deserialize(keras_serialized)
    assert type(from_keras) is type(lamina_opt)
    assert from_keras.get_config() == lamina_opt.get_config()
    lamina_serialized = lamina.optimizers.serialize(lamina_opt)
    if name == "Lamb":
        # keras.optimizers.deserialize does not know Lamb (missing from its ALL_OBJECTS).
        from_lamina = keras.optimizers.Lamb.from_config(lamina_serialized["config"])
    else:
        from_lamina = keras.optimizers.deserialize(lamina_serialized)
    assert from_lamina.get_config() == keras_opt.get_config()


def test_multi_optimizer_config_matches_keras():
    def make(module):
        opts = module.optimizers
        return opts.MultiOptimizer(
            opts.OptimizerMap(opts.SGD(name="sgd"), {"enc/.*": opts.Adam(name="adam")}),
            loss_scale_factor=2.0,
            name="multi",
        )

    keras_serialized = keras.optimizers.serialize(make(keras))
    assert lamina.optimizers.serialize(make(lamina)) == keras_serialized
    restored = lamina.optimizers.deserialize(keras_serialized)
    assert [type(o).__name__ for o in restored.optimizers] == ["Adam", "SGD"]
    assert restored.get_config() == make(lamina).get_config()


@pytest.mark.parametrize(
    "identifier", ["adam", "Adam", "ADAM", "adamw", "rmsprop", "nadam", "lion", "muon", "ftrl"]
)
def test_string_identifiers_match_keras(identifier):
    keras_config = keras.optimizers.get(identifier).get_config()
    lamina_config = lamina.optimizers.get(identifier).get_config()
    keras_config.pop("name"), lamina_config.pop("name")
    assert lamina_config == keras_config
