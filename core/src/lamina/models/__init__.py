"""lamina.models: `Model`, `Sequential`, `Functional`, `clone_model`, `model_from_json`.

Example:
    >>> import lamina
    >>> x = lamina.Input(shape=(4,))
    >>> model = lamina.models.Model(x, lamina.layers.Dense(2)(x))
"""

from lamina.models.cloning import clone_model
from lamina.models.functional import Functional
from lamina.models.model import Model, model_from_json
from lamina.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential", "clone_model", "model_from_json"]
