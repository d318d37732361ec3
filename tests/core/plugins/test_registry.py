"""`Registry` on its own, and the built-in plugin's registration of core modules."""

import types

import pytest

from lamina.plugins import AmbiguousNameError, DuplicateNameError, Registry
from lamina.plugins.builtin import register_public


class Dense:
    pass


class Adam:
    pass


def test_add_get_aliases_and_registered_name():
    registry = Registry("optimizers")
    registry.add("Adam", Adam, aliases=("adam",), origin="plugin 'optim'")
    assert registry.get("Adam") is Adam and registry.get("adam") is Adam
    assert registry.registered_name(Adam) == "Adam"
    assert registry.origin("adam") == "plugin 'optim'"
    assert registry.names() == ["Adam", "adam"]
    assert len(registry) == 1
    assert "adam" in registry and "sgd" not in registry
    with pytest.raises(KeyError):
        registry.get("sgd")


def test_duplicate_name_or_alias_is_rejected_with_both_origins_and_nothing_added():
    registry = Registry("layers")
    registry.add("Dense", Dense, origin="lamina (built-in)")
    with pytest.raises(DuplicateNameError) as err:
        registry.add("MyDense", object, aliases=("Dense",), origin="plugin 'acme' (acme 1.0)")
    assert str(err.value).startswith(
        "layer 'Dense' from plugin 'acme' (acme 1.0) is already registered by lamina (built-in)."
    )
    assert "MyDense" not in registry  # all or nothing
    with pytest.raises(DuplicateNameError, match="aliases repeat a name"):
        registry.add("Other", object, aliases=("Other",))


@pytest.mark.parametrize("name", ["", ">Scale", "acme>", "a>b>c"])
def test_malformed_names_are_rejected(name):
    with pytest.raises((ValueError, TypeError)):
        Registry("layers").add(name, Dense)


def test_non_string_name_is_rejected():
    with pytest.raises(TypeError, match="non-empty strings"):
        Registry("layers").add(3, Dense)


def test_package_names_answer_to_their_short_name_until_ambiguous():
    registry = Registry("layers")
    registry.add("acme>Scale", Dense, origin="plugin 'acme'")
    assert registry.get("Scale") is Dense
    assert registry.registered_name(Dense) == "acme>Scale"
    registry.add("other>Scale", Adam, origin="plugin 'other'")
    with pytest.raises(
        AmbiguousNameError, match="could be 'acme>Scale' \\(plugin 'acme'\\), 'other>Scale'"
    ):
        registry.get("Scale")
    assert "Scale" not in registry
    registry.add("Scale", object, origin="lamina (built-in)")  # an exact name wins
    assert registry.get("Scale") is object


def test_remove_origin_forgets_names_aliases_and_short_names():
    registry = Registry("layers")
    registry.add("Dense", Dense, origin="core")
    registry.add("acme>Scale", Adam, aliases=("scale",), origin="acme")
    registry.remove_origin("acme")
    assert registry.names() == ["Dense"]
    assert registry.registered_name(Adam) is None
    assert "Scale" not in registry
    registry.add("acme>Scale", Adam, origin="acme")  # can be registered again
    assert registry.names_from("acme") == ["acme>Scale"]


def test_unknown_kind():
    with pytest.raises(ValueError, match="unknown kind"):
        Registry("layer")


def test_register_public_groups_aliases_and_skips_non_classes():
    class Conv2D:
        pass

    module = types.SimpleNamespace(
        Convolution2D=Conv2D, Conv2D=Conv2D, Adam=Adam, get=lambda x: x, VERSION="1", _Private=Dense
    )
    module.__all__ = ["Convolution2D", "Conv2D", "Adam", "get", "VERSION", "_Private"]
    registry = Registry("optimizers")
    register_public(registry, module, classes_only=True, alias=str.lower)
    assert registry.registered_name(Conv2D) == "Conv2D"
    assert registry.names() == ["Adam", "Conv2D", "Convolution2D", "adam", "conv2d"]
    assert "get" not in registry and "_Private" not in registry
