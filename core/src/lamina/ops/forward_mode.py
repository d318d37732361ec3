"""Forward-mode differentiation: jvp (Jacobian-vector products), in `keras.ops.linalg`."""

from __future__ import annotations

from lamina.autodiff import GradientTape, Tensor
from lamina.ops._dtypes import xp_of
from lamina.ops._nest import _flatten, _pack

__all__ = ["jvp"]


def jvp(fun, primals, tangents, has_aux=False):
    """Jacobian-vector product of `fun` at `primals` along `tangents` (exact).

    lamina differentiates in reverse mode, so this runs one backward pass per
    output element (exact, but costly for large outputs).

    Args:
        fun: function of tensors (or nested structures of tensors).
        primals: tuple or list of `fun`'s positional arguments.
        tangents: same structure and shapes as `primals`.
        has_aux: `fun` returns `(output, aux)`; `aux` is passed through.

    Returns:
        `(primals_out, tangents_out)`, or `(primals_out, tangents_out, aux)`.

    Example:
        >>> x = ops.convert_to_tensor([1.0, 2.0])
        >>> y, dy = ops.linalg.jvp(lambda x: x * x, (x,), (ops.ones(2),))
        >>> dy.numpy()
        array([2., 4.], dtype=float32)
    """
    from lamina.ops.core import convert_to_tensor

    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp: primals and tangents must be tuples or lists of arguments.")
    flat_p = [convert_to_tensor(p) for p in _flatten(primals)]
    flat_t = [convert_to_tensor(t) for t in _flatten(tangents)]
    if len(flat_p) != len(flat_t):
        raise ValueError(
            f"jvp: primals and tangents must have the same structure; received "
            f"{len(flat_p)} and {len(flat_t)} leaves."
        )
    for p, t in zip(flat_p, flat_t):
        if p.shape != t.shape:
            raise ValueError(
                f"jvp: each tangent must have its primal's shape; received {t.shape} "
                f"for a primal of shape {p.shape}."
            )
    # Fresh tensors, so that tangents attach to these inputs and to nothing else.
    inputs = [Tensor(p._value) for p in flat_p]
    with GradientTape(persistent=True) as tape:
        for t in inputs:
            if t.dtype.startswith("float"):
                tape.watch(t)
        result = fun(*_pack(primals, iter(inputs)))
    if has_aux:
        result, aux = result
    outputs = _flatten(result)
    tangents_out = []
    for out in outputs:
        out = convert_to_tensor(out)
        value = out._value
        xp = xp_of(value)
        flat = xp.zeros(value.size, dtype=value.dtype)
        if value.dtype.kind in "fc":
            for i in range(value.size):
                seed = xp.zeros(value.size, dtype=value.dtype)
                seed[i] = 1
                grads = tape.gradient(
                    out,
                    inputs,
                    output_gradients=seed.reshape(value.shape),
                    unconnected_gradients="zero",
                )
                total = 0
                for g, t, p in zip(grads, flat_t, inputs):
                    if p.dtype.startswith("float"):
                        total = total + xp.sum(g._value * t._value.astype(g._value.dtype))
                flat[i] = total
        tangents_out.append(Tensor(flat.reshape(value.shape)))
    packed = _pack(result, iter(tangents_out))
    result = _pack(result, iter([convert_to_tensor(o) for o in outputs]))
    return (result, packed, aux) if has_aux else (result, packed)
