"""Control flow: cond, switch, while_loop and fori_loop.

lamina is eager, so these run their Python bodies directly: the lamina ops the
bodies call are recorded by an active GradientTape like any other code, and
gradients flow through every branch and iteration that actually ran. The scans
(scan, map, associative_scan, vectorized_map, vectorize) live in `scans`,
custom_gradient in `custom_gradients`.
"""

from __future__ import annotations

from lamina.ops._nest import _tensors

__all__ = ["cond", "fori_loop", "switch", "while_loop"]


# ---------------------------------------------------------------------------
# branching


def cond(pred, true_fn, false_fn):
    """Call `true_fn()` if `pred` is true, else `false_fn()` (only one branch runs).

    Args:
        pred: a boolean scalar (Python bool or 0-d tensor).
        true_fn, false_fn: callables without arguments.

    Example:
        >>> ops.cond(ops.convert_to_tensor(True), lambda: 1.0, lambda: 2.0)
        1.0
    """
    return true_fn() if bool(pred) else false_fn()


def switch(index, branches, *operands):
    """Call `branches[index](*operands)`, with `index` clamped to the valid range.

    Example:
        >>> float(ops.switch(1, [lambda x: x + 1, lambda x: x - 1], 2.0))
        1.0
    """
    if not branches:
        raise ValueError("switch: `branches` must contain at least one callable.")
    i = min(max(int(index), 0), len(branches) - 1)
    return branches[i](*operands)


# ---------------------------------------------------------------------------
# loops


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Run `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` holds.

    Args:
        cond: predicate on the loop variables (unpacked when `loop_vars` is a
            tuple or list).
        body: returns the new loop variables, in the same structure.
        loop_vars: a tensor or a tuple/list (of nested structures) of tensors.
        maximum_iterations: optional bound on the number of iterations.

    Returns:
        The final loop variables (a tuple when `loop_vars` is a tuple or list).

    Example:
        >>> int(ops.while_loop(lambda i: i < 10, lambda i: i + 1, 0))
        10
    """
    is_tuple = isinstance(loop_vars, (tuple, list))
    state = tuple(_tensors(v) for v in loop_vars) if is_tuple else (_tensors(loop_vars),)
    iteration = 0
    while (maximum_iterations is None or iteration < maximum_iterations) and bool(cond(*state)):
        out = body(*state)
        if is_tuple:
            if not isinstance(out, (tuple, list)) or len(out) != len(state):
                raise ValueError(
                    f"while_loop: body must return {len(state)} loop variables like "
                    f"`loop_vars`, received {out!r}."
                )
            state = tuple(out)
        else:
            state = (out,)
        iteration += 1
    state = tuple(_tensors(v) for v in state)
    return state if is_tuple else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    """Run `val = body_fun(i, val)` for `i` in `range(lower, upper)`.

    `i` is passed as a Python int.

    Example:
        >>> int(ops.fori_loop(0, 10, lambda i, s: s + i, 0))
        45
    """
    val = _tensors(init_val)
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return _tensors(val)
