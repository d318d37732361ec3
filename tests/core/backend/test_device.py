import subprocess
import sys

import numpy as np
import pytest

import lamina
from lamina import backend, ops
from lamina.backend import Device, DeviceUnavailableError, parse_device


@pytest.mark.parametrize(
    "spec, kind, index",
    [
        ("cpu", "cpu", 0),
        ("CPU:0", "cpu", 0),
        ("gpu", "gpu", 0),
        ("gpu:1", "gpu", 1),
        ("cuda:2", "gpu", 2),
    ],
)
def test_parse_device(spec, kind, index):
    dev = parse_device(spec)
    assert (dev.kind, dev.index) == (kind, index)


@pytest.mark.parametrize("spec", ["tpu", "gpu:x", "cpu:1", ""])
def test_parse_device_rejects_unknown(spec):
    with pytest.raises(ValueError, match="unknown device"):
        parse_device(spec)


def test_default_device_is_cpu_and_makes_numpy_arrays():
    assert lamina.config.get_device() == Device("cpu")
    assert type(ops.convert_to_tensor([1.0]).value) is np.ndarray


def test_device_scope_nests_and_restores():
    outer = backend.get_device()
    with lamina.device("cpu") as dev:
        assert dev == Device("cpu")
        assert backend.get_device() == dev
    assert backend.get_device() == outer


def test_env_variable_selects_device():
    code = "import lamina; print(lamina.config.get_device().name)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"LAMINA_DEVICE": "cpu", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "cpu"


def test_gpu_without_cupy_or_cuda_gives_clear_error():
    if backend.is_gpu_available():
        pytest.skip("a GPU is present")
    with pytest.raises(DeviceUnavailableError, match=r"(CuPy|CUDA)"):
        lamina.config.set_device("gpu:0")
    assert backend.get_device() == Device("cpu")


def test_import_with_bad_env_device_does_not_crash():
    code = "import lamina; print('ok')"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"LAMINA_DEVICE": "gpu:0", "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


@pytest.mark.gpu
def test_ops_and_gradients_run_on_gpu():
    import cupy

    with lamina.device("gpu:0"):
        x = ops.convert_to_tensor(np.arange(6.0, dtype="float32").reshape(2, 3))
        w = lamina.Variable(np.ones((3, 2), "float32"))
        assert isinstance(x.value, cupy.ndarray)
        with lamina.GradientTape() as tape:
            y = ops.sum(ops.exp(ops.matmul(x, w) / 10.0))
        grad = tape.gradient(y, w)
    assert isinstance(grad.value, cupy.ndarray)
    expected_y = np.sum(np.exp(np.arange(6.0).reshape(2, 3) @ np.ones((3, 2)) / 10.0))
    np.testing.assert_allclose(float(y), expected_y, rtol=1e-5)
    np.testing.assert_allclose(
        ops.convert_to_numpy(grad),
        np.arange(6.0).reshape(2, 3).T
        @ (np.exp(np.arange(6.0).reshape(2, 3) @ np.ones((3, 2)) / 10) / 10),
        rtol=1e-5,
    )


@pytest.mark.gpu
def test_convert_to_tensor_moves_between_devices_differentiably():
    import cupy

    x = lamina.Variable(np.arange(3.0, dtype="float32"))
    with lamina.GradientTape() as tape:
        with lamina.device("gpu:0"):
            on_gpu = ops.convert_to_tensor(x)
            assert isinstance(on_gpu.value, cupy.ndarray)
            y = ops.sum(on_gpu * on_gpu)
    grad = tape.gradient(y, x)
    assert type(grad.value) is np.ndarray
    np.testing.assert_allclose(grad.numpy(), 2 * np.arange(3.0), rtol=1e-6)
    assert type(ops.convert_to_tensor(on_gpu).value) is np.ndarray
