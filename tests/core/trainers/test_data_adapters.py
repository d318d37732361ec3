"""Data adapters: array batching/shuffling, class weights, splits, and get_data_adapter errors."""

import collections

import numpy as np
import pytest

import lamina
from lamina.data import Dataset
from lamina.trainers.data_adapters import (
    ArrayDataAdapter,
    DatasetAdapter,
    GeneratorDataAdapter,
    class_weight_to_sample_weights,
    get_data_adapter,
    pack_x_y_sample_weight,
    train_validation_split,
    unpack_x_y_sample_weight,
)


def batches(adapter):
    return list(adapter.get_numpy_iterator())


# ---- pack / unpack ------------------------------------------------------------------------
def test_unpack_and_pack_x_y_sample_weight():
    x, y, w = np.ones(2), np.zeros(2), np.full(2, 0.5)
    assert lamina.utils.unpack_x_y_sample_weight is unpack_x_y_sample_weight
    assert lamina.utils.pack_x_y_sample_weight is pack_x_y_sample_weight
    assert unpack_x_y_sample_weight(x) == (x, None, None)
    assert unpack_x_y_sample_weight((x,)) == (x, None, None)
    assert unpack_x_y_sample_weight([x, y]) == (x, y, None)
    assert unpack_x_y_sample_weight((x, y, w)) == (x, y, w)
    with pytest.raises(ValueError, match="found a tuple of 4 items"):
        unpack_x_y_sample_weight((x, y, w, w))
    assert pack_x_y_sample_weight(x) is x
    assert pack_x_y_sample_weight((x, y)) == ((x, y),)  # a tuple x is wrapped
    assert pack_x_y_sample_weight(x, y) == (x, y)
    assert pack_x_y_sample_weight(x, y, w) == (x, y, w)


# ---- array adapter ------------------------------------------------------------------------
def test_array_batches_with_uneven_last_batch():
    x, y = np.arange(20).reshape(10, 2), np.arange(10)
    adapter = ArrayDataAdapter(x, y, batch_size=4)
    assert (adapter.num_batches, adapter.batch_size) == (3, 4)
    assert adapter.has_partial_batch and adapter.partial_batch_size == 2
    out = batches(adapter)
    assert [b[1].tolist() for b in out] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    np.testing.assert_array_equal(out[2][0], x[8:])
    even = ArrayDataAdapter(x, batch_size=5)
    assert not even.has_partial_batch and even.partial_batch_size is None


def test_array_batch_size_defaults_to_32_or_from_steps():
    x = np.zeros((100, 1))
    assert ArrayDataAdapter(x).batch_size == 32
    adapter = ArrayDataAdapter(x, steps=3)
    assert (adapter.batch_size, adapter.num_batches) == (34, 3)


def test_array_nested_dict_and_tuple_inputs():
    x = {"image": np.ones((5, 2, 2)), "meta": (np.arange(5), [[1.0]] * 5)}
    y = [np.arange(5), np.arange(5) * 2]
    (first, second) = batches(ArrayDataAdapter(x, y, batch_size=3))
    bx, by = first
    assert set(bx) == {"image", "meta"} and bx["image"].shape == (3, 2, 2)
    assert isinstance(bx["meta"], tuple) and bx["meta"][1].dtype == np.float32
    assert isinstance(by, list) and by[1].tolist() == [0, 2, 4]
    assert second[1][0].tolist() == [3, 4]


def test_array_accepts_lists_of_numbers_and_lamina_tensors():
    x = lamina.ops.convert_to_tensor(np.arange(6, dtype="float32").reshape(3, 2))
    ((bx, by),) = batches(ArrayDataAdapter(x, [0, 1, 2], batch_size=8))
    assert isinstance(bx, np.ndarray) and bx.shape == (3, 2)
    assert by.dtype == np.int32 and by.tolist() == [0, 1, 2]
    (floats,) = batches(ArrayDataAdapter([0.5, 1.5]))
    assert floats.dtype == np.float32 and floats.tolist() == [0.5, 1.5]
    with pytest.raises(ValueError, match="must be rectangular"):
        ArrayDataAdapter([[1.0, 2.0], [3.0]])


def test_array_floats_become_floatx_like_keras():
    x = np.arange(4, dtype="float64")
    ((bx, by),) = batches(ArrayDataAdapter(x, np.arange(4, dtype="int64")))
    assert bx.dtype == np.float32 and by.dtype == np.int64


def test_array_x_only_batches_are_not_wrapped():
    (only,) = batches(ArrayDataAdapter(np.ones((3, 2))))
    assert isinstance(only, np.ndarray)
    (multi,) = batches(ArrayDataAdapter((np.ones((3, 2)), np.ones((3, 1)))))
    assert isinstance(multi, tuple) and len(multi) == 1 and len(multi[0]) == 2


def test_array_shuffle_true_permutes_each_epoch_like_keras():
    x = np.arange(10)
    adapter = ArrayDataAdapter(x, x, batch_size=3, shuffle=True)
    np.random.seed(0)
    expected = np.random.permutation(10)
    np.random.seed(0)
    epoch = np.concatenate([b[0] for b in batches(adapter)])
    np.testing.assert_array_equal(epoch, expected)
    assert all(np.array_equal(bx, by) for bx, by in batches(adapter))  # x, y stay aligned
    assert not np.array_equal(np.concatenate([b[0] for b in batches(adapter)]), expected)


def test_array_shuffle_batch_only_shuffles_inside_batches():
    x = np.arange(10)
    for bx in (b for b in batches(ArrayDataAdapter(x, batch_size=4, shuffle="batch"))):
        assert bx.max() - bx.min() < 4
    out = batches(ArrayDataAdapter(x, batch_size=4, shuffle="batch"))
    assert [sorted(b.tolist()) for b in out] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_array_sample_weight_and_multi_output_replication():
    x, y = np.ones((4, 1)), np.arange(4)
    ((_, _, w),) = batches(ArrayDataAdapter(x, y, sample_weight=np.arange(4.0), batch_size=4))
    assert w.tolist() == [0.0, 1.0, 2.0, 3.0]
    outputs = {"a": np.zeros(4), "b": np.ones(4)}
    ((_, _, weights),) = batches(ArrayDataAdapter(x, outputs, sample_weight=np.ones(4)))
    assert set(weights) == {"a", "b"}
    with pytest.raises(ValueError, match="one scalar score per sample"):
        ArrayDataAdapter(x, outputs, sample_weight=np.ones((4, 3)))
    with pytest.raises(ValueError, match="one `sample_weight` array per output"):
        ArrayDataAdapter(x, [y, y], sample_weight=[np.ones(4)])


def test_array_class_weight_becomes_sample_weight():
    y = np.array([0, 1, 2, 1])
    ((_, _, w),) = batches(ArrayDataAdapter(np.ones((4, 1)), y, class_weight={1: 2.0, 2: 0.5}))
    assert w.dtype == np.float32 and w.tolist() == [1.0, 2.0, 0.5, 2.0]
    with pytest.raises(ValueError, match="`class_weight` and `sample_weight`"):
        ArrayDataAdapter(np.ones((4, 1)), y, sample_weight=np.ones(4), class_weight={0: 1.0})
    with pytest.raises(ValueError, match="single output"):
        ArrayDataAdapter(np.ones((4, 1)), [y, y], class_weight={0: 1.0})


def test_class_weight_to_sample_weights_reads_one_hot_and_column_labels():
    one_hot = np.eye(3)[[2, 0, 1]]
    assert class_weight_to_sample_weights(one_hot, {2: 5.0}).tolist() == [5.0, 1.0, 1.0]
    column = np.array([[1.0], [0.0], [0.9]])
    assert class_weight_to_sample_weights(column, {1: 3.0}).tolist() == [3.0, 1.0, 3.0]
    with pytest.raises(ValueError, match="must be a dict"):
        class_weight_to_sample_weights(np.zeros(2), [1.0, 2.0])
    with pytest.raises(ValueError, match="needs targets"):
        class_weight_to_sample_weights(None, {0: 1.0})


def test_array_adapter_errors():
    with pytest.raises(
        ValueError, match=r"Data cardinality is ambiguous.*'x' sizes: 3.*'y' sizes: 2"
    ):
        ArrayDataAdapter(np.ones((3, 1)), np.ones(2))
    with pytest.raises(ValueError, match="'sample_weight' sizes: 5"):
        ArrayDataAdapter(np.ones((3, 1)), np.ones(3), sample_weight=np.ones(5))
    with pytest.raises(ValueError, match="scalar array"):
        ArrayDataAdapter(np.float32(3.0) * np.ones(()))
    with pytest.raises(ValueError, match="shuffle"):
        ArrayDataAdapter(np.ones(3), shuffle="yes")
    with pytest.raises(ValueError, match="batch_size"):
        ArrayDataAdapter(np.ones(3), batch_size=0)
    with pytest.raises(ValueError, match="array-like"):
        ArrayDataAdapter("not an array")


# ---- train_validation_split ---------------------------------------------------------------
def test_train_validation_split_takes_the_last_samples():
    x, y = np.arange(10).reshape(10, 1), list(range(10))
    (x_train, y_train, none), (x_val, y_val, _) = train_validation_split((x, y, None), 0.25)
    assert x_train.shape == (7, 1) and y_train.tolist() == list(range(7))
    assert x_val[:, 0].tolist() == [7, 8, 9] and y_val.tolist() == [7, 8, 9]
    assert none is None
    nested = train_validation_split({"a": np.zeros((4, 2)), "b": np.ones(4)}, 0.5)
    assert nested[1]["a"].shape == (2, 2)


def test_train_validation_split_errors():
    with pytest.raises(ValueError, match="only supported for tensors or NumPy arrays"):
        train_validation_split(Dataset.range(3), 0.5)
    with pytest.raises(ValueError, match="not sufficient to split"):
        train_validation_split(np.zeros(3), 0.9)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        train_validation_split(np.zeros(3), 1.5)


# ---- generator and Dataset adapters ------------------------------------------------------
def test_generator_adapter_peeks_then_replays_the_first_batch():
    gen = ((np.full((2, 1), i), np.zeros(2)) for i in range(3))
    adapter = get_data_adapter(gen)
    assert isinstance(adapter, GeneratorDataAdapter) and adapter.num_batches is None
    assert [int(b[0][0, 0]) for b in batches(adapter)] == [0, 1, 2]
    assert batches(adapter) == []  # a generator is consumed once


def test_generator_adapter_converts_tensors_and_accepts_iterators():
    items = iter([(lamina.ops.ones((2, 2)),)])
    ((x,),) = batches(get_data_adapter(items))
    assert isinstance(x, np.ndarray) and x.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_generator_adapter_errors():
    with pytest.raises(ValueError, match="at least one batch"):
        get_data_adapter(x for x in [])
    with pytest.raises(ValueError, match="must return a tuple"):
        get_data_adapter(np.ones(2) for _ in range(2))
    with pytest.raises(ValueError, match="class_weight` is not supported for Python generator"):
        get_data_adapter(((np.ones(2),) for _ in range(2)), class_weight={0: 1.0})
    with pytest.raises(ValueError, match=r"`y` should not be passed.*generator"):
        get_data_adapter(((np.ones(2),) for _ in range(2)), y=np.ones(2))
    with pytest.warns(UserWarning, match="shuffle=True"):
        get_data_adapter(((np.ones(2),) for _ in range(2)), shuffle=True)


def test_dataset_adapter_batches_cardinality_and_class_weight():
    ds = Dataset.from_tensor_slices((np.arange(5.0), np.array([0, 1, 0, 1, 1]))).batch(2)
    adapter = get_data_adapter(ds, batch_size=64, class_weight={1: 3.0})  # batch_size ignored
    assert isinstance(adapter, DatasetAdapter) and adapter.num_batches == 3
    out = batches(adapter)
    assert [b[2].tolist() for b in out] == [[1.0, 3.0], [1.0, 3.0], [3.0]]
    assert get_data_adapter(Dataset.range(3).repeat()).num_batches is None
    assert get_data_adapter(Dataset.range(3).filter(bool)).num_batches is None


def test_dataset_adapter_errors():
    ds = Dataset.from_tensor_slices((np.ones((4, 1)), np.ones(4))).batch(2)
    with pytest.raises(ValueError, match=r"`y` should not be passed.*lamina\.data\.Dataset"):
        get_data_adapter(ds, y=np.ones(4))
    with pytest.raises(ValueError, match="`sample_weight` should not be passed"):
        get_data_adapter(ds, sample_weight=np.ones(4))
    with pytest.warns(UserWarning, match="already"):
        get_data_adapter(ds, shuffle=True)
    with_weights = Dataset.from_tensor_slices((np.ones(2), np.ones(2), np.ones(2))).batch(2)
    with pytest.raises(ValueError, match="at the same time"):
        batches(get_data_adapter(with_weights, class_weight={1: 2.0}))
    with pytest.raises(ValueError, match=r"lamina\.data\.Dataset"):
        DatasetAdapter([1, 2])


def test_get_data_adapter_passes_adapters_through_and_rejects_unknown_types():
    adapter = ArrayDataAdapter(np.ones(3))
    assert get_data_adapter(adapter) is adapter
    with pytest.raises(ValueError, match=r"Unrecognized data type.*lamina\.data\.Dataset"):
        get_data_adapter(collections.Counter(a=1))
    with pytest.raises(ValueError, match="Unrecognized data type"):
        get_data_adapter(3.5)


def test_cardinality_error_lists_only_the_parts_given():
    with pytest.raises(ValueError) as err:
        get_data_adapter(np.ones((4, 2)), np.ones((3, 1)))
    assert str(err.value).endswith("'x' sizes: 4; 'y' sizes: 3")
