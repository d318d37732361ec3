"""Layer base class: construction, weights, tracking, __call__, training, masks, config."""

import numpy as np
import pytest

from lamina import GradientTape, Variable, dtype_policies, ops
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer, to_snake_case


def ones(shape, dtype=None):
    return np.ones(shape, dtype)


def zeros(shape, dtype=None):
    return np.zeros(shape, dtype)


class Linear(Layer):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer=ones,
                                      name="kernel")  # fmt: skip
        self.stat = self.add_weight(shape=(self.units,), initializer=zeros, trainable=False,
                                    name="stat")  # fmt: skip

    def call(self, x, training=None):
        self.seen_training = training
        return ops.matmul(x, self.kernel)


class Block(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = Linear(2)
        self.more = [Linear(2)]
        self.named = {"last": Linear(1)}

    def call(self, x, training=False):
        return self.named["last"](self.more[0](self.first(x)))


class Masked(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, x, mask=None):
        self.seen_mask = mask
        return x * 2.0


def test_names_are_unique_snake_case():
    a, b = Linear(), Linear()
    assert a.name.startswith("linear") and b.name != a.name
    assert to_snake_case("BatchNormalization") == "batch_normalization"
    assert Linear(name="mine").name == "mine"


@pytest.mark.parametrize("kwargs", [{"units": 2, "bogus": 1}, {"foo": None}])
def test_unknown_kwargs_raise_naming_the_class(kwargs):
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to Linear"):
        Linear(**kwargs)


def test_input_shape_is_accepted_with_a_warning():
    with pytest.warns(UserWarning, match="Do not pass an `input_shape`"):
        layer = Linear(input_shape=(4,))
    assert layer._batch_input_shape == (None, 4)


def test_build_on_first_call_and_weights():
    layer = Linear(3)
    assert not layer.built
    out = layer(np.ones((2, 4), "float32"))
    assert layer.built and out.shape == (2, 3) and out.dtype == "float32"
    assert [w.path for w in layer.weights] == [f"{layer.name}/kernel", f"{layer.name}/stat"]
    assert [w.name for w in layer.trainable_weights] == ["kernel"]
    assert [w.name for w in layer.non_trainable_weights] == ["stat"]
    assert layer.count_params() == 15
    assert layer.get_build_config() == {"input_shape": [2, 4]}


def test_count_params_unbuilt_raises():
    with pytest.raises(ValueError, match="is not built"):
        Linear().count_params()


def test_get_set_weights_checks_count_and_shapes():
    layer = Linear(2)
    layer(np.ones((1, 3)))
    layer.set_weights([np.full((3, 2), 2.0), np.ones(2)])
    np.testing.assert_array_equal(layer.get_weights()[0], np.full((3, 2), 2.0))
    with pytest.raises(ValueError, match="expected 2 weight arrays"):
        layer.set_weights([np.ones((3, 2))])
    with pytest.raises(ValueError, match=r"has shape \(3, 2\), received a value of shape"):
        layer.set_weights([np.ones((2, 2)), np.ones(2)])


def test_tracking_of_sublayers_in_lists_and_dicts():
    block = Block()
    block(np.ones((1, 3)))
    assert [sub.units for sub in block._layers] == [2, 2, 1]
    assert len(block.weights) == 6
    assert block.count_params() == 3 * 2 + 2 + 2 * 2 + 2 + 2 * 1 + 1
    block.more.append(Linear(5))  # appended later: still tracked
    assert len(block._layers) == 4


def test_variable_assigned_as_attribute_is_tracked():
    class WithVar(Layer):
        def __init__(self):
            super().__init__()
            self.v = Variable(np.ones(2, "float32"), name="v")
            self.frozen = Variable(np.ones(1, "float32"), trainable=False, name="frozen")

    layer = WithVar()
    assert [w.name for w in layer.trainable_weights] == ["v"]
    assert [w.name for w in layer.non_trainable_weights] == ["frozen"]


def test_trainable_setter_freezes_sublayers():
    block = Block()
    block(np.ones((1, 3)))
    block.trainable = False
    assert block.trainable_weights == [] and len(block.non_trainable_weights) == 6
    assert not block.first.trainable and not block.first.kernel.trainable
    block.trainable = True
    assert len(block.trainable_weights) == 3


def test_training_resolution():
    layer = Linear()
    layer(np.ones((1, 2)))
    assert layer.seen_training is None  # call() default
    layer(np.ones((1, 2)), training=True)
    assert layer.seen_training is True
    block = Block()
    block(np.ones((1, 2)))  # outer default False is inherited
    assert block.first.seen_training is False
    block(np.ones((1, 2)), training=True)
    assert block.first.seen_training is True and block.named["last"].seen_training is True


def test_training_dropped_when_call_does_not_take_it():
    masked = Masked()
    out = masked(np.ones((1, 2), "float32"), training=True)
    assert out.shape == (1, 2)


def test_mask_injected_and_propagated():
    x = ops.convert_to_tensor(np.ones((2, 3), "float32"))
    x._keras_mask = ops.convert_to_tensor(np.array([True, False]))
    layer = Masked()
    out = layer(x)
    np.testing.assert_array_equal(layer.seen_mask.numpy(), [True, False])
    np.testing.assert_array_equal(out._keras_mask.numpy(), [True, False])


def test_mask_destroyed_with_warning_by_non_masking_layer():
    x = ops.convert_to_tensor(np.ones((2, 3), "float32"))
    x._keras_mask = ops.convert_to_tensor(np.array([True, False]))
    with pytest.warns(UserWarning, match="does not support masking"):
        Linear()(x)


def test_inputs_are_autocast_to_compute_dtype():
    layer = Linear()
    out = layer(np.ones((1, 2), "float64"))
    assert out.dtype == "float32"
    ints = Masked()(np.ones((1, 2), "int32"))
    assert ints.dtype == "float32"  # int * 2.0 promotes; ints themselves are not cast


@pytest.mark.parametrize(
    "policy, compute, variable",
    [
        ("float32", "float32", "float32"),
        ("float16", "float16", "float16"),
        ("float64", "float64", "float64"),
        ("mixed_float16", "float16", "float32"),
    ],
)
def test_dtype_policies(policy, compute, variable):
    layer = Linear(dtype=policy)
    out = layer(np.ones((2, 3), "float32"))
    assert (layer.compute_dtype, layer.variable_dtype, layer.dtype) == (compute, variable, variable)
    assert out.dtype == compute and layer.kernel.dtype == variable


def test_mixed_float16_gradients_reach_float32_variables():
    layer = Linear(dtype="mixed_float16")
    layer(np.ones((1, 2)))
    with GradientTape() as tape:
        loss = ops.sum(ops.cast(layer(np.ones((4, 2))), "float32"))
    (g_kernel,) = tape.gradient(loss, layer.trainable_weights)
    assert g_kernel.dtype == "float32"
    np.testing.assert_allclose(g_kernel.numpy(), np.full((2, 3), 4.0))


def test_global_dtype_policy():
    dtype_policies.set_dtype_policy("mixed_float16")
    try:
        assert Linear().compute_dtype == "float16"
    finally:
        dtype_policies.set_dtype_policy("float32")
    assert Linear().compute_dtype == "float32"


def test_input_spec_is_checked_with_layer_name():
    layer = Linear(name="checked")
    layer.input_spec = InputSpec(ndim=2, axes={-1: 3})
    with pytest.raises(ValueError, match=r"layer 'checked'.*expected ndim=2, found ndim=3"):
        layer(np.ones((1, 2, 3)))
    with pytest.raises(ValueError, match=r"expected axis -1 .* value 3.*\(1, 4\)"):
        layer(np.ones((1, 4)))
    assert layer(np.ones((5, 3))).shape == (5, 3)


def test_losses_add_loss_and_regularizers():
    class Penalized(Layer):
        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(2,), initializer=ones, regularizer=lambda w: 0.5 * ops.sum(w)
            )

        def call(self, x):
            self.add_loss(ops.sum(x))
            return x * self.w

    layer = Penalized(activity_regularizer=lambda y: ops.sum(y))
    layer(np.ones((4, 2), "float32"))
    values = sorted(float(v) for v in layer.losses)
    assert values == [1.0, 2.0, 8.0]  # weight reg 0.5*2, activity 8/4, add_loss 8
    layer(np.ones((1, 2), "float32"))
    assert len(layer.losses) == 3  # losses of the previous call were cleared


def test_auto_get_config_and_from_config():
    layer = Linear(units=7, name="lin", dtype="float64")
    config = layer.get_config()
    assert config["units"] == 7 and config["name"] == "lin" and config["trainable"] is True
    assert config["dtype"]["config"] == {"name": "float64"}
    clone = Linear.from_config(config)
    assert clone.units == 7 and clone.dtype_policy.name == "float64"


def test_get_config_refuses_non_serializable_args():
    class Holder(Layer):
        def __init__(self, inner, **kwargs):
            super().__init__(**kwargs)
            self.inner = inner

    with pytest.raises(NotImplementedError, match="non-serializable"):
        Holder(Linear()).get_config()


def test_missing_super_init_is_reported():
    class Broken(Layer):
        def __init__(self):
            self.sub = Linear()

    with pytest.raises(RuntimeError, match=r"super\(\)\.__init__"):
        Broken()


def test_build_from_config_round_trip():
    layer = Linear(2)
    layer.build((None, 5))
    other = Linear(2)
    other.build_from_config(layer.get_build_config())
    assert other.kernel.shape == (5, 2)


def test_layer_without_build_creates_state_in_call():
    class Lazy(Layer):
        def call(self, x):
            if not hasattr(self, "w"):
                self.w = self.add_weight(shape=(x.shape[-1],), initializer=ones)
            return x * self.w

    layer = Lazy()
    layer(np.ones((2, 3), "float32"))
    assert layer.built and layer.count_params() == 3


def test_sublayer_losses_reach_the_outer_layer_and_reset_per_call():
    class Inner(Layer):
        def call(self, x):
            self.add_loss(ops.sum(x))
            return x

    class Outer(Layer):
        def __init__(self):
            super().__init__()
            self.inner = Inner()

        def call(self, x):
            return self.inner(x) * 1.0

    outer = Outer()
    outer(np.ones((2, 2), "float32"))
    assert [float(v) for v in outer.losses] == [4.0]
    outer(np.ones((1, 2), "float32"))
    assert [float(v) for v in outer.losses] == [2.0]
    outer.inner(np.ones((3, 2), "float32"))  # a standalone call of the sub-layer
    assert [float(v) for v in outer.inner.losses] == [6.0]


def test_variables_include_seed_states_but_weights_do_not():
    import lamina

    model = lamina.Sequential(
        [lamina.Input((3,)), lamina.layers.Dense(2), lamina.layers.Dropout(0.5, seed=1)]
    )
    # Keras 3: variables = weights + SeedGenerator states; seeds are non-trainable state.
    assert len(model.weights) == 2
    assert len(model.variables) == 3
    assert len(model.trainable_variables) == 2
    assert [v.name for v in model.non_trainable_variables] == ["seed_generator_state"]
