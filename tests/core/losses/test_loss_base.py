"""lamina.losses.Loss: reductions, sample weights, masks, dtypes, names and input types."""

import numpy as np
import pytest

import lamina
from lamina import losses, ops
from lamina.losses.reduction import reduce_weighted_values, squeeze_or_expand_to_same_rank


class AbsoluteSum(losses.Loss):
    def call(self, y_true, y_pred):
        return ops.sum(ops.abs(y_pred - y_true), axis=-1)


Y_TRUE = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 0.0]], "float32")
Y_PRED = np.array([[1.0, 1.0], [1.0, 3.0], [0.0, 0.0]], "float32")
PER_SAMPLE = np.array([1.0, 2.0, 2.0])  # |y_pred - y_true| summed per row
WEIGHTS = np.array([2.0, 0.5, 0.0], "float32")


@pytest.mark.parametrize(
    "reduction, weights, expected",
    [
        ("sum_over_batch_size", None, PER_SAMPLE.mean()),
        ("mean", None, PER_SAMPLE.mean()),
        ("sum", None, PER_SAMPLE.sum()),
        ("mean_with_sample_weight", None, PER_SAMPLE.mean()),
        ("none", None, PER_SAMPLE),
        (None, None, PER_SAMPLE),
        ("sum_over_batch_size", WEIGHTS, (PER_SAMPLE * WEIGHTS).sum() / 3),
        ("sum", WEIGHTS, (PER_SAMPLE * WEIGHTS).sum()),
        ("mean_with_sample_weight", WEIGHTS, (PER_SAMPLE * WEIGHTS).sum() / WEIGHTS.sum()),
        ("none", WEIGHTS, PER_SAMPLE * WEIGHTS),
    ],
)
def test_reductions_and_sample_weight(reduction, weights, expected):
    out = AbsoluteSum(reduction=reduction)(Y_TRUE, Y_PRED, sample_weight=weights)
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def test_sample_weight_of_shape_batch_1_and_scalar():
    loss = AbsoluteSum(reduction="sum")
    column = loss(Y_TRUE, Y_PRED, sample_weight=WEIGHTS[:, None]).numpy()
    np.testing.assert_allclose(column, (PER_SAMPLE * WEIGHTS).sum())
    np.testing.assert_allclose(loss(Y_TRUE, Y_PRED, sample_weight=2.0).numpy(), 10.0)


def test_bad_sample_weight_shape_names_both_shapes():
    with pytest.raises(
        ValueError,
        match=r"absolute_sum.*: `sample_weight` .*sample_weight.shape=\(2,\).*losses.shape=\(3,\)",
    ):
        AbsoluteSum()(Y_TRUE, Y_PRED, sample_weight=[1.0, 2.0])


def test_mask_on_y_pred_averages_over_valid_entries():
    # Per-step losses of a (batch, steps, 1) sequence with a (batch, steps) mask.
    y_true = np.zeros((2, 3, 1), "float32")
    y_pred = np.arange(6, dtype="float32").reshape(2, 3, 1)
    mask = np.array([[True, True, False], [False, True, True]])
    seq = ops.convert_to_tensor(y_pred)
    seq._keras_mask = ops.convert_to_tensor(mask)
    mean = losses.MeanAbsoluteError()(y_true, seq)
    np.testing.assert_allclose(mean.numpy(), y_pred[mask].mean())
    summed = losses.MeanAbsoluteError(reduction="sum")(y_true, seq)
    np.testing.assert_allclose(summed.numpy(), y_pred[mask].sum())
    weights = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "float32")
    weighted = losses.MeanAbsoluteError(reduction="mean_with_sample_weight")
    expected = (y_pred[..., 0] * weights)[mask].sum() / weights[mask].sum()
    np.testing.assert_allclose(weighted(y_true, seq, weights).numpy(), expected, rtol=1e-6)


def test_all_masked_gives_zero_not_nan():
    pred = ops.ones((2, 3, 1))
    pred._keras_mask = ops.zeros((2, 3), dtype="bool")
    out = losses.MeanSquaredError()(np.zeros((2, 3, 1)), pred)
    assert out.numpy() == 0.0


def test_mask_set_by_call_is_applied():
    y_true = np.array([[0], [1], [2]])
    y_pred = np.full((3, 3), 1 / 3, "float32")
    out = losses.SparseCategoricalCrossentropy(ignore_class=2)(y_true, y_pred)
    np.testing.assert_allclose(out.numpy(), np.log(3.0), rtol=1e-6)


def test_invalid_reduction():
    with pytest.raises(ValueError, match="reduction='avg'"):
        losses.MeanSquaredError(reduction="avg")


def test_call_must_be_implemented():
    with pytest.raises(NotImplementedError, match="Loss must implement `call"):
        losses.Loss()(Y_TRUE, Y_PRED)


def test_names_are_unique_per_class_and_explicit_names_kept():
    first, second = AbsoluteSum(), AbsoluteSum()
    assert first.name.startswith("absolute_sum") and second.name != first.name
    assert losses.MeanSquaredError().name == "mean_squared_error"
    assert losses.Huber(name="h").name == "h"


def test_inputs_as_lists_numpy_and_tensors():
    loss = losses.MeanSquaredError()
    expected = loss(Y_TRUE, Y_PRED).numpy()
    assert loss(Y_TRUE.tolist(), Y_PRED.tolist()).numpy() == pytest.approx(expected)
    tensors = [ops.convert_to_tensor(Y_TRUE), ops.convert_to_tensor(Y_PRED)]
    assert loss(*tensors).numpy() == pytest.approx(expected)
    assert loss([1, 2], [1.5, 2.5]).numpy() == pytest.approx(0.25)


def test_list_of_tensors_keeps_gradients():
    w = lamina.Variable([1.0, 2.0])
    with lamina.GradientTape() as tape:
        loss = losses.MeanSquaredError(reduction="sum")([[0.0, 0.0], [0.0, 0.0]], [w, w * 2])
    # d/dw of mean(w**2) + mean((2w)**2) = w + 4w
    np.testing.assert_allclose(tape.gradient(loss, w).numpy(), [5.0, 10.0])


def test_dtype_float64_and_policy():
    loss = losses.MeanSquaredError(dtype="float64")
    assert loss.dtype == "float64"
    assert loss(Y_TRUE, Y_PRED).dtype == "float64"
    half = losses.MeanSquaredError(dtype="mixed_float16")
    assert half.dtype == "float16"
    assert half(Y_TRUE, Y_PRED).dtype == "float16"
    # float16 predictions are upcast to the default float32 loss dtype
    out = losses.MeanSquaredError()(Y_TRUE, Y_PRED.astype("float16"))
    assert out.dtype == "float32"


def test_floatx_is_the_default_dtype():
    lamina.config.set_floatx("float64")
    try:
        assert losses.MeanAbsoluteError()(Y_TRUE, Y_PRED).dtype == "float64"
    finally:
        lamina.config.set_floatx("float32")


def test_gradients_through_a_loss_class():
    w = lamina.Variable(Y_PRED)
    with lamina.GradientTape() as tape:
        loss = losses.MeanSquaredError()(Y_TRUE, w * 1.0, sample_weight=WEIGHTS)
    expected = 2 * (Y_PRED - Y_TRUE) / 2 * WEIGHTS[:, None] / 3
    np.testing.assert_allclose(tape.gradient(loss, w).numpy(), expected, rtol=1e-6)


def test_squeeze_or_expand_to_same_rank():
    a, b = squeeze_or_expand_to_same_rank(ops.ones((4, 1)), ops.ones((4,)))
    assert a.shape == (4, 1) and b.shape == (4, 1)
    a, b = squeeze_or_expand_to_same_rank(ops.ones((4, 2, 1)), ops.ones((4, 2)))
    assert a.shape == (4, 2) and b.shape == (4, 2)
    a, b = squeeze_or_expand_to_same_rank(ops.ones((4,)), ops.ones((4, 1)), expand_rank_1=False)
    assert a.shape == (4,) and b.shape == (4,)


def test_reduce_weighted_values_scalar_and_empty_pass_through():
    assert reduce_weighted_values(3.0).numpy() == 3.0
    empty = reduce_weighted_values(np.zeros((0,), "float32"))
    assert empty.shape == (0,)


def test_config_round_trip():
    loss = AbsoluteSum(name="abs", reduction="sum")
    assert loss.get_config() == {"name": "abs", "reduction": "sum"}
    clone = AbsoluteSum.from_config(loss.get_config())
    assert clone.name == "abs" and clone.reduction == "sum"
