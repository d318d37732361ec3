"""`InputLayer` and `Input`: the entry points of functional models."""

from __future__ import annotations

import warnings

from lamina.backend import config, standardize_dtype
from lamina.layers.layer import Layer
from lamina.layers.symbolic import KerasTensor, Node


class InputLayer(Layer):
    """The layer that produces a model's symbolic input tensor.

    Args:
        shape: the shape of one sample (without the batch dimension).
        batch_size: an optional fixed batch size.
        dtype: the input dtype (default floatx).
        sparse, ragged: accepted for Keras compatibility; lamina has neither.
        batch_shape: the full shape including the batch dimension (instead of
            `shape` and `batch_size`).
        input_tensor: an existing KerasTensor to use as the input.
        optional: whether the input may be None.
        name: the layer's (and the tensor's) name.

    Example:
        >>> layer = InputLayer(shape=(4,))
        >>> layer.output.shape
        (None, 4)
    """

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        sparse=None,
        ragged=None,
        batch_shape=None,
        input_tensor=None,
        optional=False,
        name=None,
        **kwargs,
    ):
        if "input_shape" in kwargs:
            warnings.warn(
                "Argument `input_shape` is deprecated. Use `shape` instead.", stacklevel=2
            )
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, **kwargs)
        if sparse or ragged:
            raise ValueError(
                f"InputLayer '{self.name}': lamina has no sparse or ragged tensors "
                f"(received sparse={sparse}, ragged={ragged})."
            )
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError(
                    f"InputLayer '{self.name}': argument `input_tensor` must be a KerasTensor, "
                    f"received {input_tensor!r} of type {type(input_tensor).__name__}."
                )
            self._check_against(input_tensor, shape, batch_size, batch_shape, dtype)
            batch_shape = input_tensor.shape
            dtype = input_tensor.dtype
        else:
            if shape is not None and batch_shape is not None:
                raise ValueError(
                    f"InputLayer '{self.name}': pass either `shape` or `batch_shape`, not both."
                )
            if batch_size is not None and batch_shape is not None:
                raise ValueError(
                    f"InputLayer '{self.name}': pass either `batch_size` or `batch_shape`, "
                    "not both."
                )
            if shape is None and batch_shape is None:
                raise ValueError(f"InputLayer '{self.name}': you must pass a `shape` argument.")
            if shape is not None:
                shape = _standardize_shape(shape, self.name)
                batch_shape = (batch_size, *shape)
        self._batch_shape = _standardize_shape(batch_shape, self.name)
        self._dtype = standardize_dtype(dtype or config.floatx())
        self.sparse = False
        self.ragged = False
        self.optional = optional
        if input_tensor is None:
            input_tensor = KerasTensor(self._batch_shape, dtype=self._dtype, name=self.name)
        self._input_tensor = input_tensor
        Node(self, (), {}, input_tensor)
        self.built = True

    def _check_against(self, tensor, shape, batch_size, batch_shape, dtype):
        problems = []
        if batch_size is not None and (not tensor.shape or tensor.shape[0] != batch_size):
            problems.append(f"batch_size={batch_size}")
        if shape is not None and tuple(shape) != tensor.shape[1:]:
            problems.append(f"shape={tuple(shape)}")
        if batch_shape is not None and tuple(batch_shape) != tensor.shape:
            problems.append(f"batch_shape={tuple(batch_shape)}")
        if dtype is not None and standardize_dtype(dtype) != tensor.dtype:
            problems.append(f"dtype={dtype}")
        if problems:
            raise ValueError(
                f"InputLayer '{self.name}': {', '.join(problems)} is incompatible with "
                f"input_tensor of shape {tensor.shape} and dtype {tensor.dtype}."
            )

    def call(self):
        return None

    @property
    def batch_shape(self) -> tuple:
        return self._batch_shape

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def output(self):
        return self._input_tensor

    def get_config(self) -> dict:
        return {
            "batch_shape": self._batch_shape,
            "dtype": self._dtype,
            "sparse": self.sparse,
            "ragged": self.ragged,
            "name": self.name,
            "optional": self.optional,
        }


def _standardize_shape(shape, name):
    if isinstance(shape, int):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError as err:
        raise ValueError(
            f"InputLayer '{name}': cannot interpret shape {shape!r}; expected a tuple of ints "
            "and None."
        ) from err
    for d in dims:
        if d is not None and (not isinstance(d, int) or isinstance(d, bool) or d < 0):
            raise ValueError(
                f"InputLayer '{name}': cannot interpret shape {shape!r}; dimensions must be "
                "non-negative ints or None."
            )
    return dims


def Input(
    shape=None,
    batch_size=None,
    dtype=None,
    sparse=None,
    ragged=None,
    batch_shape=None,
    name=None,
    tensor=None,
    optional=False,
):
    """Create a symbolic input tensor for a functional model.

    Args:
        shape: the shape of one sample (no batch dimension); None entries are unknown.
        batch_size: an optional fixed batch size.
        dtype: the input dtype (default floatx).
        sparse, ragged: accepted for Keras compatibility (must be falsy).
        batch_shape: the full shape, batch dimension included.
        name: the input's name (unique by default: `input_layer`, `input_layer_1`, ...).
        tensor: an existing KerasTensor to wrap.
        optional: whether the input may be None when the model is called.

    Example:
        >>> x = Input(shape=(28, 28, 1), name="image")
        >>> x.shape
        (None, 28, 28, 1)
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        ragged=ragged,
        batch_shape=batch_shape,
        input_tensor=tensor,
        optional=optional,
        name=name,
    )
    return layer.output


__all__ = ["Input", "InputLayer"]
