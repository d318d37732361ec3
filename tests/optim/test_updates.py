"""Update rules checked by hand on one step, and in-place writes on every step."""

import numpy as np
import pytest
from optim_helpers import OPTIMIZER_ARGS, gradient_steps

import lamina
from lamina_optim.optimizers import blockwise

W = np.array([[1.0, -2.0], [0.5, 3.0]], "float32")
G = np.array([[0.5, -1.0], [2.0, 0.25]], "float32")


def one_step(name, **kwargs):
    variable = lamina.Variable(W.copy(), name="w")
    optimizer = getattr(lamina.optimizers, name)(**kwargs)
    optimizer.apply([G], [variable])
    return variable.numpy(), optimizer


def test_adam_first_step_is_lr_times_sign_with_epsilon_after_the_root():
    got, _ = one_step("Adam", learning_rate=0.1, epsilon=0.01)
    # m = 0.1 g, v = 0.001 g², alpha = 0.1 * sqrt(0.001) / 0.1.
    alpha = 0.1 * np.sqrt(1 - 0.999) / (1 - 0.9)
    expected = W - alpha * 0.1 * G / (np.sqrt(0.001 * G**2) + 0.01)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def _adam_steps(gradients, amsgrad=False):
    variable = lamina.Variable(np.full(gradients[0].shape, 0.5, "float32"), name="w")
    optimizer = lamina.optimizers.Adam(learning_rate=0.01, amsgrad=amsgrad)
    for gradient in gradients:
        optimizer.apply([gradient], [variable])
    return [v.numpy() for v in [variable, *optimizer.variables]]


@pytest.mark.parametrize("amsgrad", [False, True])
@pytest.mark.parametrize("threads", ["1", "2", "3"])
def test_adam_updates_large_variables_block_by_block_with_the_same_result(
    monkeypatch, amsgrad, threads
):
    # 2.5 blocks: two whole ones and a partial one, shared out between `threads` workers;
    # a Fortran-ordered gradient takes the whole-array path. Both give the same bits as
    # whole-array updates.
    monkeypatch.setenv("LAMINA_NUM_THREADS", threads)
    monkeypatch.setattr(blockwise, "BLOCK", 4096)
    rng = np.random.default_rng(0)
    gradients = [rng.standard_normal((80, 128)).astype("float32") for _ in range(3)]
    blocked = _adam_steps(gradients, amsgrad)
    strided = _adam_steps([np.asfortranarray(g) for g in gradients], amsgrad)
    monkeypatch.setattr(blockwise, "BLOCK", 1 << 40)
    whole = _adam_steps(gradients, amsgrad)
    for a, b, c in zip(blocked, strided, whole):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, c)


def test_adagrad_first_step():
    got, _ = one_step("Adagrad", learning_rate=0.1, initial_accumulator_value=0.5)
    np.testing.assert_allclose(got, W - 0.1 * G / np.sqrt(0.5 + G**2 + 1e-7), rtol=1e-5)


def test_rmsprop_first_step_and_momentum_slot():
    got, optimizer = one_step("RMSprop", learning_rate=0.1, momentum=0.5)
    increment = 0.1 * G / np.sqrt(0.1 * G**2 + 1e-7)
    np.testing.assert_allclose(got, W - increment, rtol=1e-5)
    np.testing.assert_allclose(optimizer.variables[-1].numpy(), increment, rtol=1e-5)


def test_lion_steps_by_the_sign_of_the_gradient():
    got, optimizer = one_step("Lion", learning_rate=0.1)
    np.testing.assert_allclose(got, W - 0.1 * np.sign(G), rtol=1e-5)
    np.testing.assert_allclose(optimizer.variables[-1].numpy(), 0.01 * G, rtol=1e-5)


def test_adadelta_first_step():
    got, _ = one_step("Adadelta", learning_rate=1.0, rho=0.9, epsilon=1e-6)
    delta = -np.sqrt(1e-6) * G / np.sqrt(0.1 * G**2 + 1e-6)
    np.testing.assert_allclose(got, W + delta, rtol=1e-5)


def test_adamw_decays_before_the_adam_step():
    plain, _ = one_step("Adam", learning_rate=0.1)
    decayed, _ = one_step("AdamW", learning_rate=0.1, weight_decay=0.5)
    np.testing.assert_allclose(decayed, plain - 0.1 * 0.5 * W, rtol=1e-5)


def test_muon_step_of_a_square_matrix_is_nearly_orthogonal():
    got, _ = one_step("Muon", learning_rate=1.0, weight_decay=None, rms_rate=None)
    step = W - got  # momentum = g on the first step; Nesterov uses g + 0.95 g
    singular_values = np.linalg.svd(step, compute_uv=False)
    assert np.all((singular_values > 0.6) & (singular_values < 1.3)), singular_values


def test_adafactor_factors_matrices_only():
    _, optimizer = one_step("Adafactor")
    assert [tuple(v.shape) for v in optimizer.variables[2:]] == [(2,), (2,), (2, 2)]
    bias = lamina.Variable(np.ones(3, "float32"), name="b")
    vector_optimizer = lamina.optimizers.Adafactor()
    vector_optimizer.apply([np.ones(3, "float32")], [bias])
    placeholders = vector_optimizer.variables[2:4]
    assert [(v.path, str(v.dtype), v.shape) for v in placeholders] == [("b", "int32", ())] * 2


@pytest.mark.parametrize("name", sorted(OPTIMIZER_ARGS))
def test_steps_write_into_the_variables_arrays(name, model):
    variables = model.trainable_variables
    optimizer = getattr(lamina.optimizers, name)(**OPTIMIZER_ARGS[name])
    steps = gradient_steps(model, 3)
    optimizer.apply(steps[0], variables)
    arrays = [id(v._value) for v in [*variables, *optimizer.variables]]
    before = [v.numpy().copy() for v in variables]
    for grads in steps[1:]:
        optimizer.apply(grads, variables)
    assert [id(v._value) for v in [*variables, *optimizer.variables]] == arrays
    for old, variable in zip(before, variables):
        assert not np.allclose(old, variable.numpy()), variable.path


@pytest.mark.parametrize("name", ["Adam", "Ftrl", "ScheduleFreeAdamW", "Adafactor"])
def test_a_held_array_keeps_its_value(name, model):
    kernel = model.trainable_variables[0]
    optimizer = getattr(lamina.optimizers, name)(**OPTIMIZER_ARGS[name])
    held = kernel.numpy()
    snapshot = held.copy()
    optimizer.apply(gradient_steps(model, 1)[0], model.trainable_variables)
    np.testing.assert_array_equal(held, snapshot)
    assert not np.allclose(kernel.numpy(), snapshot)


@pytest.mark.parametrize("name", sorted(OPTIMIZER_ARGS))
def test_gradient_accumulation_updates_every_nth_step(name, model):
    variables = model.trainable_variables
    optimizer = getattr(lamina.optimizers, name)(
        **OPTIMIZER_ARGS[name], gradient_accumulation_steps=2
    )
    steps = gradient_steps(model, 2)
    before = [v.numpy().copy() for v in variables]
    optimizer.apply(steps[0], variables)
    for old, variable in zip(before, variables):
        np.testing.assert_array_equal(old, variable.numpy())
    optimizer.apply(steps[1], variables)
    assert int(optimizer.iterations) == 1
    assert not np.allclose(before[0], variables[0].numpy())


def test_loss_scale_optimizer_wraps_a_plugin_optimizer(model):
    variables = model.trainable_variables
    reference = lamina.optimizers.Adam(learning_rate=0.01)
    scaled = lamina.optimizers.LossScaleOptimizer(
        lamina.optimizers.Adam(learning_rate=0.01), initial_scale=64.0
    )
    other = [lamina.Variable(v.numpy(), name=v.name) for v in variables]
    for grads in gradient_steps(model, 3):
        reference.apply(grads, variables)
        scaled.apply([g * 64.0 for g in grads], other)
    for a, b in zip(variables, other):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-6)
