"""`Lambda`: wraps an arbitrary expression as a layer."""

from __future__ import annotations

import base64
import inspect
import marshal
import types

from lamina.layers.layer import Layer


class Lambda(Layer):
    """Wraps `function(inputs, **arguments)` as a layer.

    `function` also receives `mask=` and `training=` when its signature names them.
    Its config stores the function the way Keras does (Python lambdas as
    marshalled bytecode under `{"class_name": "__lambda__"}`), so configs are
    interchangeable, and loading a lambda requires unsafe deserialization.

    Args:
        function: the callable to evaluate; its first argument is the input.
        output_shape: the output shape without the batch axis (a tuple, or a
            callable mapping the full input shape to the full output shape);
            inferred by a dry run when None.
        mask: None, a fixed mask, or a callable `(inputs, mask) -> mask`.
        arguments: a dict of extra keyword arguments for `function`.

    Example:
        >>> layer = Lambda(lambda x: x * 2)
        >>> layer(ops.ones((1, 2))).numpy()
        array([[2., 2.]], dtype=float32)
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.arguments = arguments or {}
        self.function = function
        self.supports_masking = mask is not None
        self.mask = mask
        self._output_shape = output_shape
        names = inspect.getfullargspec(function).args
        self._fn_expects_training_arg = "training" in names
        self._fn_expects_mask_arg = "mask" in names

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return self._infer_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch_size = _first_leaf(input_shape)
        return _map_shapes(lambda shape: (batch_size, *shape), self._output_shape)

    def _infer_output_shape(self, input_shape):
        """A dry run on zeros (unknown sizes taken as 1); the batch axis stays unknown."""
        from lamina import ops

        batch = _first_leaf(input_shape)
        try:
            inputs = _map_shapes(
                lambda s: ops.zeros(tuple(1 if d is None else d for d in s), self.compute_dtype),
                input_shape,
            )
            outputs = self.call(inputs)
        except Exception as err:
            raise NotImplementedError(
                f"Lambda layer '{self.name}': we could not automatically infer the shape of "
                "the Lambda's output. Please specify the `output_shape` argument for this "
                f"Lambda layer. The dry run failed with: {err}"
            ) from err

        def shape_of(t):
            shape = tuple(t.shape)
            return (batch, *shape[1:]) if shape and batch is None else shape

        if isinstance(outputs, (list, tuple)):
            return type(outputs)(shape_of(t) for t in outputs)
        if isinstance(outputs, dict):
            return {k: shape_of(t) for k, t in outputs.items()}
        return shape_of(outputs)

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        from lamina.saving import serialize_keras_object

        config = {"function": _serialize_function(self.function)}
        if self._output_shape is not None:
            shape = self._output_shape
            config["output_shape"] = _serialize_function(shape) if callable(shape) else shape
        if self.mask is not None:
            mask = self.mask
            config["mask"] = (
                _serialize_function(mask) if callable(mask) else serialize_keras_object(mask)
            )
        config["arguments"] = serialize_keras_object(self.arguments)
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        from lamina.saving import deserialize_keras_object, serialization_lib

        if safe_mode is None:
            in_safe_mode = getattr(serialization_lib, "in_safe_mode", lambda: True)
            safe_mode = in_safe_mode() is not False
        config = dict(config)
        config["function"] = _deserialize_function(
            config["function"], custom_objects, safe_mode, deserialize_keras_object
        )
        if "output_shape" in config:
            shape = config["output_shape"]
            if isinstance(shape, dict):
                shape = _deserialize_function(
                    shape, custom_objects, safe_mode, deserialize_keras_object
                )
            elif isinstance(shape, list) and all(isinstance(e, (int, type(None))) for e in shape):
                shape = tuple(shape)
            config["output_shape"] = shape
        if "mask" in config and isinstance(config["mask"], dict):
            config["mask"] = _deserialize_function(
                config["mask"], custom_objects, safe_mode, deserialize_keras_object
            )
        if "arguments" in config:
            config["arguments"] = deserialize_keras_object(
                config["arguments"], custom_objects=custom_objects
            )
        return cls(**config)


def _first_leaf(structure):
    while isinstance(structure, (list, tuple, dict)) and not _is_shape(structure):
        structure = next(iter(structure.values() if isinstance(structure, dict) else structure))
    return structure[0]


def _is_shape(value):
    return isinstance(value, (tuple, list)) and all(v is None or isinstance(v, int) for v in value)


def _map_shapes(fn, structure):
    if _is_shape(structure):
        return fn(tuple(structure))
    if isinstance(structure, dict):
        return {k: _map_shapes(fn, v) for k, v in structure.items()}
    return type(structure)(_map_shapes(fn, v) for v in structure)


def _serialize_function(fn):
    """Keras's function config: bytecode for Python lambdas, a registered
    object reference for named functions."""
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
        closure = tuple(cell.cell_contents for cell in fn.__closure__) if fn.__closure__ else None
        return {
            "class_name": "__lambda__",
            "config": {"code": code, "defaults": fn.__defaults__, "closure": closure},
        }
    if callable(fn):
        from lamina.saving import serialize_keras_object

        return serialize_keras_object(fn)
    raise ValueError(
        f"Lambda: invalid input type for serialization. Received: {fn} of type {type(fn)}."
    )


def _deserialize_function(config, custom_objects, safe_mode, deserialize):
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        if safe_mode:
            raise ValueError(
                "Requested the deserialization of a `Lambda` layer whose `function` is a "
                "Python lambda. This carries a potential risk of arbitrary code execution "
                "and thus it is disallowed by default. If you trust the source of the "
                "artifact, pass `safe_mode=False` to the loading function."
            )
        inner = config["config"]
        code = marshal.loads(base64.decodebytes(inner["code"].encode("ascii")))
        defaults = tuple(inner["defaults"]) if inner["defaults"] is not None else None
        closure = inner["closure"]
        if closure is not None:
            closure = tuple(types.CellType(value) for value in closure)
        return types.FunctionType(code, globals(), code.co_name, defaults, closure)
    return deserialize(config, custom_objects=custom_objects)
