"""lamina.metrics.Metric: variables, tracking, streaming, stateless API, tapes, config."""

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.metrics import Mean, Metric


class Count(Metric):
    def __init__(self, name="count", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_variable((), "zeros", name="total")

    def update_state(self, values):
        self.total.assign_add(float(len(values)))

    def result(self):
        return self.total.value


class Pair(Metric):
    """A metric holding sub-metrics and a variable assigned as an attribute."""

    def __init__(self):
        super().__init__(name="pair")
        self.first = Mean(name="first")
        self.others = [Count(name="second")]
        self.extra = lamina.Variable(0.0, trainable=False, name="extra")

    def update_state(self, values):
        self.first.update_state(values)
        self.others[0].update_state(values)

    def result(self):
        return self.first.result()


def test_add_variable_creates_non_trainable_state_with_keras_paths():
    m = Count()
    (v,) = m.variables
    assert isinstance(v, lamina.Variable)
    assert not v.trainable
    assert (v.name, v.path, v.dtype, v.shape) == ("total", "count/total", "float32", ())
    assert v.aggregation == "sum" and v.synchronization == "on_read"


def test_streaming_call_and_reset():
    m = Count()
    assert float(m([1, 2, 3])) == 3.0
    m.update_state([1])
    assert float(m.result()) == 4.0
    m.reset_state()
    assert float(m.result()) == 0.0


def test_result_does_not_alias_later_updates():
    m = Count()
    first = m([1])
    m.update_state([1, 2])
    assert float(first) == 1.0


def test_tracks_sub_metrics_and_attribute_variables_in_order():
    m = Pair()
    assert [v.path for v in m.variables] == [
        "extra",
        "first/total",
        "first/count",
        "second/total",
    ]
    m.update_state([1.0, 3.0])
    m.reset_state()
    assert all(float(ops.sum(v)) == 0.0 for v in m.variables)


def test_default_names_are_unique_snake_case():
    lamina.utils.clear_session()
    assert Metric().name == "metric"
    assert Metric().name == "metric_1"
    assert lamina.metrics.AUC().name == "auc"
    assert lamina.metrics.IoU(2, [0]).name == "io_u"


def test_dtype_and_config_round_trip():
    m = Count(dtype="float64")
    assert m.dtype == "float64"
    assert m.get_config() == {"name": "count", "dtype": "float64"}
    clone = Count.from_config(m.get_config())
    assert (clone.name, clone.dtype) == ("count", "float64")
    mixed = Mean(dtype=lamina.DTypePolicy("mixed_float16"))
    assert mixed.dtype == "float16"
    assert repr(m) == "<Count name=count>"


def test_stateless_api_leaves_variables_untouched():
    m = Mean()
    m.update_state([2.0])
    state = m.stateless_update_state(
        [ops.convert_to_tensor(10.0), ops.convert_to_tensor(2.0)], [4.0]
    )
    assert [float(s) for s in state] == [14.0, 3.0]
    assert float(m.stateless_result(state)) == pytest.approx(14.0 / 3.0)
    assert [float(s) for s in m.stateless_reset_state()] == [0.0, 0.0]
    assert float(m.result()) == 2.0
    with pytest.raises(ValueError, match=r"Mean\.stateless_update_state.*length 1.*expected 2"):
        m.stateless_update_state([1.0], [1.0])


def test_update_inside_a_tape_records_nothing():
    w = lamina.Variable(2.0)
    m = Mean()
    with lamina.GradientTape(persistent=True) as tape:
        y = w * 3.0
        m.update_state(y)
        result = m.result()
    assert tape.gradient(y, w) is not None
    assert tape.gradient(result, w) is None
    assert float(result) == 6.0


def test_forgetting_super_init_is_explained():
    class Broken(Metric):
        def __init__(self):
            self.x = 1

    with pytest.raises(RuntimeError, match=r"forgot to call `super\(\)\.__init__\(\)`"):
        Broken().add_variable((), "zeros", name="v")


def test_base_update_and_result_name_the_subclass():
    class Incomplete(Metric):
        pass

    m = Incomplete()
    with pytest.raises(NotImplementedError, match=r"Incomplete\.update_state"):
        m.update_state(1)
    with pytest.raises(NotImplementedError, match=r"Incomplete\.result"):
        m.result()


def test_add_weight_alias_and_vector_state():
    m = Metric(name="m")
    v = m.add_weight(shape=(3,), initializer="ones", name="w")
    np.testing.assert_array_equal(v.numpy(), np.ones(3, "float32"))
    m.reset_state()
    np.testing.assert_array_equal(v.numpy(), np.zeros(3, "float32"))
