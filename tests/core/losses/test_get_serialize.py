"""lamina.losses.get / serialize / deserialize and get_config round trips."""

import inspect

import numpy as np
import pytest

from lamina import losses, saving

CLASSES = [obj for obj in losses.ALL_OBJECTS if inspect.isclass(obj) and obj not in (losses.Loss,)]
CLASSES.remove(losses.LossFunctionWrapper)


@pytest.mark.parametrize("name", ["mse", "MSE", "mae", "mape", "msle", "kld", "bce", "BCE"])
def test_aliases_are_functions(name):
    fn = losses.get(name)
    assert fn is getattr(losses, name)
    assert inspect.isfunction(fn)


def test_get_names_classes_dicts_and_callables():
    assert losses.get("categorical_crossentropy") is losses.categorical_crossentropy
    loss = losses.get("CategoricalCrossentropy")
    assert isinstance(loss, losses.CategoricalCrossentropy)
    loss = losses.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert loss.from_logits is True
    assert isinstance(losses.get(losses.Huber), losses.Huber)
    instance = losses.Poisson()
    assert losses.get(instance) is instance
    assert losses.get(None) is None


def test_get_unknown_name_lists_what_is_expected():
    with pytest.raises(ValueError, match=r"Could not interpret loss identifier: 'msee'\. Expected"):
        losses.get("msee")
    with pytest.raises(ValueError, match="Could not interpret loss identifier: 3"):
        losses.get(3)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_class_round_trips_through_its_config(cls):
    loss = cls(reduction="sum", name="custom")
    config = losses.serialize(loss)
    assert config["module"] == "keras.losses" and config["class_name"] == cls.__name__
    clone = losses.deserialize(config)
    assert type(clone) is cls and clone.get_config() == loss.get_config()
    assert clone.name == "custom" and clone.reduction == "sum"


def test_non_default_arguments_survive_the_round_trip():
    cases = [
        losses.Huber(delta=2.5),
        losses.CosineSimilarity(axis=1),
        losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1, axis=1),
        losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.4, gamma=1.0),
        losses.Tversky(alpha=0.3, beta=0.7, axis=(1, 2)),
        losses.Circle(gamma=10.0, margin=0.1, remove_diagonal=False),
        losses.CategoricalGeneralizedCrossEntropy(q=0.3),
    ]
    for loss in cases:
        clone = losses.deserialize(losses.serialize(loss))
        assert clone.get_config() == loss.get_config(), type(loss).__name__
        assert clone._fn_kwargs == loss._fn_kwargs


def test_functions_serialize_to_their_name():
    assert losses.serialize(losses.mse) == {
        "module": "builtins",
        "class_name": "function",
        "config": "mean_squared_error",
        "registered_name": "function",
    }
    assert losses.deserialize("mse") is losses.mean_squared_error
    assert losses.deserialize(losses.serialize(losses.ctc)) is losses.ctc


def test_loss_function_wrapper_config_and_call():
    wrapper = losses.LossFunctionWrapper(losses.huber, name="h", delta=2.0)
    config = wrapper.get_config()
    assert config["fn"]["config"] == "huber" and config["delta"] == 2.0
    clone = losses.LossFunctionWrapper.from_config(config)
    assert clone.fn is losses.huber and clone._fn_kwargs == {"delta": 2.0}
    np.testing.assert_allclose(clone([[0.0]], [[3.0]]).numpy(), 4.0)
    assert saving.deserialize_keras_object(saving.serialize_keras_object(wrapper)).name == "h"


def test_custom_loss_function_in_custom_objects():
    def my_loss(y_true, y_pred):
        return losses.mean_squared_error(y_true, y_pred) * 2

    config = losses.serialize(my_loss)
    assert losses.deserialize(config, custom_objects={"my_loss": my_loss}) is my_loss
