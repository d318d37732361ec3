"""`rearrange`: einops-style axis reordering, splitting and merging.

`"b (h w) c -> b c h w"` is parsed into one reshape (split the input groups),
one transpose and one reshape (merge the output groups), all differentiable.
"""

import re

from lamina.autodiff import Tensor
from lamina.backend import asarray

__all__ = ["rearrange"]

_TOKEN = re.compile(r"\(|\)|[A-Za-z_]\w*|\S+")


def _parse(side, pattern):
    """A list of groups (lists of axis names); a bare name is a group of one."""
    groups, current = [], None
    for token in _TOKEN.findall(side):
        if token == "(":
            if current is not None:
                raise ValueError(f"rearrange: nested parentheses in {pattern!r}.")
            current = []
        elif token == ")":
            if current is None:
                raise ValueError(f"rearrange: unbalanced ')' in {pattern!r}.")
            groups.append(current)
            current = None
        elif token.isidentifier():
            (groups if current is None else current).append(
                token if current is not None else [token]
            )
        else:
            raise ValueError(
                f"rearrange: unsupported token {token!r} in {pattern!r}; use axis names "
                "and parentheses, e.g. 'b (h w) c -> b c h w'."
            )
    if current is not None:
        raise ValueError(f"rearrange: unbalanced '(' in {pattern!r}.")
    return groups


def _sizes(groups, shape, axes_lengths, pattern):
    """The length of every named axis, inferring at most one unknown per group."""
    if len(groups) != len(shape):
        raise ValueError(
            f"rearrange: the pattern {pattern!r} names {len(groups)} input axes but the "
            f"tensor has shape {tuple(shape)}."
        )
    sizes = {}
    for group, dim in zip(groups, shape):
        unknown = [a for a in group if a not in axes_lengths]
        if len(unknown) > 1:
            raise ValueError(
                f"rearrange: cannot infer both {unknown} in {pattern!r}; pass their "
                "lengths as keyword arguments."
            )
        known = 1
        for a in group:
            if a in axes_lengths:
                sizes[a] = int(axes_lengths[a])
                known *= sizes[a]
        if unknown:
            if known == 0 or dim % known:
                raise ValueError(
                    f"rearrange: an axis of length {dim} cannot be split into {group} "
                    f"with the given lengths {axes_lengths}."
                )
            sizes[unknown[0]] = dim // known
        elif known != dim:
            raise ValueError(
                f"rearrange: the group {group} has length {known} but the axis is {dim}."
            )
    return sizes


def rearrange(tensor, pattern, **axes_lengths):
    """Reorder, split and merge axes with an einops pattern.

    Args:
        tensor: input tensor.
        pattern: `"input axes -> output axes"`; parentheses group axes that
            are merged (output) or split (input), e.g. `"b h w c -> b (h w) c"`.
        **axes_lengths: lengths of axes created by splitting.

    Example:
        >>> ops.rearrange(ops.ones((2, 3, 4)), "b h w -> b (h w)").shape
        (2, 12)
    """
    from lamina.ops.shape import reshape, transpose

    if not isinstance(tensor, Tensor) and not hasattr(tensor, "shape"):
        tensor = Tensor(asarray(tensor))
    if pattern.count("->") != 1:
        raise ValueError(f"rearrange: the pattern must contain one '->', received {pattern!r}.")
    left, right = pattern.split("->")
    inputs, outputs = _parse(left, pattern), _parse(right, pattern)
    names_in = [a for g in inputs for a in g]
    names_out = [a for g in outputs for a in g]
    if len(set(names_in)) != len(names_in) or len(set(names_out)) != len(names_out):
        raise ValueError(f"rearrange: an axis name is repeated on one side of {pattern!r}.")
    if set(names_in) != set(names_out):
        raise ValueError(
            f"rearrange: both sides of {pattern!r} must name the same axes; only on one side: "
            f"{sorted(set(names_in) ^ set(names_out))}."
        )
    sizes = _sizes(inputs, tensor.shape, axes_lengths, pattern)
    split_shape = tuple(sizes[a] for a in names_in)
    if split_shape != tuple(tensor.shape):
        tensor = reshape(tensor, split_shape)
    perm = [names_in.index(a) for a in names_out]
    if perm != list(range(len(perm))):
        tensor = transpose(tensor, perm)
    merged = []
    for group in outputs:
        n = 1
        for a in group:
            n *= sizes[a]
        merged.append(n)
    if tuple(merged) != tuple(tensor.shape):
        tensor = reshape(tensor, tuple(merged))
    return tensor
