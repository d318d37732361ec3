"""`Sequential`: a linear stack of layers, each with one input and one output."""

from __future__ import annotations

import copy
import inspect

from lamina.layers.input_layer import InputLayer
from lamina.layers.layer import Layer
from lamina.models.functional import Functional
from lamina.models.model import Model


def _standardize_shape(shape):
    if shape is None or isinstance(shape, (str, bytes)):
        raise ValueError(f"Not a shape: {shape!r}")
    shape = tuple(shape)
    for d in shape:
        if d is not None and not isinstance(d, int):
            raise ValueError(f"Not a shape: {shape!r}")
    return shape


class Sequential(Model):
    """A `Model` made of layers applied one after the other.

    With an `Input` (or `input_shape=` on the first layer) the model is built as layers are
    added; otherwise it is built on its first call or by `build(input_shape)`.

    Args:
        layers: the layers (an `Input` tensor may come first).
        trainable: whether the model's weights are trainable.
        name: the model's name.

    Example:
        >>> model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(2)])
        >>> model(np.ones((3, 4))).shape
        (3, 2)
    """

    def __new__(cls, *args, **kwargs):
        return Layer.__new__(cls)

    def __init__(self, layers=None, trainable=True, name=None):
        Layer.__init__(self, trainable=trainable, name=name)
        self._functional = None
        self._stack = []
        self._layers = []
        if layers:
            for layer in layers:
                self.add(layer, rebuild=False)
            self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Append a layer (or an `Input` tensor, as the first item) to the stack.

        Args:
            layer: a `Layer` instance, or the output of `lamina.Input`.
            rebuild: rebuild the model now when its input shape is known.
        """
        if not self._stack:
            shape = getattr(layer, "_batch_input_shape", None)
            if shape is not None:  # legacy `Dense(4, input_shape=(3,))` first layer
                self.add(InputLayer(batch_shape=shape), rebuild=False)
        history = getattr(layer, "_keras_history", None)
        origin = next(iter(history)) if history is not None else None
        if isinstance(origin, InputLayer):
            layer = origin
        if not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `lamina.layers.Layer` can be added to a Sequential "
                f"model. Received: {layer!r} (of type {type(layer).__name__})"
            )
        for existing in self._stack:
            if existing.name == layer.name and existing is not layer:
                raise ValueError(
                    "All layers added to a Sequential model should have unique names. "
                    f"Name '{layer.name}' is already the name of a layer in this model. "
                    "Update the `name` argument to pass a unique name."
                )
        if isinstance(layer, InputLayer) and self._stack and isinstance(self._stack[0], InputLayer):
            raise ValueError(
                f"Sequential model '{self.name}' has already been configured to use input "
                f"shape {self._stack[0].batch_shape}. You cannot add a different Input "
                "layer to it."
            )
        self._stack.append(layer)
        self._sync_tracking()
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False
            self._functional = None

    def pop(self, rebuild=True):
        """Remove and return the last layer.

        Args:
            rebuild: rebuild the model from the remaining layers.
        """
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        self._sync_tracking()
        self.built = False
        self._functional = None
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _sync_tracking(self):
        # The stack (InputLayer included) is the model's list of sub-layers.
        self._layers = list(self._stack)

    def _maybe_rebuild(self):
        self.built = False
        self._functional = None
        if not self._stack:
            return
        first = self._stack[0]
        if isinstance(first, InputLayer) and len(self._stack) > 1:
            self.build(first.batch_shape)
        elif len(self._stack) > 1 and isinstance(first, Functional):
            self.build(first.input_shape)

    def build(self, input_shape=None):
        """Build the layers for inputs of `input_shape` (batch dimension included)."""
        try:
            input_shape = _standardize_shape(input_shape)
        except (ValueError, TypeError):
            return  # not a single input: built on the first call instead
        if not self._stack:
            raise ValueError(
                f"Sequential model {self.name} cannot be built because it has no layers. "
                "Call `model.add(layer)`."
            )
        if isinstance(self._stack[0], InputLayer):
            if tuple(self._stack[0].batch_shape) != input_shape:
                raise ValueError(
                    f"Sequential model '{self.name}' has already been configured to use "
                    f"input shape {self._stack[0].batch_shape}. You cannot build it with "
                    f"input_shape {input_shape}"
                )
        else:
            dtype = getattr(self._stack[0], "compute_dtype", None)
            self._stack = [InputLayer(batch_shape=input_shape, dtype=dtype), *self._stack]
            self._sync_tracking()
        inputs = self._stack[0].output
        x = inputs
        for layer in self._stack[1:]:
            try:
                x = layer(x)
            except TypeError as err:
                params = [
                    p
                    for p in inspect.signature(layer.call).parameters.values()
                    if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                ]
                required = [p.name for p in params if p.default is p.empty]
                if not params:
                    raise ValueError(
                        "Layers added to a Sequential model should have a single positional "
                        f"argument, the input tensor. Layer {type(layer).__name__} has no "
                        "positional arguments."
                    ) from err
                if len(required) > 1:
                    raise ValueError(
                        "Layers added to a Sequential model can only have a single required "
                        "positional argument, the input tensor. Layer "
                        f"{type(layer).__name__} has multiple required positional "
                        f"arguments: {required}"
                    ) from err
                raise
        self._functional = Functional(inputs=inputs, outputs=x)
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional.call(inputs, training=training, mask=mask)
        # Not built from a single input shape (e.g. nested inputs): apply the layers in turn.
        for layer in self.layers:
            kwargs = {}
            if training is not None and _accepts_training(layer):
                kwargs["training"] = training
            inputs = layer(inputs, **kwargs)
        return inputs

    def compute_output_spec(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional.compute_output_spec(inputs)
        for layer in self.layers:
            inputs = layer.compute_output_spec(inputs)
        return inputs

    def compute_output_shape(self, input_shape):
        if self._functional is not None:
            return self._functional.compute_output_shape(input_shape)
        for layer in self.layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    @property
    def layers(self):
        """The added layers (the auto-created `InputLayer` is not listed)."""
        if self._stack and isinstance(self._stack[0], InputLayer):
            return self._stack[1:]
        return self._stack[:]

    @layers.setter
    def layers(self, _):
        raise AttributeError(
            "`Sequential.layers` attribute is reserved and should not be used. "
            "Use `add()` and `pop()` to change the layers in this model."
        )

    def _direct_sublayers(self):
        return list(self._stack)

    @property
    def input_shape(self):
        if self._functional is not None:
            return self._functional.input_shape
        raise AttributeError(f"Sequential model '{self.name}' has no defined input shape yet.")

    @property
    def output_shape(self):
        if self._functional is not None:
            return self._functional.output_shape
        raise AttributeError(f"Sequential model '{self.name}' has no defined output shape yet.")

    @property
    def inputs(self):
        if self._functional is not None:
            return self._functional.inputs
        raise AttributeError(f"Sequential model '{self.name}' has no defined inputs yet.")

    @property
    def outputs(self):
        if self._functional is not None:
            return self._functional.outputs
        raise AttributeError(f"Sequential model '{self.name}' has no defined outputs yet.")

    @property
    def input_dtype(self):
        if self._stack and isinstance(self._stack[0], InputLayer):
            return self._stack[0].dtype
        return getattr(super(), "input_dtype", None)

    def get_config(self):
        """Keras's Sequential config: name, trainable, dtype, layers (the `InputLayer`
        included) and `build_input_shape` when built."""
        from lamina.saving import serialize_keras_object

        config = Layer.get_config(self)
        config["name"] = self.name
        config["layers"] = copy.deepcopy([serialize_keras_object(x) for x in self._stack])
        if self._functional is not None:
            config["build_input_shape"] = list(self._stack[0].batch_shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving import deserialize_keras_object

        if "name" not in config or "layers" not in config:
            raise ValueError(
                "A Sequential model configuration must be a dictionary containing the "
                f"'name' and 'layers' keys. Received: config={config}"
            )
        model = cls(name=config["name"], trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(deserialize_keras_object(layer_config, custom_objects=custom_objects))
        shape = config.get("build_input_shape")
        if model._functional is None and isinstance(shape, (list, tuple)) and shape:
            model.build(shape)
        return model


def _accepts_training(layer) -> bool:
    if isinstance(layer, Model):
        return True
    try:
        return "training" in inspect.signature(layer.call).parameters
    except (TypeError, ValueError):
        return False
