"""The global random states a training run draws from, as JSON-ready values.

`BackupAndRestore` stores them beside its weights so that a resumed run shuffles its
data and draws its unseeded random numbers exactly as the interrupted run would have.
"""

from __future__ import annotations

import random as python_random

import numpy as np

from lamina.random import seed_generator


def get_numpy_state() -> dict:
    """NumPy's global generator state (what `fit` shuffles array data with)."""
    state = np.random.get_state(legacy=False)
    state["state"] = {"key": state["state"]["key"].tolist(), "pos": int(state["state"]["pos"])}
    return state


def set_numpy_state(state: dict) -> None:
    """Restore a state returned by `get_numpy_state`."""
    restored = dict(state)
    restored["state"] = {
        "key": np.asarray(state["state"]["key"], dtype=np.uint32),
        "pos": state["state"]["pos"],
    }
    np.random.set_state(restored)


def get_model_random_state() -> dict:
    """Python's `random` state and lamina's global `SeedGenerator` (behind `seed=None`)."""
    version, internal, gauss_next = python_random.getstate()
    generator = seed_generator._global
    lamina_state = None
    if generator is not None:
        lamina_state = [int(v) for v in np.asarray(generator.state.numpy())]
    return {"python": [version, list(internal), gauss_next], "lamina": lamina_state}


def set_model_random_state(state: dict) -> None:
    """Restore a state returned by `get_model_random_state`."""
    if state["lamina"] is None:
        # Not drawn from yet: the next use seeds it from Python's `random`, as it would have.
        seed_generator.reset_global_seed_generator()
    else:
        # Before Python's state is set: creating the generator draws from `random`.
        generator = seed_generator.global_seed_generator()
        generator.state.assign(np.asarray(state["lamina"], dtype=np.uint32))
    version, internal, gauss_next = state["python"]
    python_random.setstate((version, tuple(internal), gauss_next))


def get_seed_states(model) -> list:
    """The `[seed, counter]` of each `SeedGenerator` in `model` (dropout masks and other
    random layers), which weights files do not hold."""
    return [[int(v) for v in np.asarray(state.numpy())] for state in _seed_states(model)]


def set_seed_states(model, states: list) -> None:
    """Restore states returned by `get_seed_states` for the same model."""
    targets = _seed_states(model)
    if len(targets) != len(states):
        raise ValueError(
            f"The backup holds the states of {len(states)} random seed generators, but "
            f"model {model.name!r} has {len(targets)}. Was the backup made by another model?"
        )
    for state, value in zip(targets, states):
        state.assign(np.asarray(value, dtype=np.uint32))


def _seed_states(model) -> list:
    weights = {id(v) for v in model.weights}
    return [v for v in model.variables if id(v) not in weights]
