"""`Model.summary()`: Keras's table of layers, output shapes and parameter counts, as plain text.

Keras draws the table with `rich`; lamina reproduces the same layout (column widths, word
wrapping, ellipsis truncation, the heavy-head box characters) without depending on it.
"""

from __future__ import annotations

import math
import re
import shutil
import sys

from lamina.autodiff import nest

_ITEM_SIZES = {
    "bool": 1,
    "int8": 1,
    "uint8": 1,
    "int16": 2,
    "uint16": 2,
    "float16": 2,
    "bfloat16": 2,
    "int32": 4,
    "uint32": 4,
    "float32": 4,
    "int64": 8,
    "uint64": 8,
    "float64": 8,
    "complex64": 8,
    "complex128": 16,
}
_WORD = re.compile(r"\s*\S+\s*")


def count_params(weights) -> int:
    """The number of scalars in `weights`, each distinct variable counted once."""
    unique = {id(w): w for w in weights}.values()
    return int(sum(math.prod(w.shape) for w in unique))


def weight_memory_size(weights) -> int:
    """Bytes taken by `weights`, each distinct variable counted once."""
    unique = {id(w): w for w in weights}.values()
    return sum(math.prod(w.shape) * _ITEM_SIZES.get(str(w.dtype), 4) for w in unique)


def readable_memory_size(size) -> str:
    """`size` bytes as Keras writes it: `248.00 B`, `53.29 KB`, `1.20 MB`."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap; a word longer than `width` is cut and ends with an ellipsis."""
    lines, start, used = [], 0, 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        length = len(word.rstrip())
        if width - used >= length:
            used += len(word)
        elif length > width or used:
            if match.start():
                lines.append(text[start : match.start()])
                start = match.start()
            used = len(word)
    lines.append(text[start:])
    out = []
    for line in lines:
        line = line.rstrip() if len(line) > width else line
        if len(line) > width:
            line = line[: width - 1] + "…"
        out.append(line)
    return out


def _justify(line: str, width: int, how: str) -> str:
    if how == "left":
        return line.ljust(width)
    line = line.rstrip()
    if how == "right":
        return line.rjust(width)
    left = (width - len(line)) // 2
    return (" " * left + line).ljust(width)


def _column_widths(positions, line_length: int) -> list[int]:
    """Content widths of the columns, following rich's reduction of fixed-width columns."""
    widths, current = [], 0
    for pos in positions:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    cells = [w + 2 for w in widths]  # one space of padding on each side
    available = line_length - (len(cells) + 1)  # the vertical borders
    excess = sum(cells) - available
    if excess > 0:  # rich's ratio_reduce with equal ratios
        remaining, parts, out = excess, len(cells), []
        for cell in cells:
            cut = min(cell, round(remaining / parts))
            out.append(cell - cut)
            remaining -= cut
            parts -= 1
        cells = out
    return [max(c - 2, 0) for c in cells]


def _render_table(header, alignment, rows, widths) -> list[str]:
    def rule(left, fill, mid, right):
        return left + mid.join(fill * (w + 2) for w in widths) + right

    def row_lines(cells, vertical, bottom=False):
        wrapped = [_wrap(str(c), w) for c, w in zip(cells, widths)]
        height = max(len(w) for w in wrapped)
        if bottom:  # rich aligns header cells to the bottom of the row
            wrapped = [[""] * (height - len(w)) + w for w in wrapped]
        lines = []
        for i in range(height):
            parts = [
                " " + _justify(cell[i] if i < len(cell) else "", w, how) + " "
                for cell, w, how in zip(wrapped, widths, alignment)
            ]
            lines.append(vertical + vertical.join(parts) + vertical)
        return lines

    lines = [rule("┏", "━", "┳", "┓")]
    lines += row_lines(header, "┃", bottom=True)
    lines.append(rule("┡", "━", "╇", "┩"))
    for i, row in enumerate(rows):
        if i:
            lines.append(rule("├", "─", "┼", "┤"))
        lines += row_lines(row, "│")
    lines.append(rule("└", "─", "┴", "┘"))
    return lines


def _format_shape(shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")"


def format_layer_shape(layer) -> str:
    """The output shape column: from the layer's last call node, else its build shapes."""
    nodes = getattr(layer, "_inbound_nodes", None) or []
    if nodes:
        outputs = nodes[-1].outputs
        shapes = [_format_shape(x.shape) for x in nest.flatten(outputs)]
        if len(shapes) == 1:
            return shapes[0]
        return "[" + ", ".join(shapes) + "]"
    if not getattr(layer, "built", False):
        return "?"
    try:
        shape = getattr(layer, "output_shape", None)
        if shape is None:
            build_config = layer.get_build_config() or {}
            if "input_shape" not in build_config:
                return "?"
            shape = layer.compute_output_shape(build_config["input_shape"])
    except Exception:  # a layer that cannot infer its output shape shows `?` as in Keras
        return "?"
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return "[" + ", ".join(_format_shape(s) for s in shape) + "]"
    return _format_shape(shape)


def _type_name(operation) -> str:
    """The class name Keras shows: an op call shows its Keras operation class."""
    fn = getattr(operation, "fn", None)
    if fn is not None and not hasattr(operation, "count_params"):
        from lamina.saving._keras_ops import KERAS_OP_CLASSES

        entry = KERAS_OP_CLASSES.get(getattr(fn, "__name__", ""))
        if entry is not None:
            return entry[1]
    return type(operation).__name__


def _is_sequential_like(model, functional_cls, sequential_cls) -> bool:
    if isinstance(model, sequential_cls) or not isinstance(model, functional_cls):
        return True
    nodes = []
    for group in model._nodes_by_depth.values():
        if len(group) > 1 or (len(group) == 1 and len(group[0].input_tensors) > 1):
            return False
        nodes += group
    for layer in model.layers:  # a shared layer makes the graph non-linear
        if sum(1 for node in layer._inbound_nodes if node in nodes) > 1:
            return False
    return True


def _layer_range_bounds(layers, layer_range):
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2:
        raise ValueError(
            "layer_range must be a list or tuple of length 2. Received: "
            f"layer_range = {layer_range} of length {len(layer_range)}"
        )
    if not all(isinstance(x, str) for x in layer_range):
        raise ValueError(f"layer_range should contain string type only. Received: {layer_range}")
    lower = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    upper = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not lower or not upper:
        raise ValueError(
            f"Passed layer_names do not match the layer names in the model. Received: {layer_range}"
        )
    if min(lower) > max(upper):
        return min(upper), max(lower) + 1
    return min(lower), max(upper) + 1


def summary_text(
    model,
    line_length=None,
    positions=None,
    expand_nested=False,
    show_trainable=False,
    layer_range=None,
) -> str:
    """The text `model.summary()` prints, ending with a newline.

    Args:
        model: a `Model`.
        line_length: total width of the table; Keras's default is 88 (108 with a
            "Connected to" column), capped at the terminal width minus 4.
        positions: right edges of the columns as fractions of the line (or absolute).
        expand_nested: also list the layers of nested models, prefixed `└ `.
        show_trainable: add a "Trainable" column (Y/N/-).
        layer_range: two regexes naming the first and last layer to list.

    Example:
        >>> print(summary_text(model))  # doctest: +SKIP
    """
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    sequential_like = _is_sequential_like(model, Functional, Sequential)
    layers = model.layers if sequential_like else model._operations
    relevant_nodes = []
    if sequential_like:
        default_length, positions = 88, positions or [0.45, 0.80, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
        alignment = ["left", "left", "right"]
    else:
        default_length, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        alignment = ["left", "left", "right", "left"]
        for group in model._nodes_by_depth.values():
            relevant_nodes += group
    if show_trainable:
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        alignment.append("center")
    default_length = min(default_length, shutil.get_terminal_size().columns - 4)
    line_length = line_length or default_length
    widths = _column_widths(positions, line_length)

    def connections(layer):
        parts = []
        for node in layer._inbound_nodes:
            if relevant_nodes and node not in relevant_nodes:
                continue  # a call of a shared layer from outside this model
            for x in node.input_tensors:
                operation, node_index, tensor_index = tuple(x._keras_history)[:3]
                parts.append(f"{operation.name}[{node_index}][{tensor_index}]")
        return ", ".join(parts) or "-"

    def fields(layer, prefix):
        if not hasattr(layer, "count_params"):  # an op in the graph
            params = "0"
        elif not getattr(layer, "built", True):
            params = "0 (unbuilt)"
        else:
            params = f"{layer.count_params():,}"
        row = [f"{prefix}{layer.name} ({_type_name(layer)})", format_layer_shape(layer), params]
        if not sequential_like:
            row.append(connections(layer))
        if show_trainable:
            if getattr(layer, "weights", None):
                row.append("Y" if layer.trainable else "N")
            else:
                row.append("-")
        return row

    def layer_rows(layer, level=0):
        rows = [fields(layer, "   " * level + "└ " if level else "")]
        nested = getattr(layer, "layers", None) if expand_nested else None
        if nested:
            for sub in nested:
                rows += layer_rows(sub, level + 1)
        return rows

    start, stop = _layer_range_bounds(layers, layer_range)
    rows = []
    for layer in layers[start:stop]:
        rows += layer_rows(layer)

    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    trainable_count, trainable_size = count_params(trainable), weight_memory_size(trainable)
    frozen_count, frozen_size = count_params(non_trainable), weight_memory_size(non_trainable)
    optimizer = getattr(model, "optimizer", None) if getattr(model, "compiled", False) else None
    optimizer_vars = list(optimizer.variables) if optimizer is not None else []
    optimizer_count = count_params(optimizer_vars)
    optimizer_size = weight_memory_size(optimizer_vars)

    lines = [f'Model: "{model.name}"']
    lines += _render_table(header, alignment, rows, widths)
    total = trainable_count + frozen_count + optimizer_count
    total_size = trainable_size + frozen_size + optimizer_size
    lines.append(f" Total params: {total:,} ({readable_memory_size(total_size)})")
    lines.append(f" Trainable params: {trainable_count:,} ({readable_memory_size(trainable_size)})")
    lines.append(f" Non-trainable params: {frozen_count:,} ({readable_memory_size(frozen_size)})")
    if optimizer_vars:
        lines.append(
            f" Optimizer params: {optimizer_count:,} ({readable_memory_size(optimizer_size)})"
        )
    return "\n".join(lines) + "\n"


def print_summary(model, print_fn=None, **kwargs) -> None:
    """Print `summary_text(model, **kwargs)`: to stdout, or as one string to `print_fn`.

    Keras calls `print_fn` once with the whole summary (ending in a newline).
    """
    text = summary_text(model, **kwargs)
    if print_fn is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        print_fn(text)
