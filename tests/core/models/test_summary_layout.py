"""summary(): layout helpers and the printed text of small models."""

import numpy as np
import pytest

from lamina.layers.core import Dense
from lamina.layers.input_layer import Input
from lamina.layers.merging import Add
from lamina.models import Model, Sequential
from lamina.models.summary import _column_widths, _wrap, readable_memory_size


@pytest.mark.parametrize(
    "positions, length, widths",
    [
        ([0.45, 0.80, 1.0], 76, [31, 22, 13]),  # Keras's default under an 80-column terminal
        ([0.3, 0.56, 0.74, 1.0], 76, [19, 17, 10, 17]),
        ([0.27, 0.504, 0.666, 0.9, 1.0], 76, [17, 15, 9, 14, 5]),
    ],
)
def test_column_widths_follow_rich(positions, length, widths):
    assert _column_widths(positions, length) == widths


def test_column_widths_too_narrow():
    with pytest.raises(ValueError, match="Insufficient console width"):
        _column_widths([0.45, 0.80, 1.0], 8)


@pytest.mark.parametrize(
    "text, width, lines",
    [
        (
            "batch_normalization (BatchNormalization)",
            31,
            ["batch_normalization ", "(BatchNormalization)"],
        ),
        ("dense[0][0], b[0][0]", 17, ["dense[0][0], ", "b[0][0]"]),
        ("Trainable", 5, ["Trai…"]),
        ("averyveryverylongname (Dense)", 10, ["averyvery…", "(Dense)"]),
        ("short", 10, ["short"]),
    ],
)
def test_wrap(text, width, lines):
    assert _wrap(text, width) == lines


@pytest.mark.parametrize(
    "size, text", [(0, "0.00 B"), (248, "248.00 B"), (54568, "53.29 KB"), (3 * 2**20, "3.00 MB")]
)
def test_readable_memory_size(size, text):
    assert readable_memory_size(size) == text


def test_sequential_summary_rows_and_totals():
    model = Sequential([Input((8,)), Dense(4, name="d1"), Dense(2, name="d2")], name="seq")
    lines = []
    model.summary(print_fn=lines.append, line_length=76)
    text = lines[0]
    assert text.startswith('Model: "seq"\n┏')
    assert "│ d1 (Dense)" in text and "(None, 4)" in text and "36 │" in text
    assert "InputLayer" not in text  # Sequential hides its InputLayer
    assert " Total params: 46 (184.00 B)" in text
    assert " Non-trainable params: 0 (0.00 B)" in text


def test_functional_summary_has_connected_to_column(capsys):
    a, b = Input((4,), name="a"), Input((4,), name="b")
    model = Model([a, b], Add(name="add")([Dense(4, name="d")(a), b]), name="f")
    model.summary(line_length=100)
    text = capsys.readouterr().out
    assert "Connected to" in text and "d[0][0], b[0][0]" in text
    assert "│ a (InputLayer)" in text and "│ -" in text


def test_summary_unbuilt_and_expand_nested():
    lines = []
    Sequential([Dense(3, name="d")]).summary(print_fn=lines.append)
    assert "│ d (Dense)" in lines[0] and "?" in lines[0] and "0 (unbuilt)" in lines[0]
    inner = Sequential([Dense(2, name="inner_d")], name="inner")
    x = Input((3,))
    model = Model(x, inner(x))
    lines = []
    model.summary(print_fn=lines.append, expand_nested=True)
    assert "│    └ inner_d (Dense)" in lines[0]
    model(np.ones((1, 3), "float32"))


def test_summary_layer_range_and_show_trainable():
    model = Sequential([Input((2,)), Dense(2, name="a"), Dense(2, name="b"), Dense(2, name="c")])
    model.get_layer("b").trainable = False
    lines = []
    model.summary(print_fn=lines.append, layer_range=["b", "c"], show_trainable=True)
    assert "a (Dense)" not in lines[0] and "b (Dense)" in lines[0]
    assert " N " in lines[0] and " Y " in lines[0]
    with pytest.raises(ValueError, match="do not match"):
        model.summary(print_fn=lines.append, layer_range=["zz", "c"])
