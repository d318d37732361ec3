"""`Initializer`, the base class of every initializer."""

from __future__ import annotations


class Initializer:
    """Base class of initializers: callables that return a tensor for a shape and dtype.

    Subclasses implement `__call__(shape, dtype=None)` and, when their constructor
    takes arguments, `get_config()` returning them; the default `from_config` passes
    the config back to the constructor.

    Example:
        >>> class Halves(Initializer):
        ...     def __call__(self, shape, dtype=None):
        ...         return lamina.ops.full(shape, 0.5, dtype=dtype)
        >>> Halves()((2,)).numpy()
        array([0.5, 0.5], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        """Return a tensor of `shape` and `dtype` (default floatx) with the initial values.

        Args:
            shape: the shape of the tensor.
            dtype: optional dtype of the tensor.
        """
        raise NotImplementedError(
            f"{type(self).__name__}: Initializer subclasses must implement `__call__()`."
        )

    def get_config(self):
        """Return the constructor arguments as a JSON-serializable dict.

        Example:
            >>> Initializer().get_config()
            {}
        """
        return {}

    @classmethod
    def from_config(cls, config):
        """Create an initializer from the dict `get_config()` returned.

        Args:
            config: the dict.

        Example:
            >>> init = RandomUniform.from_config(RandomUniform(-1, 1).get_config())
        """
        return cls(**config)

    def clone(self):
        """Return a new initializer with the same config."""
        return self.__class__.from_config(self.get_config())
