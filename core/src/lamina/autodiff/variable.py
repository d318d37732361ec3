"""`Variable`: a mutable tensor with Keras 3's Variable API."""

from __future__ import annotations

import itertools

from lamina.autodiff.graph import leaf_node
from lamina.autodiff.tensor import Tensor
from lamina.backend import asarray, standardize_dtype

_uid = itertools.count()


class Variable(Tensor):
    """A named, mutable tensor; trainable variables are watched by every tape.

    Args:
        initializer: an initial value (array-like) or a callable `(shape, dtype)`,
            e.g. a `lamina.initializers` object.
        shape: required when `initializer` is callable.
        dtype: defaults to the initial value's dtype, floats to floatx.
        trainable: whether optimizers update it and tapes watch it.
        autocast: whether layers with a mixed dtype policy may cast it on read.
        aggregation, synchronization: accepted for Keras compatibility.
        name: the variable's name (its path until a layer sets one).

    Example:
        >>> v = lamina.Variable([1.0, 2.0], name="v")
        >>> v.assign_add([1.0, 1.0]).numpy()
        array([2., 3.], dtype=float32)
    """

    __slots__ = (
        "_initializer",
        "_trainable",
        "aggregation",
        "autocast",
        "constraint",
        "name",
        "path",
        "synchronization",
    )

    def __init__(
        self,
        initializer,
        shape=None,
        dtype=None,
        trainable: bool = True,
        autocast: bool = True,
        aggregation: str = "none",
        synchronization: str = "auto",
        name: str | None = None,
        constraint=None,
    ):
        name = name or f"variable_{next(_uid)}"
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                f"Variable: argument `name` must be a string without '/', received {name!r}."
            )
        if callable(initializer):
            if shape is None:
                raise ValueError(
                    f"Variable '{name}': a callable initializer needs `shape`. "
                    "Pass shape=(...), or an initial value instead."
                )
            dtype = standardize_dtype(dtype)
            value = asarray(_raw(initializer(tuple(shape), dtype=dtype)), dtype=dtype)
        else:
            value = asarray(
                _raw(initializer), dtype=None if dtype is None else standardize_dtype(dtype)
            )
            if shape is not None and tuple(shape) != value.shape:
                raise ValueError(
                    f"Variable '{name}': initial value has shape {value.shape}, "
                    f"but shape={tuple(shape)} was given."
                )
        super().__init__(value)
        self.name = name
        self.path = name
        self.constraint = constraint
        self.autocast = autocast
        self.aggregation = aggregation
        self.synchronization = synchronization
        self._initializer = initializer
        self._trainable = False
        self.trainable = trainable

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        if self._trainable and self._node is None:
            self._node = leaf_node(self._value)

    @property
    def value(self) -> Tensor:
        """The current value, as a Tensor that tapes trace back to this variable."""
        return Tensor(self._value, self._node, 0)

    def _checked(self, value, method):
        current = self._value
        array = _raw(value)
        if type(array) is not type(current) or array.dtype != current.dtype:
            array = asarray(array, dtype=current.dtype)
        if array.shape != current.shape:
            raise ValueError(
                f"Variable '{self.path}'.{method}: expected a value of shape "
                f"{current.shape}, received shape {array.shape}."
            )
        return array

    def assign(self, value) -> Variable:
        """Replace the value (same shape; cast to the variable's dtype)."""
        self._value = self._checked(value, "assign")
        return self

    def assign_add(self, delta) -> Variable:
        """Add `delta` to the value."""
        self._value = self._value + self._checked(delta, "assign_add")
        return self

    def assign_sub(self, delta) -> Variable:
        """Subtract `delta` from the value."""
        self._value = self._value - self._checked(delta, "assign_sub")
        return self

    def __repr__(self) -> str:
        return (
            f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, "
            f"value={self.numpy()}>"
        )

    def __deepcopy__(self, memo):
        return Variable(
            self._value.copy(),
            dtype=self.dtype,
            trainable=self._trainable,
            autocast=self.autocast,
            name=self.name,
            constraint=self.constraint,
        )

    def __reduce__(self):
        return (
            Variable,
            (
                self.numpy(),
                None,
                self.dtype,
                self._trainable,
                self.autocast,
                "none",
                "auto",
                self.name,
            ),
        )


def _raw(value):
    return value._value if isinstance(value, Tensor) else value
