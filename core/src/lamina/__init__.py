"""lamina: the Keras API on NumPy and CuPy, with its own autodiff.

Example:
    >>> import lamina as keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
"""

from lamina import (
    activations,
    backend,
    callbacks,
    config,
    constraints,
    data,
    datasets,
    dtype_policies,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    ops,
    optimizers,
    plugins,
    random,
    regularizers,
    saving,
    utils,
)
from lamina.__about__ import __version__
from lamina.autodiff import GradientTape, Tensor, Variable
from lamina.backend import device
from lamina.constraints import Constraint
from lamina.dtype_policies import DTypePolicy, FloatDTypePolicy
from lamina.initializers import Initializer
from lamina.layers import Input, InputSpec, Layer
from lamina.layers.symbolic import KerasTensor
from lamina.losses import Loss
from lamina.metrics import Metric
from lamina.models import Model, Sequential
from lamina.optimizers import Optimizer
from lamina.regularizers import Regularizer

__all__ = [
    "Constraint",
    "DTypePolicy",
    "FloatDTypePolicy",
    "GradientTape",
    "Initializer",
    "Input",
    "InputSpec",
    "KerasTensor",
    "Layer",
    "Loss",
    "Metric",
    "Model",
    "Optimizer",
    "Regularizer",
    "Sequential",
    "Tensor",
    "Variable",
    "__version__",
    "activations",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "data",
    "datasets",
    "device",
    "dtype_policies",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "mixed_precision",
    "models",
    "ops",
    "optimizers",
    "plugins",
    "random",
    "regularizers",
    "saving",
    "utils",
]
