"""lamina.utils: the `keras.utils` namespace.

Example:
    >>> lamina.utils.set_random_seed(42)
"""

from lamina.utils.random_seed import set_random_seed

__all__ = ["set_random_seed"]
