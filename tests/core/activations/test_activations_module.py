"""lamina.activations: values, gradients, dtypes and get/serialize/deserialize."""

import math

import numpy as np
import pytest

import lamina
from lamina import activations, ops
from lamina.autodiff.gradient_check import check_gradients

RNG = np.random.default_rng(0)

KERAS_NAMES = [
    "celu",
    "elu",
    "exponential",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
]


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# (name, kwargs, NumPy reference)
REFERENCES = [
    ("relu", {}, lambda x: np.maximum(x, 0)),
    ("relu6", {}, lambda x: np.clip(x, 0, 6)),
    ("leaky_relu", {}, lambda x: np.where(x >= 0, x, 0.2 * x)),
    ("leaky_relu", {"negative_slope": 0.5}, lambda x: np.where(x >= 0, x, 0.5 * x)),
    ("elu", {}, lambda x: np.where(x > 0, x, np.expm1(x))),
    ("elu", {"alpha": 0.5}, lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    ("celu", {"alpha": 2.0}, lambda x: np.where(x >= 0, x, 2.0 * np.expm1(x / 2.0))),
    (
        "selu",
        {},
        lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
    ),
    ("softplus", {}, lambda x: np.log1p(np.exp(x))),
    ("softsign", {}, lambda x: x / (1 + np.abs(x))),
    ("squareplus", {}, lambda x: (x + np.sqrt(x * x + 4)) / 2),
    ("squareplus", {"b": 1}, lambda x: (x + np.sqrt(x * x + 1)) / 2),
    (
        "soft_shrink",
        {},
        lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0.0)),
    ),
    ("hard_shrink", {"threshold": 1.0}, lambda x: np.where(np.abs(x) > 1.0, x, 0.0)),
    (
        "sparse_plus",
        {},
        lambda x: np.where(x <= -1, 0.0, np.where(x >= 1, x, 0.25 * (x + 1) ** 2)),
    ),
    ("silu", {}, lambda x: x * _sigmoid(x)),
    ("swish", {}, lambda x: x * _sigmoid(x)),
    (
        "gelu",
        {},
        lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))),
    ),
    (
        "gelu",
        {"approximate": True},
        lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
    ),
    ("glu", {}, lambda x: x[..., :2] * _sigmoid(x[..., 2:])),
    ("tanh", {}, np.tanh),
    ("tanh_shrink", {}, lambda x: x - np.tanh(x)),
    ("hard_tanh", {}, lambda x: np.clip(x, -1, 1)),
    ("threshold", {"threshold": 0.3, "default_value": -2.0}, lambda x: np.where(x > 0.3, x, -2)),
    ("sigmoid", {}, _sigmoid),
    ("sparse_sigmoid", {}, lambda x: np.clip(0.5 * (x + 1), 0, 1)),
    ("exponential", {}, np.exp),
    ("hard_sigmoid", {}, lambda x: np.clip(x / 6 + 0.5, 0, 1)),
    ("hard_silu", {}, lambda x: x * np.clip(x / 6 + 0.5, 0, 1)),
    ("hard_swish", {}, lambda x: x * np.clip(x / 6 + 0.5, 0, 1)),
    ("linear", {}, lambda x: x),
    ("mish", {}, lambda x: x * np.tanh(np.log1p(np.exp(x)))),
    ("log_sigmoid", {}, lambda x: -np.log1p(np.exp(-x))),
    ("softmax", {}, _softmax),
    ("softmax", {"axis": 0}, lambda x: _softmax(x, axis=0)),
    ("log_softmax", {}, lambda x: np.log(_softmax(x))),
    # relu's Keras extras: leaky below the threshold, capped above.
    ("relu", {"negative_slope": 0.1}, lambda x: np.where(x > 0, x, 0.1 * x)),
    ("relu", {"max_value": 1.5}, lambda x: np.clip(x, 0, 1.5)),
    ("relu", {"max_value": 6.0}, lambda x: np.clip(x, 0, 6.0)),
    ("relu", {"threshold": 0.5}, lambda x: np.where(x > 0.5, x, 0.0)),
    (
        "relu",
        {"negative_slope": 0.1, "max_value": 1.5, "threshold": 0.5},
        lambda x: np.where(x > 0.5, np.minimum(x, 1.5), 0.1 * (x - 0.5)),
    ),
    (
        "relu",
        {"negative_slope": 0.3, "max_value": 1.0},
        lambda x: np.where(x > 0, np.minimum(x, 1.0), 0.3 * x),
    ),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for name, kw, _ in REFERENCES]


def test_every_keras_name_is_exported():
    for name in [*KERAS_NAMES, "get", "serialize", "deserialize"]:
        assert callable(getattr(activations, name)), name
    assert set([*KERAS_NAMES, "get", "serialize", "deserialize"]) == set(activations.__all__)


@pytest.mark.parametrize(("name", "kwargs", "reference"), REFERENCES, ids=IDS)
def test_values_match_numpy(name, kwargs, reference):
    x = RNG.uniform(-4, 4, (3, 4)).astype("float64")
    out = getattr(activations, name)(ops.convert_to_tensor(x), **kwargs)
    np.testing.assert_allclose(ops.convert_to_numpy(out), reference(x), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(("name", "kwargs", "reference"), REFERENCES, ids=IDS)
def test_gradients(name, kwargs, reference):
    # Away from the kinks (0, +-0.5, +-1, +-3, thresholds) so central differences hold.
    x = RNG.uniform(0.05, 0.2, (3, 4)) + RNG.choice([-3.4, -1.3, -0.8, 0.6, 1.1, 2.2], (3, 4))
    fn = getattr(activations, name)
    check_gradients(lambda t: fn(t, **kwargs), [x])


@pytest.mark.filterwarnings("ignore:You are using a softmax over axis")
@pytest.mark.parametrize(("name", "kwargs", "reference"), REFERENCES, ids=IDS)
@pytest.mark.parametrize("shape", [(0, 4), (1, 4), (2, 1, 4)])
def test_shapes_and_dtype(name, kwargs, reference, shape):
    x = ops.ones(shape, dtype="float32")
    out = getattr(activations, name)(x, **kwargs)
    expected = (*shape[:-1], 2) if name == "glu" else shape
    assert tuple(out.shape) == expected
    assert out.dtype == "float32"


def test_float16_stays_float16():
    x = ops.convert_to_tensor(np.array([-1.0, 0.5, 2.0], "float16"))
    for name in ("relu", "mish", "gelu", "softmax", "sigmoid"):
        assert getattr(activations, name)(x).dtype == "float16", name


def test_mish_int_input_gives_floatx_and_large_inputs_are_finite():
    assert activations.mish(ops.convert_to_tensor([1, 2])).dtype == "float32"
    out = activations.mish(ops.convert_to_tensor(np.array([-200.0, 200.0], "float32")))
    np.testing.assert_allclose(ops.convert_to_numpy(out), [0.0, 200.0], atol=1e-30)


def test_linear_returns_its_input():
    x = ops.ones((2,))
    assert activations.linear(x) is x


def test_relu_extras_on_list_input():
    out = activations.relu([-10.0, -5.0, 0.0, 5.0, 10.0], max_value=5.0)
    np.testing.assert_array_equal(ops.convert_to_numpy(out), [0, 0, 0, 5, 5])
    out = activations.relu([-10.0, -5.0, 0.0, 5.0, 10.0], negative_slope=0.5)
    np.testing.assert_array_equal(ops.convert_to_numpy(out), [-5, -2.5, 0, 5, 10])


def test_relu_extras_record_one_gradient_path():
    x = ops.convert_to_tensor(np.array([-2.0, 0.7, 3.0], "float32"))
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = activations.relu(x, negative_slope=0.1, max_value=2.0, threshold=0.5)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.1, 1.0, 0.0])


# --- get / serialize / deserialize ---------------------------------------------------


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_get_by_name(name):
    assert activations.get(name) is getattr(activations, name)


def test_get_none_callable_and_errors():
    assert activations.get(None) is activations.linear

    def custom(x):
        return x

    assert activations.get(custom) is custom
    with pytest.raises(ValueError, match="Could not interpret activation function identifier"):
        activations.get("no_such_activation")
    with pytest.raises(ValueError, match="Could not interpret"):
        activations.get(3)


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        (activations.relu, "relu"),
        (activations.swish, "silu"),
        (activations.hard_swish, "hard_silu"),
        (activations.softmax, "softmax"),
        (activations.linear, "linear"),
    ],
)
def test_serialize_builtins_gives_names(fn, expected):
    assert activations.serialize(fn) == expected
    assert activations.deserialize(expected) is fn


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_round_trip_every_name(name):
    fn = getattr(activations, name)
    assert activations.deserialize(activations.serialize(fn)) is fn


def test_deserialize_function_dicts():
    for module in ("keras.activations", "builtins"):
        config = {
            "module": module,
            "class_name": "function",
            "config": "silu",
            "registered_name": None,
        }
        assert activations.deserialize(config) is activations.silu
        assert activations.get(config) is activations.silu


def test_deserialize_unknown_name_raises():
    with pytest.raises(ValueError, match="Unknown activation function: 'nope'"):
        activations.deserialize("nope")


def test_custom_function_round_trip_via_custom_objects():
    def my_act(x):
        return x * 2.0

    config = activations.serialize(my_act)
    assert config == {
        "module": "builtins",
        "class_name": "function",
        "config": "my_act",
        "registered_name": "function",
    }
    assert activations.deserialize(config, custom_objects={"my_act": my_act}) is my_act
    assert activations.deserialize("my_act", custom_objects={"my_act": my_act}) is my_act


def test_registered_function_round_trip():
    from lamina.saving.object_registration import register_keras_serializable

    @register_keras_serializable(package="test_activations")
    def doubled(x):
        return x * 2.0

    config = activations.serialize(doubled)
    assert config["config"] == "test_activations>doubled"
    assert activations.deserialize(config) is doubled
