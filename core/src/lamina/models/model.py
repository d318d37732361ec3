"""`Model`: a `Layer` that groups layers, plus inspection (summary, get_layer, configs).

Three ways to make one, as in Keras:
- subclassing: create layers in `__init__`, write the forward pass in `call`;
- `Model(inputs, outputs)`: returns a `Functional` built from the symbolic graph;
- `Sequential([...])`: a stack of single-input, single-output layers.

Training (`compile`, `fit`, `evaluate`, `predict`, ...) is not defined here: the trainer
mixin of `lamina.trainers` is placed before `Layer` in `Model`'s bases (see
`_TRAINER_BASES`), so this module stays free of training code.
"""

from __future__ import annotations

import inspect
import json
import warnings

from lamina.layers.layer import Layer
from lamina.trainers.trainer import Trainer

# The trainer mixin(s) `Model` inherits from, placed before `Layer` as in Keras 3.
_TRAINER_BASES: tuple = (Trainer,)


def _functional_init_arguments(args, kwargs) -> bool:
    return (
        len(args) == 2
        or (len(args) == 1 and "outputs" in kwargs)
        or ("inputs" in kwargs and "outputs" in kwargs)
    )


def _inject_functional(cls):
    """Put `Functional` in place of `Model` among the bases of a `Model` subclass whose
    `__init__` calls `super().__init__(inputs, outputs)`."""
    from lamina.models.functional import Functional

    if cls is Model:
        return Functional
    if cls is object or not issubclass(cls, Model) or issubclass(cls, Functional):
        return cls
    cls.__bases__ = tuple(_inject_functional(base) for base in cls.__bases__)
    return cls


class Model(*_TRAINER_BASES, Layer):
    """A layer that groups layers, with inspection and training (`compile`, `fit`, ...).

    Subclass it, creating layers in `__init__` and the forward pass in `call`; `call` may
    take a `training` argument, which `Model.__call__` resolves as Keras does. Calling
    `Model(inputs, outputs)` returns a `Functional` model.

    Example:
        >>> class TwoLayers(lamina.Model):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.hidden = lamina.layers.Dense(8, activation="relu")
        ...         self.out = lamina.layers.Dense(2)
        ...     def call(self, inputs, training=False):
        ...         return self.out(self.hidden(inputs))
        >>> TwoLayers()(np.ones((3, 4))).shape
        (3, 2)
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and _functional_init_arguments(args, kwargs):
            from lamina.models.functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if _functional_init_arguments(args, kwargs):
            from lamina.models.functional import Functional

            _inject_functional(type(self))
            Functional.__init__(self, *args, **kwargs)
        else:
            Layer.__init__(self, *args, **kwargs)

    def call(self, *args, **kwargs):
        raise NotImplementedError(
            f"Model {type(self).__name__} does not have a `call()` method implemented. "
            "Subclasses of Model must define `call(self, inputs, training=None)`."
        )

    @property
    def layers(self):
        """The model's direct sub-layers, in the order they were assigned."""
        return list(self._direct_sublayers())

    @layers.setter
    def layers(self, _):
        raise AttributeError(
            "`Model.layers` attribute is reserved and should not be used. Please use another name."
        )

    def _direct_sublayers(self):
        flatten = getattr(self, "_flatten_layers", None)
        if flatten is not None:
            return flatten(include_self=False, recursive=False)
        return getattr(self, "_layers", [])

    def get_layer(self, name=None, index=None):
        """Retrieve a layer by its unique name, or by its index in `model.layers`.

        Args:
            name: the layer's name.
            index: the layer's position in `model.layers` (graph order, inputs first).

        Example:
            >>> model.get_layer("dense").units  # doctest: +SKIP
            4
        """
        if index is not None and name is not None:
            raise ValueError(
                f"Provide only a layer name or a layer index. Received: index={index}, name={name}."
            )
        layers = self.layers
        if index is not None:
            if len(layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(layers)} layers."
                )
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: {[x.name for x in layers]}."
            )
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def summary(
        self,
        line_length=None,
        positions=None,
        print_fn=None,
        expand_nested=False,
        show_trainable=False,
        layer_range=None,
    ):
        """Print a table of the layers, their output shapes and parameter counts.

        Args:
            line_length: total width of the table (Keras's default: 88, or 108 when the
                graph is not a simple chain, capped at the terminal width minus 4).
            positions: right edges of the columns, as fractions of `line_length`.
            print_fn: called once with the whole summary text (default: print to stdout).
            expand_nested: also list the layers of nested models.
            show_trainable: add a column saying whether each layer is trainable.
            layer_range: two regexes naming the first and the last layer to list.

        Example:
            >>> lines = []
            >>> model.summary(print_fn=lines.append)  # doctest: +SKIP
        """
        from lamina.models.summary import print_summary

        print_summary(
            self,
            print_fn=print_fn,
            line_length=line_length,
            positions=positions,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Save the model (config, weights, optimizer state) as a `.keras` file.

        Args:
            filepath: a path ending in `.keras` (`.h5` for the legacy format; a folder
                with `zipped=False`).
            overwrite: when False and the file exists, ask before overwriting it.
            zipped: write a zip archive (default) or a folder of the same entries.
            **kwargs: `include_optimizer` (legacy `.h5` only).

        Example:
            >>> model.save("model.keras")  # doctest: +SKIP
            >>> restored = lamina.models.load_model("model.keras")  # doctest: +SKIP
        """
        from lamina.saving import saving_api

        return saving_api.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Save the weights and optimizer state to `.weights.h5` (or shards + `.weights.json`).

        Args:
            filepath: a path ending in `.weights.h5`, or `.weights.json` when sharding.
            overwrite: when False and the file exists, ask before overwriting it.
            max_shard_size: the largest shard in GB (None: one file).

        Example:
            >>> model.save_weights("model.weights.h5")  # doctest: +SKIP
        """
        from lamina.saving import saving_api

        return saving_api.save_weights(
            self, filepath, overwrite=overwrite, max_shard_size=max_shard_size
        )

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Load weights from `.weights.h5`, `.weights.json`, `.keras` or legacy `.h5` files.

        Args:
            filepath: the file (or the index of sharded weights).
            skip_mismatch: warn about layers whose weights do not fit and load the others.
            **kwargs: `objects_to_skip` (`.weights.h5`); `by_name` (legacy `.h5`).

        Example:
            >>> model.load_weights("model.weights.h5")  # doctest: +SKIP
        """
        from lamina.saving import saving_api

        return saving_api.load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs) -> str:
        """The model's serialized config as a JSON string (`json.dumps` kwargs accepted).

        Example:
            >>> clone = lamina.models.model_from_json(model.to_json())  # doctest: +SKIP
        """
        from lamina.saving import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    def build_from_config(self, config):
        """Create the model's weights from `get_build_config()`'s `{"input_shape": ...}`."""
        if not config:
            return
        if "input_shape" in config:
            try:
                if type(self).build is Layer.build:
                    # As Keras: a model without its own build() is built by running call()
                    # on symbolic inputs, which builds its sub-layers too.
                    self.compute_output_spec(_symbolic_inputs(config["input_shape"]))
                    self.built = True
                else:
                    self.build(config["input_shape"])
                ok = self.built
            except Exception:  # reported below with Keras's warning
                ok = False
            if ok:
                return
        warnings.warn(
            f"Model '{self.name}' had a build config, but the model cannot be built "
            "automatically in `build_from_config(config)`. You should implement "
            "`def build_from_config(self, config)`, and you might also want to implement "
            "`def get_build_config(self)`.",
            stacklevel=2,
        )

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild a model: a functional config revives a `Functional`, anything else is
        passed to the constructor."""
        from lamina.models.functional import Functional, functional_from_config

        functional_keys = ("name", "layers", "input_layers", "output_layers")
        spec = inspect.getfullargspec(cls.__init__)
        revivable = (
            cls in (Functional, Model)
            or spec.args[1:] == ["inputs", "outputs", "name"]
            or (spec.varargs == "args" and spec.varkw == "kwargs")
        )
        if all(k in config for k in functional_keys) and revivable:
            target = Functional if cls is Model else cls
            return functional_from_config(target, config, custom_objects=custom_objects)
        try:
            return cls(**config)
        except TypeError as err:
            raise TypeError(
                "Unable to revive model from config. When overriding the `get_config()` "
                "method, make sure that the returned config contains all items used as "
                f"arguments in the constructor to {cls}, which is the default behavior. "
                "You can override this default behavior by defining a "
                "`from_config(cls, config)` class method to specify how to create an "
                f"instance of {cls.__name__} from its config.\n\nReceived config={config}"
                f"\n\nError encountered during deserialization: {err}"
            ) from err


def _symbolic_inputs(shape):
    """KerasTensors for a build config's `input_shape` (one shape, or a nest of them)."""
    from lamina.layers.symbolic import KerasTensor

    if isinstance(shape, dict):
        return {key: _symbolic_inputs(value) for key, value in shape.items()}
    if shape and all(isinstance(s, (list, tuple, dict)) for s in shape):
        return [_symbolic_inputs(s) for s in shape]
    return KerasTensor(tuple(shape))


def model_from_json(json_string, custom_objects=None):
    """Rebuild a model (uncompiled) from `Model.to_json()`'s string.

    Args:
        json_string: the JSON text.
        custom_objects: `{name: class or function}` for custom objects in the config.

    Example:
        >>> model = lamina.models.model_from_json(model.to_json())  # doctest: +SKIP
    """
    from lamina.saving import deserialize_keras_object

    return deserialize_keras_object(json.loads(json_string), custom_objects=custom_objects)
