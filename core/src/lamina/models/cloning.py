"""`clone_model`: a copy of a Sequential or Functional model with new layers (new weights)."""

from __future__ import annotations

from lamina.autodiff import nest
from lamina.layers.input_layer import Input, InputLayer
from lamina.layers.layer import Layer
from lamina.layers.symbolic import KerasTensor
from lamina.models.functional import Functional, _functional_like_constructor, _map_structure
from lamina.models.sequential import Sequential


def _default_clone(layer):
    return type(layer).from_config(layer.get_config())


def _wrap_clone_function(clone_function, call_function, recursive, cache):
    """Clone each distinct layer once (shared layers stay shared), recursing into models."""
    clone_function = clone_function or _default_clone

    def wrapped(layer):
        if not isinstance(layer, Layer):
            return layer  # ops in the graph carry no state: reuse them
        if id(layer) in cache:
            return cache[id(layer)]
        if recursive and isinstance(layer, (Sequential, Functional)):
            clone = clone_model(
                layer,
                clone_function=clone_function,
                call_function=None if isinstance(layer, Sequential) else call_function,
                recursive=True,
                cache=cache,
            )
        else:
            clone = clone_function(layer)
        cache[id(layer)] = clone
        return clone

    return wrapped


def _copy_compile(model, clone):
    if getattr(model, "compiled", False) and hasattr(model, "get_compile_config"):
        clone.compile_from_config(model.get_compile_config())
    return clone


def _clone_sequential(model, clone_function, input_tensors):
    new_layers = [clone_function(layer) for layer in model.layers]
    first = model._stack[0] if model._stack else None
    if input_tensors is not None:
        if isinstance(input_tensors, (list, tuple)):
            if len(input_tensors) != 1:
                raise ValueError("Argument `input_tensors` must contain a single tensor.")
            input_tensors = input_tensors[0]
        if not isinstance(input_tensors, KerasTensor):
            raise ValueError(
                "Argument `input_tensors` must be a KerasTensor. Received invalid value: "
                f"input_tensors={input_tensors}"
            )
        new_layers = [input_tensors, *new_layers]
    elif isinstance(first, InputLayer):
        new_layers = [
            Input(batch_shape=tuple(first.batch_shape), dtype=first.dtype, name=first.name),
            *new_layers,
        ]
    clone = Sequential(new_layers, name=model.name, trainable=model.trainable)
    return _copy_compile(model, clone)


def _clone_functional(model, clone_function, input_tensors, call_function):
    if input_tensors is not None:
        if not all(isinstance(x, KerasTensor) for x in nest.flatten(input_tensors)):
            raise ValueError(
                "All entries in `input_tensors` must be KerasTensors. Received invalid "
                f"values: input_tensors={input_tensors}"
            )
        if len(nest.flatten(input_tensors)) != len(model.inputs):
            raise ValueError(
                "`input_tensors` must have the same structure as model.input\n"
                f"Reference structure: {model.input}\nReceived structure: {input_tensors}"
            )
    else:
        input_tensors = _map_structure(
            lambda x: Input(batch_shape=tuple(x.shape), dtype=x.dtype, name=x.name),
            model.input,
        )
    outputs = model._run_through_graph(
        nest.flatten(input_tensors), operation_fn=clone_function, call_fn=call_function
    )
    cls = type(model) if _functional_like_constructor(type(model)) else Functional
    clone = cls(input_tensors, outputs, name=model.name)
    return _copy_compile(model, clone)


def clone_model(
    model,
    input_tensors=None,
    clone_function=None,
    call_function=None,
    recursive=False,
    **kwargs,
):
    """Copy a Sequential or Functional model with newly created layers (fresh weights).

    Args:
        model: the model to copy.
        input_tensors: symbolic tensors to build the copy on (default: new `Input`s).
        clone_function: `fn(layer) -> layer` making each new layer (default:
            `type(layer).from_config(layer.get_config())`); returning the layer itself
            shares it.
        call_function: `fn(layer, *args, **kwargs)` calling each layer (Functional only),
            e.g. to insert extra layers.
        recursive: also clone nested Sequential/Functional models with `clone_model`.

    Returns:
        The new model; subclassed models are rebuilt from `get_config()`.

    Example:
        >>> copy = clone_model(model)  # doctest: +SKIP
        >>> copy.set_weights(model.get_weights())  # doctest: +SKIP
    """
    cache = kwargs.pop("cache", None)
    if kwargs:
        raise ValueError(f"Unexpected keyword argument(s): {tuple(kwargs)}")
    cache = {} if cache is None else cache
    if isinstance(model, Sequential):
        if call_function is not None:
            raise ValueError(
                "`call_function` argument is not supported with Sequential models. In a "
                "Sequential model, layers aren't called at model-construction time (they're "
                "merely listed). Use `call_function` with Functional models only."
            )
        wrapped = _wrap_clone_function(clone_function, None, recursive, cache)
        return _clone_sequential(model, wrapped, input_tensors)
    if isinstance(model, Functional):
        wrapped = _wrap_clone_function(clone_function, call_function, recursive, cache)
        return _clone_functional(model, wrapped, input_tensors, call_function)
    if clone_function or input_tensors:
        raise ValueError(
            "Arguments `clone_function` and `input_tensors` are only supported for "
            "Sequential models or Functional models. Received model of type "
            f"'{type(model).__name__}', with clone_function={clone_function} and "
            f"input_tensors={input_tensors}"
        )
    if call_function is not None:
        raise ValueError(
            "Argument `call_function` is only supported for Functional models. Received "
            f"model of type '{type(model).__name__}'."
        )
    from lamina.saving import deserialize_keras_object, serialize_keras_object

    config = serialize_keras_object(model)
    return deserialize_keras_object(config, custom_objects={type(model).__name__: type(model)})
