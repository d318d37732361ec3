"""Python operators and a few methods on `Tensor`, defined by the ops they call."""

from lamina.autodiff import Tensor
from lamina.ops import (
    comparison,
    contraction,
    core,
    elementwise_binary,
    elementwise_unary,
    indexing,
    shape,
)


def _reflected(op):
    return lambda self, other: op(other, self)


def _bitwise_or_logical(logical, name):
    def method(self, other):
        from lamina import ops

        if self.dtype == "bool":
            return logical(self, other)
        return getattr(ops, name)(self, other)

    return method


def bind() -> None:
    """Attach the operators to `Tensor` (called once by `lamina.ops`)."""
    b = elementwise_binary
    operators = {
        "__add__": b.add,
        "__radd__": _reflected(b.add),
        "__sub__": b.subtract,
        "__rsub__": _reflected(b.subtract),
        "__mul__": b.multiply,
        "__rmul__": _reflected(b.multiply),
        "__truediv__": b.divide,
        "__rtruediv__": _reflected(b.divide),
        "__floordiv__": b.floor_divide,
        "__rfloordiv__": _reflected(b.floor_divide),
        "__mod__": b.mod,
        "__rmod__": _reflected(b.mod),
        "__pow__": b.power,
        "__rpow__": _reflected(b.power),
        "__matmul__": contraction.matmul,
        "__rmatmul__": _reflected(contraction.matmul),
        "__neg__": elementwise_unary.negative,
        "__pos__": lambda self: self,
        "__abs__": elementwise_unary.abs,
        "__eq__": comparison.equal,
        "__ne__": comparison.not_equal,
        "__lt__": comparison.less,
        "__le__": comparison.less_equal,
        "__gt__": comparison.greater,
        "__ge__": comparison.greater_equal,
        "__and__": _bitwise_or_logical(comparison.logical_and, "bitwise_and"),
        # and/or/xor commute, so the reflected forms need not swap (and `6 & t` has no dtype).
        "__rand__": _bitwise_or_logical(comparison.logical_and, "bitwise_and"),
        "__or__": _bitwise_or_logical(comparison.logical_or, "bitwise_or"),
        "__ror__": _bitwise_or_logical(comparison.logical_or, "bitwise_or"),
        "__xor__": _bitwise_or_logical(comparison.logical_xor, "bitwise_xor"),
        "__rxor__": _bitwise_or_logical(comparison.logical_xor, "bitwise_xor"),
        "__invert__": lambda self: (
            comparison.logical_not(self) if self.dtype == "bool" else _ops().bitwise_invert(self)
        ),
        "__getitem__": indexing.get_item,
        "T": property(lambda self: shape.transpose(self)),
        "astype": lambda self, dtype: core.cast(self, dtype),
        "reshape": lambda self, *newshape: shape.reshape(
            self, newshape[0] if len(newshape) == 1 else newshape
        ),
    }
    for name, method in operators.items():
        setattr(Tensor, name, method)


def _ops():
    from lamina import ops

    return ops
