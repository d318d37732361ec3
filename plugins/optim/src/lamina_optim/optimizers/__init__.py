"""The optimizer classes lamina-optim registers, one module each (as in Keras)."""

from lamina_optim.optimizers.adadelta import Adadelta
from lamina_optim.optimizers.adafactor import Adafactor
from lamina_optim.optimizers.adagrad import Adagrad
from lamina_optim.optimizers.adam import Adam
from lamina_optim.optimizers.adamax import Adamax
from lamina_optim.optimizers.adamw import AdamW
from lamina_optim.optimizers.ftrl import Ftrl
from lamina_optim.optimizers.lamb import Lamb
from lamina_optim.optimizers.lion import Lion
from lamina_optim.optimizers.multi_optimizer import MultiOptimizer, OptimizerMap
from lamina_optim.optimizers.muon import Muon
from lamina_optim.optimizers.nadam import Nadam
from lamina_optim.optimizers.rmsprop import RMSprop
from lamina_optim.optimizers.schedule_free_adamw import ScheduleFreeAdamW

__all__ = [
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lamb",
    "Lion",
    "MultiOptimizer",
    "Muon",
    "Nadam",
    "OptimizerMap",
    "RMSprop",
    "ScheduleFreeAdamW",
]
