"""`Wrapper`: the base class of layers that wrap another layer."""

from __future__ import annotations

from lamina.layers.layer import Layer


class Wrapper(Layer):
    """Abstract wrapper base class: holds `layer` and builds it on `build`.

    Subclasses (e.g. `TimeDistributed`, `Bidirectional`) define `call`.

    Args:
        layer: the wrapped `Layer` instance.

    Example:
        >>> class Twice(Wrapper):
        ...     def call(self, x):
        ...         return self.layer(self.layer(x))
        >>> Twice(Dense(2))(ops.ones((1, 2))).shape
        (1, 2)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Layer {layer} supplied to Wrapper isn't a supported layer type. Please "
                "ensure wrapped layer is a valid Keras layer."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True
        self.built = True

    def get_config(self):
        from lamina.saving import serialize_keras_object

        config = {"layer": serialize_keras_object(self.layer)}
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving import deserialize_keras_object

        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)
