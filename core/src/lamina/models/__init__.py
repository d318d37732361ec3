"""lamina.models: `Model`, `Sequential`, `Functional`, `clone_model`, `model_from_json`,
`load_model`, `save_model`.

Example:
    >>> import lamina
    >>> x = lamina.Input(shape=(4,))
    >>> model = lamina.models.Model(x, lamina.layers.Dense(2)(x))
"""

from lamina.models.cloning import clone_model
from lamina.models.functional import Functional
from lamina.models.model import Model, model_from_json
from lamina.models.sequential import Sequential
from lamina.saving.saving_api import load_model, save_model

__all__ = [
    "Functional",
    "Model",
    "Sequential",
    "clone_model",
    "load_model",
    "model_from_json",
    "save_model",
]
