"""In-place moment updates and step scalars shared by the optimizers.

Each function writes into a slot variable's own array (through `lamina.optimizers.inplace`)
and uses caller-provided scratch arrays, so an optimizer step allocates nothing. The
arithmetic follows Keras's formulas operation by operation, in the variable's dtype, so
results round as Keras's do.
"""

from __future__ import annotations

import functools

import numpy as np

from lamina.backend import namespace
from lamina.optimizers import inplace
from lamina.optimizers.optimizer import _cast, _scalar
from lamina_optim.optimizers import blockwise


def gradient_array(gradient, variable):
    """The gradient as a raw array of the variable's array type and dtype."""
    return inplace.as_array(gradient, variable._value)


def learning_rate_scalar(learning_rate, dtype):
    """The learning rate (Variable, Tensor or number) as a scalar of `dtype`."""
    return _cast(_scalar(learning_rate), dtype)


def local_step(optimizer, dtype, offset: int = 1):
    """`iterations + offset` as a scalar of `dtype` (Keras's `local_step`)."""
    return _cast(int(optimizer.iterations) + offset, dtype)


def move_towards(slot, target, rate, buffer) -> None:
    """`slot += (target - slot) * rate`, Keras's form of a moving average.

    `target` may be `buffer` itself (e.g. the squared gradient already written there).
    """
    xp = namespace(buffer)
    xp.subtract(target, slot._value, out=buffer)
    xp.multiply(buffer, _cast(rate, buffer.dtype), out=buffer)
    inplace.update(slot, xp.add, buffer)


def decay_and_add(slot, decay, value, rate, buffer) -> None:
    """`slot = decay * slot + rate * value` (`decay` and `rate` rounded to the dtype)."""
    xp = namespace(buffer)
    inplace.update(slot, xp.multiply, _cast(decay, buffer.dtype))
    xp.multiply(value, _cast(rate, buffer.dtype), out=buffer)
    inplace.update(slot, xp.add, buffer)


def _moments_block(xp, m, v, gradient, one_minus_beta_1, one_minus_beta_2, buffer) -> None:
    # m += (g - m)(1 - beta_1), v += (g² - v)(1 - beta_2), each operation rounded as Keras's.
    xp.subtract(gradient, m, out=buffer)
    xp.multiply(buffer, one_minus_beta_1, out=buffer)
    xp.add(m, buffer, out=m)
    xp.square(gradient, out=buffer)
    xp.subtract(buffer, v, out=buffer)
    xp.multiply(buffer, one_minus_beta_2, out=buffer)
    xp.add(v, buffer, out=v)


def adam_moments(m, v, gradient, beta_1, beta_2, buffer) -> None:
    """Adam's first and second moments: `m += (g - m)(1 - beta_1)`, `v += (g² - v)(1 - beta_2)`.

    `1 - beta` is computed in Python and then rounded, as Keras passes it to `ops.multiply`.
    """
    inplace.own(m)
    inplace.own(v)
    dtype = buffer.dtype
    rates = _cast(1 - beta_1, dtype), _cast(1 - beta_2, dtype)
    _moments_block(namespace(buffer), m._value, v._value, gradient, *rates, buffer)


# Cached by step: computed for a step's first variable, then shared by all the others.
@functools.lru_cache(maxsize=64)
def _adam_coefficients(step: int, lr: float, beta_1, beta_2, epsilon, dtype) -> tuple:
    one, step = _cast(1, dtype), _cast(step, dtype)
    beta_1_power = _cast(beta_1, dtype) ** step
    beta_2_power = _cast(beta_2, dtype) ** step
    alpha = _cast(lr, dtype) * np.sqrt(one - beta_2_power) / (one - beta_1_power)
    return _cast(1 - beta_1, dtype), _cast(1 - beta_2, dtype), alpha, _cast(epsilon, dtype)


def adam_coefficients(optimizer, learning_rate, beta_1, beta_2, epsilon, dtype) -> tuple:
    """`(1 - beta_1, 1 - beta_2, alpha, epsilon)` as scalars of `dtype` for this step.

    `alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)` is Adam's bias-corrected step
    size, in Keras's rounding. Computed once per step and dtype, not once per variable.
    """
    step = int(optimizer.iterations) + 1
    return _adam_coefficients(step, _scalar(learning_rate), beta_1, beta_2, epsilon, dtype)


def adam_update(variable, m, v, gradient, coefficients, scratch, v_hat=None) -> None:
    """One Adam step of `variable` and its moments `m`, `v` (and AMSGrad's `v_hat`).

    `variable -= m * alpha / (sqrt(v) + epsilon)` after the moment updates, epsilon after
    the square root as in Keras, with `coefficients` from `adam_coefficients`. Written in
    place block by block (see `blockwise`), so the whole step runs in cache.
    """
    slots = (variable, m, v) if v_hat is None else (variable, m, v, v_hat)
    for slot in slots:
        inplace.own(slot)
    one_minus_beta_1, one_minus_beta_2, alpha, epsilon = coefficients
    xp = namespace(gradient)

    def step(views, scratch_arrays) -> None:
        g, w, m_block, v_block = views[:4]
        numerator, denominator = scratch_arrays
        _moments_block(xp, m_block, v_block, g, one_minus_beta_1, one_minus_beta_2, numerator)
        if v_hat is not None:
            v_block = xp.maximum(views[4], v_block, out=views[4])
        xp.multiply(m_block, alpha, out=numerator)
        xp.sqrt(v_block, out=denominator)
        xp.add(denominator, epsilon, out=denominator)
        xp.divide(numerator, denominator, out=numerator)
        xp.subtract(w, numerator, out=w)

    blockwise.apply(step, [gradient, *(slot._value for slot in slots)], scratch, 2)
