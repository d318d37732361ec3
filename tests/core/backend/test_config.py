import pytest

import lamina
from lamina import config


@pytest.fixture(autouse=True)
def restore_config():
    saved = (config.floatx(), config.epsilon(), config.image_data_format())
    yield
    config.set_floatx(saved[0])
    config.set_epsilon(saved[1])
    config.set_image_data_format(saved[2])


def test_keras_defaults():
    assert config.floatx() == "float32"
    assert config.epsilon() == 1e-7
    assert config.image_data_format() == "channels_last"


def test_set_floatx_changes_default_float_dtype():
    config.set_floatx("float64")
    assert lamina.ops.convert_to_tensor([1.0]).dtype == "float64"
    assert lamina.ops.convert_to_tensor([1]).dtype == "int32"


@pytest.mark.parametrize(
    "setter, bad", [(config.set_floatx, "float8"), (config.set_image_data_format, "nhwc")]
)
def test_setters_reject_bad_values(setter, bad):
    with pytest.raises(ValueError, match="expected"):
        setter(bad)


def test_set_epsilon():
    config.set_epsilon(1e-5)
    assert config.epsilon() == 1e-5
