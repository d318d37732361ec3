"""lamina.trainers: compile/fit/evaluate/predict, data adapters and the epoch iterator.

`Trainer` is the mixin that gives `Model` its training API; `CompileLoss` and
`CompileMetrics` hold what `compile()` was given, resolved per model output.
"""

from lamina.trainers.compile_utils import CompileLoss, CompileMetrics
from lamina.trainers.epoch_iterator import EpochIterator
from lamina.trainers.trainer import Trainer

__all__ = ["CompileLoss", "CompileMetrics", "EpochIterator", "Trainer"]
