"""Layer tracking of `Metric` attributes: `_metrics`, `metrics`, `metrics_variables`."""

import numpy as np

from lamina import Sequential, ops
from lamina.layers import Dense, Input
from lamina.layers.layer import Layer, no_automatic_dependency_tracking
from lamina.metrics import Metric


class Total(Metric):
    def __init__(self, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, values):
        values = ops.convert_to_tensor(values, "float32")
        self.total.assign_add(ops.sum(values))
        self.count.assign_add(float(np.prod(values.shape)))

    def result(self):
        return self.total.value


class Tracked(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = Total(name="seen")
        self.listed = [Total(name="listed")]
        self.keyed = {"k": Total(name="keyed")}
        self.dense = Dense(2)

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

    def call(self, x):
        self.seen.update_state(x)
        return self.dense(x) * self.scale


class Outer(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.own = Total(name="own")
        self.inner = Tracked()

    def call(self, x):
        return self.inner(x)


def test_metrics_in_attributes_lists_and_dicts_are_tracked():
    layer = Tracked()
    assert [m.name for m in layer._metrics] == ["seen", "listed", "keyed"]
    assert [m.name for m in layer.metrics] == ["seen", "listed", "keyed"]


def test_metrics_include_sublayers_after_own():
    outer = Outer()
    assert [m.name for m in outer._metrics] == ["own"]
    assert [m.name for m in outer.metrics] == ["own", "seen", "listed", "keyed"]


def test_metric_variables_are_not_weights_or_variables():
    layer = Tracked()
    layer(np.ones((2, 3), "float32"))
    paths = [v.path for v in layer.variables]
    assert paths == [v.path for v in layer.weights]
    assert not any(p.startswith(("seen/", "listed/", "keyed/")) for p in paths)
    assert [v.path for v in layer.metrics_variables] == [
        "seen/total",
        "seen/count",
        "listed/total",
        "listed/count",
        "keyed/total",
        "keyed/count",
    ]
    assert float(layer.seen.result()) == 6.0
    assert layer.non_trainable_variables == []


def test_metrics_added_later_and_appended_are_tracked():
    layer = Tracked()
    layer.late = Total(name="late")
    layer.listed.append(Total(name="appended"))
    names = sorted(m.name for m in layer.metrics)
    assert names == ["appended", "keyed", "late", "listed", "seen"]


def test_model_collects_layer_metrics():
    model = Sequential([Input((3,)), Tracked()])
    assert [m.name for m in model.metrics] == ["seen", "listed", "keyed"]


def test_no_automatic_dependency_tracking_hides_attributes():
    class Owner(Layer):
        @no_automatic_dependency_tracking
        def attach(self, metric, layer):
            self.tracker = metric
            self.helper = layer

    owner = Owner()
    owner.attach(Total(name="hidden"), Dense(1))
    assert owner.metrics == [] and owner._layers == []
    owner.tracker = Total(name="visible")  # reassigned with tracking on: tracked again
    assert [m.name for m in owner.metrics] == ["visible"]
