"""In-place moment updates and step scalars shared by the optimizers.

Each function writes into a slot variable's own array (through `lamina.optimizers.inplace`)
and uses caller-provided scratch arrays, so an optimizer step allocates nothing. The
arithmetic follows Keras's formulas operation by operation, in the variable's dtype, so
results round as Keras's do.
"""

from __future__ import annotations

import numpy as np

from lamina.backend import namespace
from lamina.optimizers import inplace
from lamina.optimizers.optimizer import _cast, _scalar


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


def adam_moments(m, v, gradient, beta_1, beta_2, buffer) -> None:
    """Adam's first and second moments: `m += (g - m)(1 - beta_1)`, `v += (g² - v)(1 - beta_2)`.

    `1 - beta` is computed in Python and then rounded, as Keras passes it to `ops.multiply`.
    """
    move_towards(m, gradient, 1 - beta_1, buffer)
    namespace(buffer).square(gradient, out=buffer)
    move_towards(v, buffer, 1 - beta_2, buffer)


def adam_alpha(optimizer, learning_rate, beta_1, beta_2, dtype):
    """`lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)`: Adam's bias-corrected step size."""
    step = local_step(optimizer, dtype)
    one = _cast(1, dtype)
    beta_1_power = _cast(beta_1, dtype) ** step
    beta_2_power = _cast(beta_2, dtype) ** step
    lr = learning_rate_scalar(learning_rate, dtype)
    return lr * np.sqrt(one - beta_2_power) / (one - beta_1_power)


def adam_descent(variable, m, v, alpha, epsilon, buffers) -> None:
    """`variable -= m * alpha / (sqrt(v) + epsilon)` (epsilon after the square root)."""
    numerator, denominator = buffers
    xp = namespace(numerator)
    xp.multiply(m._value, alpha, out=numerator)
    xp.sqrt(v._value, out=denominator)
    xp.add(denominator, _cast(epsilon, denominator.dtype), out=denominator)
    xp.divide(numerator, denominator, out=numerator)
    inplace.update(variable, xp.subtract, numerator)
