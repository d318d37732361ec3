"""lamina.data.Dataset: sources, transformations and cardinality, with tf.data's semantics."""

import numpy as np
import pytest

import lamina
from lamina.data import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, TensorSpec


def values(ds):
    return [np.asarray(e).tolist() for e in ds.as_numpy_iterator()]


# ---- sources ------------------------------------------------------------------------------
def test_from_tensor_slices_nested_tuple_and_dict():
    x = np.arange(6, dtype="float32").reshape(3, 2)
    ds = Dataset.from_tensor_slices(({"a": x, "b": [1, 2, 3]}, np.array([7, 8, 9])))
    elements = list(ds)
    assert len(elements) == 3 and ds.cardinality() == 3 and len(ds) == 3
    features, label = elements[1]
    np.testing.assert_array_equal(features["a"], [2.0, 3.0])
    assert features["b"] == 2 and features["b"].dtype == np.int32  # Python ints -> int32
    assert label == 8 and label.dtype == np.int64  # NumPy dtypes are kept


def test_from_tensor_slices_python_floats_are_float32():
    (element,) = Dataset.from_tensor_slices([[0.5, 1.5]]).as_numpy_iterator()
    assert element.dtype == np.float32 and element.tolist() == [0.5, 1.5]


def test_from_tensor_slices_rejects_mismatched_sizes_and_scalars():
    with pytest.raises(ValueError, match=r"same size in their first dimension.*\[3, 2\]"):
        Dataset.from_tensor_slices((np.zeros(3), np.zeros(2)))
    with pytest.raises(ValueError, match="scalar"):
        Dataset.from_tensor_slices(np.float32(1.0))


def test_from_tensor_slices_accepts_lamina_tensors():
    ds = Dataset.from_tensor_slices(lamina.ops.ones((3, 2)))
    assert [e.tolist() for e in ds] == [[1.0, 1.0]] * 3


def test_from_tensors_is_one_element():
    ds = Dataset.from_tensors((np.zeros((2, 3)), 1))
    (element,) = list(ds)
    assert element[0].shape == (2, 3) and ds.cardinality() == 1


def test_range_like_python_range_with_int64():
    assert values(Dataset.range(5)) == [0, 1, 2, 3, 4]
    assert values(Dataset.range(1, 8, 3)) == [1, 4, 7]
    assert next(iter(Dataset.range(3))).dtype == np.int64
    assert next(iter(Dataset.range(3, output_type="int32"))).dtype == np.int32
    assert Dataset.range(10, 0, -2).cardinality() == 5
    with pytest.raises(TypeError, match="range expects"):
        Dataset.range()


def test_from_generator_is_called_per_iteration_with_args():
    calls = []

    def gen(n):
        calls.append(n)
        for i in range(n):
            yield i, [float(i)] * 2

    ds = Dataset.from_generator(
        gen,
        args=(3,),
        output_signature=(TensorSpec((), "int32"), TensorSpec((2,), "float32")),
    )
    assert ds.cardinality() == UNKNOWN_CARDINALITY
    first = list(ds)
    second = list(ds)
    assert calls == [3, 3]
    assert [int(a) for a, _ in first] == [0, 1, 2] == [int(a) for a, _ in second]
    assert first[2][1].dtype == np.float32 and first[2][0].dtype == np.int32


def test_from_generator_output_types_and_shapes():
    ds = Dataset.from_generator(
        lambda: iter([{"x": [1, 2]}, {"x": [3, 4]}]),
        output_types={"x": "float64"},
        output_shapes={"x": (2,)},
    )
    assert [e["x"].dtype for e in ds] == [np.float64, np.float64]


def test_from_generator_checks_the_signature():
    bad_shape = Dataset.from_generator(
        lambda: iter([[1, 2, 3]]), output_signature=TensorSpec((2,), "int32")
    )
    with pytest.raises(TypeError, match=r"shape \(3,\).*expected"):
        list(bad_shape)
    bad_structure = Dataset.from_generator(
        lambda: iter([1]), output_signature=(TensorSpec(()), TensorSpec(()))
    )
    with pytest.raises(TypeError, match="does not match the structure"):
        list(bad_structure)


def test_from_generator_argument_errors():
    with pytest.raises(TypeError, match="must be a Python callable"):
        Dataset.from_generator(iter([1, 2]))
    with pytest.raises(TypeError, match="cannot be combined"):
        Dataset.from_generator(lambda: iter([]), output_types="int32", output_signature=1)
    with pytest.raises(TypeError, match="needs `output_types`"):
        Dataset.from_generator(lambda: iter([]), output_shapes=(2,))


def test_zip_positional_tuple_and_dict_stops_at_shortest():
    a, b = Dataset.range(3), Dataset.range(10, 15)
    assert values(Dataset.zip(a, b)) == [[0, 10], [1, 11], [2, 12]]
    assert values(Dataset.zip((a, b))) == [[0, 10], [1, 11], [2, 12]]
    as_dict = list(Dataset.zip({"x": a, "y": b}))
    assert set(as_dict[0]) == {"x", "y"} and int(as_dict[2]["y"]) == 12
    assert Dataset.zip(a, b).cardinality() == 3
    assert Dataset.zip(a, b.repeat()).cardinality() == 3
    assert Dataset.zip(a, b.filter(lambda v: True)).cardinality() == UNKNOWN_CARDINALITY
    with pytest.raises(TypeError, match="expects datasets"):
        Dataset.zip(a, [1, 2])


# ---- transformations ----------------------------------------------------------------------
def test_map_unpacks_tuples_and_converts_outputs():
    ds = Dataset.from_tensor_slices((np.arange(3), np.arange(3) * 10))
    mapped = ds.map(lambda x, y: [x + y, lamina.ops.convert_to_tensor(2.0) * y])
    element = next(iter(mapped))
    assert isinstance(element, tuple)  # lists returned by map become tuples
    assert isinstance(element[1], np.floating | np.ndarray)
    assert values(mapped) == [[0, 0.0], [11, 20.0], [22, 40.0]]
    assert mapped.cardinality() == 3
    dict_ds = Dataset.from_tensor_slices({"a": [1, 2]}).map(lambda d: d["a"] * 2)
    assert values(dict_ds) == [2, 4]


def test_map_parallel_keeps_order_and_propagates_errors():
    ds = Dataset.range(50).map(lambda x: x * 2, num_parallel_calls=lamina.data.AUTOTUNE)
    assert values(ds) == [2 * i for i in range(50)]
    assert values(Dataset.range(5).map(lambda x: x + 1, num_parallel_calls=3)) == [1, 2, 3, 4, 5]

    def fail(x):
        if x == 7:
            raise KeyError("bad element")
        return x

    with pytest.raises(KeyError, match="bad element"):
        list(Dataset.range(20).map(fail, num_parallel_calls=4))
    with pytest.raises(ValueError, match="num_parallel_calls"):
        Dataset.range(2).map(abs, num_parallel_calls=0)
    with pytest.raises(TypeError, match="must be callable"):
        Dataset.range(2).map(3)


def test_filter_and_its_errors():
    ds = Dataset.range(10).filter(lambda x: x % 3 == 0)
    assert values(ds) == [0, 3, 6, 9] and ds.cardinality() == UNKNOWN_CARDINALITY
    with pytest.raises(ValueError, match="scalar boolean"):
        list(Dataset.range(3).filter(lambda x: x))
    with pytest.raises(TypeError, match="must be callable"):
        Dataset.range(3).filter(None)


def test_batch_with_and_without_remainder():
    assert values(Dataset.range(7).batch(3)) == [[0, 1, 2], [3, 4, 5], [6]]
    dropped = Dataset.range(7).batch(3, drop_remainder=True)
    assert values(dropped) == [[0, 1, 2], [3, 4, 5]] and dropped.cardinality() == 2
    assert Dataset.range(7).batch(3).cardinality() == 3
    pairs = Dataset.from_tensor_slices(({"a": np.ones((5, 2))}, np.arange(5))).batch(2)
    first = next(iter(pairs))
    assert first[0]["a"].shape == (2, 2) and first[1].tolist() == [0, 1]


def test_batch_errors():
    with pytest.raises(ValueError, match="must be positive"):
        Dataset.range(3).batch(0)
    with pytest.raises(TypeError, match="must be an integer"):
        Dataset.range(3).batch(2.5)
    ragged = Dataset.from_generator(lambda: iter([[1, 2], [1, 2, 3]]))
    with pytest.raises(ValueError, match=r"different shapes in component 0.*padded_batch"):
        list(ragged.batch(2))


def test_padded_batch_pads_to_longest_or_given_shape():
    def gen():
        for n in (1, 3, 2):
            yield [n] * n, n

    ds = Dataset.from_generator(gen)
    (tokens, lengths), (tail, _) = list(ds.padded_batch(2))
    assert tokens.tolist() == [[1, 0, 0], [3, 3, 3]] and lengths.tolist() == [1, 3]
    assert tail.tolist() == [[2, 2]]
    fixed = next(iter(ds.padded_batch(3, padded_shapes=((5,), ()), padding_values=(-1, 0))))
    assert fixed[0].tolist() == [[1, -1, -1, -1, -1], [3, 3, 3, -1, -1], [2, 2, -1, -1, -1]]
    with pytest.raises(ValueError, match="larger than the padded shape"):
        list(ds.padded_batch(3, padded_shapes=((2,), ())))


def test_unbatch_inverts_batch():
    ds = Dataset.from_tensor_slices((np.arange(5), np.arange(5) * 2)).batch(2).unbatch()
    assert values(ds) == [[i, 2 * i] for i in range(5)]
    assert ds.cardinality() == UNKNOWN_CARDINALITY


def test_repeat_take_skip_and_cardinalities():
    assert values(Dataset.range(3).repeat(2)) == [0, 1, 2, 0, 1, 2]
    assert values(Dataset.range(3).repeat().take(7)) == [0, 1, 2, 0, 1, 2, 0]
    assert values(Dataset.range(5).skip(3)) == [3, 4]
    assert values(Dataset.range(5).skip(-1)) == []
    assert values(Dataset.range(5).take(-1)) == [0, 1, 2, 3, 4]
    assert Dataset.range(3).repeat().cardinality() == INFINITE_CARDINALITY
    assert Dataset.range(0).repeat().cardinality() == 0
    assert values(Dataset.range(0).repeat()) == []  # does not loop forever
    assert Dataset.range(3).repeat(4).cardinality() == 12
    assert Dataset.range(3).repeat().take(5).cardinality() == 5
    assert Dataset.range(3).take(10).cardinality() == 3
    assert Dataset.range(3).skip(10).cardinality() == 0
    assert Dataset.range(3).repeat().skip(2).cardinality() == INFINITE_CARDINALITY
    with pytest.raises(ValueError, match="count"):
        Dataset.range(3).take(-2)
    with pytest.raises(ValueError, match="count"):
        Dataset.range(3).repeat("twice")


def test_len_of_infinite_and_unknown_datasets():
    with pytest.raises(TypeError, match="infinite"):
        len(Dataset.range(3).repeat())
    with pytest.raises(TypeError, match="unknown"):
        len(Dataset.range(3).filter(lambda x: True))
    assert bool(Dataset.range(0))


def test_enumerate_and_concatenate():
    pairs = list(Dataset.from_tensor_slices([7, 8]).enumerate(start=3))
    assert [(int(i), int(v)) for i, v in pairs] == [(3, 7), (4, 8)]
    assert pairs[0][0].dtype == np.int64
    joined = Dataset.range(2).concatenate(Dataset.range(5, 7))
    assert values(joined) == [0, 1, 5, 6] and joined.cardinality() == 4
    assert Dataset.range(2).concatenate(Dataset.range(1).repeat()).cardinality() == -1
    with pytest.raises(TypeError, match="different element structures"):
        list(Dataset.range(1).concatenate(Dataset.zip(Dataset.range(1), Dataset.range(1))))
    with pytest.raises(TypeError, match=r"expects a lamina\.data\.Dataset"):
        Dataset.range(1).concatenate([1])


def test_reduce():
    assert int(Dataset.range(5).reduce(0, lambda state, x: state + x)) == 10


def test_element_spec_and_lazy_evaluation():
    seen = []
    ds = Dataset.range(4).map(lambda x: seen.append(int(x)) or x)
    assert seen == []  # nothing computed before iteration
    assert len(list(ds)) == 4 and seen == [0, 1, 2, 3]
    spec = Dataset.from_tensor_slices((np.zeros((4, 3), "float32"), [1, 2, 3, 4])).element_spec
    assert spec == (TensorSpec((3,), "float32"), TensorSpec((), "int32"))
    batched = Dataset.range(4).batch(2).element_spec
    assert batched.shape == (None,) and batched.dtype == "int64"
    assert Dataset.range(4).batch(2, drop_remainder=True).element_spec.shape == (2,)
    with pytest.raises(ValueError, match="empty"):
        Dataset.range(0).element_spec  # noqa: B018
    assert "cardinality=4" in repr(Dataset.range(4))


def test_tensor_spec_compatibility():
    spec = TensorSpec((None, 3), "float32", name="x")
    assert spec.is_compatible_with(np.zeros((7, 3), "float32"))
    assert not spec.is_compatible_with(np.zeros((7, 4), "float32"))
    assert not spec.is_compatible_with(np.zeros((7, 3), "float64"))
    assert not spec.is_compatible_with(np.zeros((3,), "float32"))
    assert "TensorSpec(shape=(None, 3)" in repr(spec)


def test_flat_map_shard_apply_and_get_single_element():
    ds = Dataset.range(3).flat_map(lambda x: Dataset.from_tensors(x).repeat(2))
    assert values(ds) == [0, 0, 1, 1, 2, 2] and ds.cardinality() == UNKNOWN_CARDINALITY
    with pytest.raises(TypeError, match="must return a"):
        list(Dataset.range(2).flat_map(lambda x: [x]))
    assert values(Dataset.range(7).shard(3, 1)) == [1, 4]
    assert [Dataset.range(7).shard(3, i).cardinality() for i in range(3)] == [3, 2, 2]
    with pytest.raises(ValueError, match="index"):
        Dataset.range(7).shard(3, 3)
    assert values(Dataset.range(4).apply(lambda d: d.skip(2))) == [2, 3]
    assert Dataset.from_tensors(np.ones(2)).get_single_element().tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="exactly one element"):
        Dataset.range(2).get_single_element()


def test_generator_element_spec_is_the_signature_without_running_it():
    calls = []
    signature = (TensorSpec((None,), "float32"), TensorSpec((), "int32"))
    ds = Dataset.from_generator(lambda: calls.append(1) or iter([]), output_signature=signature)
    assert ds.element_spec == signature and calls == []
