"""lamina.utils: the `keras.utils` namespace.

Example:
    >>> lamina.utils.set_random_seed(42)
"""

from lamina.utils.random_seed import set_random_seed
from lamina.utils.session import clear_session

__all__ = ["clear_session", "set_random_seed"]
