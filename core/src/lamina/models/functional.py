"""`Functional`: a model defined as a graph of layer and op calls on symbolic tensors.

The graph is read from the `Node`s that calling layers (and `lamina.ops`) on `KerasTensor`s
records: each tensor's `_keras_history` names the operation, the call (node index) and the
output index that produced it. `Functional` sorts the nodes by depth and replays them on
real values in `call`.
"""

from __future__ import annotations

import collections
import copy
import inspect
import warnings

from lamina.autodiff import nest
from lamina.layers.input_layer import Input, InputLayer
from lamina.layers.layer import Layer, call_accepts
from lamina.layers.symbolic import KerasTensor, Node, SymbolicOp
from lamina.models.model import Model


def _history(x):
    operation, node_index, tensor_index = tuple(x._keras_history)[:3]
    return operation, node_index, tensor_index


def _node_key(operation, node_index) -> str:
    return f"{id(operation)}_ib-{node_index}"


def _map_structure(fn, structure):
    """Apply `fn` to every leaf of a nest of lists, tuples and dicts."""
    if isinstance(structure, dict):
        return type(structure)((k, _map_structure(fn, v)) for k, v in structure.items())
    if isinstance(structure, (list, tuple)):
        items = [_map_structure(fn, v) for v in structure]
        if hasattr(structure, "_fields"):
            return type(structure)(*items)
        return type(structure)(items)
    return fn(structure)


def _is_input_node(node) -> bool:
    return not node.input_tensors


def _is_input_keras_tensor(x) -> bool:
    operation, node_index, _ = _history(x)
    return _is_input_node(operation._inbound_nodes[node_index])


def _unpack_singleton(x):
    if isinstance(x, (list, tuple)) and len(x) == 1:
        return x[0]
    return x


def _build_map(inputs, outputs):
    """Depth-first walk from `outputs`: the nodes in topological order, and each
    operation's first-visit index."""
    finished, in_progress = set(), set()
    ordered, operation_indices = [], {}
    input_ids = {id(x) for x in nest.flatten(inputs)}

    def visit(tensor):
        operation, node_index, _ = _history(tensor)
        if operation is None:
            return
        node = operation._inbound_nodes[node_index]
        if node in finished:
            return
        if not _is_input_node(node) and id(tensor) in input_ids:
            finished.add(node)  # an intermediate tensor used as a model input
            return
        if node in in_progress:
            raise ValueError(
                f"Tensor {tensor} from operation '{operation.name}' is part of a cycle."
            )
        operation_indices.setdefault(operation, len(operation_indices))
        in_progress.add(node)
        if not _is_input_node(node):
            for x in node.input_tensors:
                visit(x)
        finished.add(node)
        in_progress.remove(node)
        ordered.append(node)

    for output in nest.flatten(outputs):
        visit(output)
    return ordered, operation_indices


def _input_description(x) -> str:
    operation = _history(x)[0]
    name = getattr(operation, "name", None) or getattr(x, "name", None)
    return f"'{name}' (shape={tuple(x.shape)}, dtype={x.dtype})"


def map_graph(inputs, outputs):
    """Sort the graph between `inputs` and `outputs` by depth and check it is connected.

    Returns:
        `(node_keys, nodes_by_depth, operations)`: the keys of the nodes that belong to
        the graph, `{depth: [Node]}` (depth 0 = outputs), and the operations ordered from
        the inputs to the outputs.
    """
    ordered, operation_indices = _build_map(inputs, outputs)
    in_graph = set(ordered)
    node_keys = {_node_key(n.operation, n.operation._inbound_nodes.index(n)) for n in ordered}
    node_depths, operation_depths = {}, {}
    for node in reversed(ordered):
        depth = node_depths.setdefault(node, 0)
        depth = max(depth, operation_depths.get(node.operation, 0))
        operation_depths[node.operation] = depth
        node_depths[node] = depth
        for parent in node.parent_nodes:
            if parent in in_graph:
                node_depths[parent] = max(depth + 1, node_depths.get(parent, 0))

    for x in nest.flatten(inputs):  # unused inputs still belong to the model
        operation, node_index, _ = _history(x)
        if operation is not None and operation not in operation_depths:
            node = operation._inbound_nodes[node_index]
            if _is_input_node(node):
                operation_depths[operation] = 0
                operation_indices[operation] = -1
                node_depths[node] = 0
                node_keys.add(_node_key(operation, node_index))

    nodes_by_depth = collections.defaultdict(list)
    for node, depth in node_depths.items():
        nodes_by_depth[depth].append(node)
    operations_by_depth = collections.defaultdict(list)
    for operation, depth in operation_depths.items():
        operations_by_depth[depth].append(operation)
    operations = []
    for depth in sorted(operations_by_depth, reverse=True):
        operations += sorted(operations_by_depth[depth], key=lambda op: operation_indices[op])

    computable = {id(x) for x in nest.flatten(inputs)}
    reached = []
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            for x in node.input_tensors:
                if id(x) not in computable:
                    operation = _history(x)[0]
                    missing = x
                    # Walk up to the graph input this tensor comes from, to name it.
                    while operation is not None and operation._inbound_nodes:
                        source = operation._inbound_nodes[_history(missing)[1]]
                        if _is_input_node(source) or not source.input_tensors:
                            break
                        missing = source.input_tensors[0]
                        operation = _history(missing)[0]
                    given = ", ".join(_input_description(t) for t in nest.flatten(inputs))
                    raise ValueError(
                        "Graph disconnected: cannot obtain the value of tensor "
                        f"{x} (shape={tuple(x.shape)}) needed by operation "
                        f"'{node.operation.name}': it depends on the input "
                        f"{_input_description(missing)}, which is not among the model's "
                        f"inputs [{given}]. Pass it in `inputs`. Operations reached "
                        f"without issue: {reached}"
                    )
            if _is_input_node(node) and not any(id(x) in computable for x in node.outputs):
                continue  # an `Input` that is not among the model's inputs: not computable
            reached.append(node.operation.name)
            computable.update(id(x) for x in nest.flatten(node.outputs))

    names = [op.name for op in operations]
    for name in names:
        if names.count(name) != 1:
            raise ValueError(
                f'The name "{name}" is used {names.count(name)} times in the model. '
                "All operation names should be unique."
            )
    return node_keys, dict(nodes_by_depth), operations


def _clone_keras_tensor(x, mapping):
    if not isinstance(x, KerasTensor):
        return x
    if id(x) not in mapping:
        mapping[id(x)] = KerasTensor(shape=x.shape, dtype=x.dtype, name=f"{x.name}_clone")
    return mapping[id(x)]


def clone_graph_nodes(inputs, outputs):
    """Copy the nodes between intermediate `inputs` and `outputs`, with new `Input`s.

    Used for models built from tensors in the middle of another graph (feature extraction):
    the layers are shared, the calls are recorded again from fresh inputs.
    """
    nodes = _build_map(inputs, outputs)[0]
    mapping, operations = {}, {}
    cloned_inputs = []
    for x in nest.flatten(inputs):
        if _is_input_keras_tensor(x):
            cloned_inputs.append(x)
            mapping[id(x)] = x
            continue
        clone = Input(batch_shape=tuple(x.shape), dtype=x.dtype, name=f"{x.name}CLONE")
        cloned_inputs.append(clone)
        mapping[id(x)] = clone
        operations[id(_history(x)[0])] = _history(clone)[0]
    cloned_outputs = []
    for x in nest.flatten(outputs):
        copy_ = KerasTensor(shape=x.shape, dtype=x.dtype, name=f"{x.name}_clone")
        copy_._keras_history = x._keras_history
        mapping[id(x)] = copy_
        cloned_outputs.append(copy_)
    for node in nodes:
        operation = operations.get(id(node.operation), node.operation)
        outputs_copy = _map_structure(lambda t: _clone_keras_tensor(t, mapping), node.outputs)
        if isinstance(operation, InputLayer):
            args, kwargs = (), {}
        else:
            args = _map_structure(lambda t: _clone_keras_tensor(t, mapping), node.call_args)
            kwargs = _map_structure(lambda t: _clone_keras_tensor(t, mapping), node.call_kwargs)
        Node(operation, call_args=args, call_kwargs=kwargs, outputs=outputs_copy)
    return (
        nest.pack_like(inputs, iter(cloned_inputs)),
        nest.pack_like(outputs, iter(cloned_outputs)),
    )


def _accepts(operation, name) -> bool:
    # Models take `training` and `mask` through `Model.__call__`; `SymbolicOp`s take neither.
    if isinstance(operation, Model):
        return True
    return isinstance(operation, Layer) and call_accepts(operation, name)


class Functional(Model):
    """A `Model` defined by the graph between symbolic `inputs` and `outputs`.

    `inputs`/`outputs` may be single tensors, lists, tuples or dicts; the model is called
    with (and returns) the same structure. Layers are shared with the graph they come
    from, so a model built on intermediate tensors extracts features of a trained model.

    Args:
        inputs: `KerasTensor`s from `lamina.Input` (or intermediate tensors of a graph).
        outputs: `KerasTensor`s computed from `inputs`.
        name: the model's name.
        trainable: whether the model's weights are trainable.

    Example:
        >>> x = lamina.Input(shape=(4,))
        >>> y = lamina.layers.Dense(2)(x)
        >>> model = lamina.Model(x, y)
        >>> model(np.ones((3, 4))).shape
        (3, 2)
    """

    def __new__(cls, *args, **kwargs):
        return Layer.__new__(cls)

    def __init__(self, inputs, outputs, name=None, **kwargs):
        if isinstance(inputs, dict):
            for key, value in inputs.items():
                if isinstance(value, KerasTensor) and key != value.name:
                    warnings.warn(
                        "When providing `inputs` as a dict, all keys in the dict must match "
                        f"the names of the corresponding tensors. Received key '{key}' "
                        f"mapping to value {value} which has name '{value.name}'. Change "
                        f"the tensor name to '{key}' (via `Input(..., name='{key}')`)",
                        stacklevel=2,
                    )
        trainable = kwargs.pop("trainable", None)
        flat_inputs = nest.flatten(inputs)
        flat_outputs = nest.flatten(outputs)
        for label, structure, flat in (
            ("inputs", inputs, flat_inputs),
            ("outputs", outputs, flat_outputs),
        ):
            if not flat:
                raise ValueError(
                    f"`{label}` argument cannot be empty. Received: inputs={inputs}, "
                    f"outputs={outputs}"
                )
            for x in flat:
                if not isinstance(x, KerasTensor):
                    raise ValueError(
                        f"All `{label}` values must be KerasTensors (from `lamina.Input` or "
                        f"layer calls on them). Received: {label}={structure} including "
                        f"invalid value {x!r} of type {type(x).__name__}"
                    )
        if not all(_is_input_keras_tensor(x) for x in flat_inputs):
            inputs, outputs = clone_graph_nodes(inputs, outputs)
        Layer.__init__(self, name=name, **kwargs)
        self._inputs_struct = _map_structure(lambda x: x, inputs)
        self._outputs_struct = _map_structure(lambda x: x, outputs)
        self._inputs = nest.flatten(inputs)
        self._outputs = nest.flatten(outputs)
        self._nodes, self._nodes_by_depth, self._operations = map_graph(self._inputs, self._outputs)
        # Every output must be computable from the inputs alone.
        self._run_through_graph(
            [None] * len(self._inputs),
            call_fn=lambda op, *a, **k: [None] * len(nest.flatten(self._node_outputs(op))),
        )
        # The graph's layers are the model's sub-layers (weights, `trainable`, losses).
        self._layers = [op for op in self._operations if isinstance(op, Layer)]
        if trainable is not None:
            self.trainable = trainable
        self.built = True
        self.output_names = [_history(x)[0].name for x in self._outputs]

    def _node_outputs(self, operation):
        return operation._inbound_nodes[0].outputs if operation._inbound_nodes else [None]

    @property
    def layers(self):
        """The layers of the graph, from the inputs to the outputs (ops excluded)."""
        return [op for op in self._operations if isinstance(op, Layer)]

    @layers.setter
    def layers(self, _):
        raise AttributeError(
            "`Model.layers` attribute is reserved and should not be used. Please use another name."
        )

    @property
    def operations(self):
        """Layers and ops of the graph, from the inputs to the outputs."""
        return self._operations[:]

    @property
    def inputs(self):
        """The flat list of the model's symbolic inputs."""
        return self._inputs

    @property
    def outputs(self):
        """The flat list of the model's symbolic outputs."""
        return self._outputs

    @property
    def input(self):
        """The inputs in the structure given to the constructor."""
        return self._inputs_struct

    @property
    def output(self):
        """The outputs in the structure given to the constructor."""
        return self._outputs_struct

    @property
    def input_shape(self):
        shapes = _map_structure(lambda x: tuple(x.shape), self._inputs_struct)
        return _unpack_singleton(shapes) if isinstance(shapes, list) else shapes

    @property
    def output_shape(self):
        shapes = _map_structure(lambda x: tuple(x.shape), self._outputs_struct)
        return _unpack_singleton(shapes) if isinstance(shapes, list) else shapes

    def build(self, input_shape=None):
        self.built = True

    def _run_through_graph(self, inputs, operation_fn=None, call_fn=None):
        """Evaluate the graph on `inputs` (flat list), node by node from the inputs."""
        values = {id(x): y for x, y in zip(self._inputs, nest.flatten(inputs))}
        for depth in sorted(self._nodes_by_depth, reverse=True):
            for node in self._nodes_by_depth[depth]:
                if _is_input_node(node):
                    continue
                if any(id(x) not in values for x in node.input_tensors):
                    continue  # belongs to a branch that starts from another input
                args = _map_structure(
                    lambda t: values[id(t)] if isinstance(t, KerasTensor) else t, node.call_args
                )
                kwargs = _map_structure(
                    lambda t: values[id(t)] if isinstance(t, KerasTensor) else t,
                    node.call_kwargs,
                )
                operation = operation_fn(node.operation) if operation_fn else node.operation
                if call_fn is not None:
                    results = call_fn(operation, *args, **kwargs)
                else:
                    results = operation(*args, **kwargs)
                for x, y in zip(nest.flatten(node.outputs), nest.flatten(results)):
                    values[id(x)] = y
        results = []
        for i, x in enumerate(self._outputs):
            if id(x) not in values:
                raise ValueError(
                    f"Output {i} ({x}, produced by '{_history(x)[0].name}') is not "
                    "connected to `inputs`."
                )
            results.append(values[id(x)])
        return nest.pack_like(self._outputs_struct, iter(results))

    def _standardize_inputs(self, inputs):
        """Flatten `inputs` in the order of `self.inputs`, converted to their dtypes."""
        from lamina import ops

        struct = self._inputs_struct
        if isinstance(struct, list) and len(struct) == 1 and not isinstance(inputs, (list, dict)):
            inputs = [inputs]
        elif isinstance(inputs, dict) and not isinstance(struct, dict):
            names = [x.name for x in self._inputs]
            if not set(names) <= set(inputs):
                raise ValueError(
                    f"Model '{self.name}' expects inputs named {names}. Received a dict "
                    f"with keys {sorted(inputs)}."
                )
            inputs = [inputs[n] for n in names]
        elif isinstance(struct, dict) and not isinstance(inputs, dict):
            if list(struct) != sorted(struct):
                raise ValueError(
                    f"Model '{self.name}' expects a dict of inputs with keys "
                    f"{list(struct)}. Received: {type(inputs).__name__}."
                )
        if isinstance(struct, dict) and isinstance(inputs, dict):
            missing = sorted(set(struct) - set(inputs))
            if missing:
                raise ValueError(
                    f"Model '{self.name}' is missing inputs {missing}. Expected keys "
                    f"{sorted(struct)}, received {sorted(inputs)}."
                )
            inputs = {k: inputs[k] for k in struct}
        flat = nest.flatten(inputs)
        if len(flat) != len(self._inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self._inputs)} input(s) "
                f"{[x.name for x in self._inputs]}, but received {len(flat)}."
            )
        converted = []
        for x, ref in zip(flat, self._inputs):
            if x is None:
                converted.append(None)
                continue
            mask = getattr(x, "_keras_mask", None)
            if not isinstance(x, KerasTensor):
                x = ops.convert_to_tensor(x)
                if x.dtype != ref.dtype:  # inputs take the dtype of their `Input`
                    x = ops.cast(x, ref.dtype)
            x = self._adjust_rank(x, ref)
            if mask is not None and getattr(x, "_keras_mask", None) is None:
                x._keras_mask = mask
            converted.append(x)
        return converted

    def _adjust_rank(self, x, ref):
        """Squeeze or expand a trailing axis of size 1, as Keras does; else check the shape."""
        from lamina import ops

        shape, ref_shape = tuple(x.shape), tuple(ref.shape)
        if len(shape) == len(ref_shape) + 1 and shape[-1] == 1:
            return ops.squeeze(x, axis=-1)
        if len(shape) == len(ref_shape) - 1 and ref_shape[-1] == 1:
            return ops.expand_dims(x, axis=-1)
        # The batch size is not checked, as in Keras (its input specs drop it): a model built
        # from one batch is called on batches of other sizes.
        compatible = len(shape) == len(ref_shape) and all(
            a is None or b is None or a == b for a, b in zip(shape[1:], ref_shape[1:])
        )
        if not compatible:
            raise ValueError(
                f"Model '{self.name}': input '{ref.name}' expects shape {ref_shape}, "
                f"but received a tensor with shape {shape}."
            )
        return x

    def call(self, inputs, training=None, mask=None):
        """Run the graph on `inputs` (the structure given to the constructor)."""
        inputs = self._standardize_inputs(inputs)
        if mask is not None:
            for x, m in zip(inputs, nest.flatten(mask)):
                if m is not None and x is not None:
                    x._keras_mask = m

        def operation_fn(operation):
            if training is None or not _accepts(operation, "training"):
                return operation

            def with_training(*args, **kwargs):
                kwargs.setdefault("training", training)
                return operation(*args, **kwargs)

            return with_training

        return _unpack_singleton(self._run_through_graph(inputs, operation_fn=operation_fn))

    def compute_output_spec(self, inputs, training=None, mask=None):
        """Symbolic outputs for symbolic `inputs` (when used as a layer of another model)."""
        flat = nest.flatten(inputs)
        if len(flat) == len(self._inputs) and all(
            tuple(x.shape) == tuple(ref.shape) for x, ref in zip(flat, self._inputs)
        ):
            outputs = _map_structure(
                lambda x: KerasTensor(shape=x.shape, dtype=x.dtype), self._outputs_struct
            )
            return _unpack_singleton(outputs)
        flat = self._standardize_inputs(inputs)
        outputs = self._run_through_graph(flat, operation_fn=_spec_fn)
        return _unpack_singleton(outputs)

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, (list, tuple)) and all(
            isinstance(d, int) or d is None for d in input_shape
        ):
            shapes = [input_shape]
        else:
            shapes = nest.flatten(_map_structure(lambda s: s, input_shape))
            shapes = input_shape if isinstance(input_shape, list) else shapes
        specs = [
            KerasTensor(shape=tuple(s), dtype=ref.dtype) for s, ref in zip(shapes, self._inputs)
        ]
        outputs = self.compute_output_spec(specs if len(specs) > 1 else specs[0])
        return _map_structure(lambda x: tuple(x.shape), outputs)

    def get_config(self):
        """Keras's functional config: `name`, `trainable`, `layers` (each with its
        `inbound_nodes`), `input_layers` and `output_layers`."""
        from lamina.saving import serialize_keras_object
        from lamina.saving.serialization_lib import serialize_op

        if not _functional_like_constructor(type(self)):
            return Model.get_config(self)
        config = {"name": self.name, "trainable": self.trainable}
        reindex = {}
        for operation in self._operations:
            # Keras numbers a nested Functional's nodes from 1 in input/output_layers.
            kept = 1 if isinstance(operation, Functional) else 0
            for index in range(len(operation._inbound_nodes)):
                key = _node_key(operation, index)
                if key in self._nodes:
                    reindex[key] = kept
                    kept += 1
        layer_configs = []
        for operation in self._operations:
            inbound = []
            for index, node in enumerate(operation._inbound_nodes):
                if _node_key(operation, index) in self._nodes:
                    data = _serialize_node(node, self._nodes)
                    if data is not None:
                        inbound.append(data)
            if isinstance(operation, SymbolicOp):  # an op call: Keras's operation config
                layer_config = serialize_op(operation.fn, name=operation.name)
            else:
                layer_config = serialize_keras_object(operation)
            layer_config["name"] = operation.name
            layer_config["inbound_nodes"] = inbound
            layer_configs.append(layer_config)
        config["layers"] = layer_configs

        def tensor_config(x):
            operation, node_index, tensor_index = _history(x)
            return [operation.name, reindex[_node_key(operation, node_index)], tensor_index]

        config["input_layers"] = _map_structure(tensor_config, self._inputs_struct)
        config["output_layers"] = _map_structure(tensor_config, self._outputs_struct)
        return copy.deepcopy(config)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return functional_from_config(cls, config, custom_objects=custom_objects)


def _spec_fn(operation):
    spec = getattr(operation, "compute_output_spec", None)
    return spec if spec is not None else operation


def _functional_like_constructor(cls) -> bool:
    spec = inspect.getfullargspec(cls.__init__)
    if spec.args[1:] == ["inputs", "outputs", "name"]:
        return True
    return spec.varargs is not None and spec.varkw is not None


def _serialize_keras_tensor(x, own_nodes):
    """`{"class_name": "__keras_tensor__", ...}` with node indices counted among `own_nodes`."""
    operation, node_index, tensor_index = _history(x)
    skipped = sum(1 for i in range(node_index) if _node_key(operation, i) not in own_nodes)
    return {
        "class_name": "__keras_tensor__",
        "config": {
            "shape": list(x.shape),
            "dtype": x.dtype,
            "keras_history": [operation.name, node_index - skipped, tensor_index],
        },
    }


def _serialize_node(node, own_nodes):
    from lamina.saving import serialize_keras_object

    if _is_input_node(node):
        return None

    def convert(x):
        if isinstance(x, KerasTensor):
            return _serialize_keras_tensor(x, own_nodes)
        return serialize_keras_object(x)

    args = [_map_structure(convert, a) for a in node.call_args]
    kwargs = {k: _map_structure(convert, v) for k, v in node.call_kwargs.items()}
    return {"args": args, "kwargs": kwargs}


def _is_tensor_config(x) -> bool:
    return isinstance(x, dict) and x.get("class_name") == "__keras_tensor__"


def _deserialize_node(node_data, created_layers, custom_objects):
    """`(args, kwargs)` for re-calling a layer, from a Keras 3 or Keras 2 node config."""
    from lamina.saving import deserialize_keras_object

    if not node_data:
        return [], {}
    if isinstance(node_data, list):  # Keras 2: [[layer_name, node_index, tensor_index, kwargs]]
        tensors, kwargs = [], {}
        for entry in node_data:
            if len(entry) not in (3, 4):
                raise ValueError(f"Cannot deserialize the model: invalid node data {entry}.")
            tensors.append(_inbound_tensor(created_layers, entry[0], entry[1], entry[2]))
            if len(entry) == 4:
                kwargs = entry[3]
        return [_unpack_singleton(tensors)], kwargs

    def revive(x):
        if _is_tensor_config(x):
            name, node_index, tensor_index = x["config"]["keras_history"]
            return _inbound_tensor(created_layers, name, node_index, tensor_index)
        if isinstance(x, dict) and "class_name" in x:
            return deserialize_keras_object(x, custom_objects=custom_objects)
        if isinstance(x, dict):
            return {k: revive(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return type(x)(revive(v) for v in x)
        return x

    args = revive(node_data.get("args", []))
    kwargs = revive(node_data.get("kwargs", {}))
    return list(args), dict(kwargs)


def _inbound_tensor(created_layers, name, node_index, tensor_index):
    if name not in created_layers:
        raise ValueError(f"Invalid Functional model configuration: unknown layer '{name}'.")
    layer = created_layers[name]
    if len(layer._inbound_nodes) <= node_index:
        # Not called yet: the caller retries after the other layers' nodes exist.
        raise IndexError(f"Layer '{name}' has no node {node_index} yet.")
    return nest.flatten(layer._inbound_nodes[node_index].outputs)[tensor_index]


def functional_from_config(cls, config, custom_objects=None):
    """Rebuild a `Functional` (or a subclass with the same constructor) from `get_config()`.

    Accepts Keras 3 configs (nodes as `{"args", "kwargs"}`) and Keras 2 ones (nodes as
    `[[layer, node_index, tensor_index, kwargs], ...]`).

    Example:
        >>> clone = Functional.from_config(model.get_config())  # doctest: +SKIP
    """
    from lamina.saving import deserialize_keras_object

    config = dict(config)
    created, pending, order = {}, {}, []
    for layer_data in config["layers"]:
        name = layer_data["name"]
        layer = deserialize_keras_object(layer_data, custom_objects=custom_objects)
        if not callable(layer):
            raise ValueError(
                "Unexpected object from deserialization, expected a layer or operation, "
                f"got a {type(layer)}"
            )
        created[name] = layer
        order.append(name)
        pending[name] = list(layer_data.get("inbound_nodes", []))

    while any(pending.values()):
        progressed = False
        for name in order:
            queue = pending[name]
            while queue:
                try:
                    args, kwargs = _deserialize_node(queue[0], created, custom_objects)
                except IndexError:
                    break
                outputs = created[name](*args, **kwargs)
                if not isinstance(created[name], Layer):
                    # An op config: the call recorded a graph operation; keep the saved name.
                    operation = _history(nest.flatten(outputs)[0])[0]
                    operation.name = name
                    created[name] = operation
                queue.pop(0)
                progressed = True
        if not progressed:
            stuck = {n: len(q) for n, q in pending.items() if q}
            raise ValueError(
                "Invalid Functional model configuration. The graph of the Functional model "
                "either has loops or disconnected nodes. The following layers have nodes "
                f"that failed to be resolved: {stuck}"
            )

    def get_tensor(name, node_index, tensor_index):
        layer = created[name]
        if isinstance(layer, Functional):
            node_index -= 1  # see get_config: a nested Functional's nodes count from 1
        return nest.flatten(layer._inbound_nodes[node_index].outputs)[tensor_index]

    def map_tensors(data):
        if isinstance(data, list) and len(data) == 3 and isinstance(data[0], str):
            return get_tensor(*data)
        if isinstance(data, dict):
            return {k: map_tensors(v) for k, v in data.items()}
        if isinstance(data, tuple):
            return tuple(map_tensors(v) for v in data)
        return [map_tensors(v) for v in data]

    inputs = map_tensors(config.pop("input_layers"))
    outputs = map_tensors(config.pop("output_layers"))
    config.pop("layers")
    name = config.pop("name", None)
    trainable = config.pop("trainable", None)
    config.pop("dtype", None)
    return cls(inputs=inputs, outputs=outputs, name=name, trainable=trainable, **config)
