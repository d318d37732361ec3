"""`import lamina` stays light: optional and heavy dependencies load only when used."""

import json
import subprocess
import sys

# Loaded on first use only: HDF5 files, the GPU, plugin discovery (pluggy + entry-point scan).
LAZY = ("h5py", "cupy", "pluggy", "scipy", "importlib.metadata", "jax", "keras")

PROBE = """\
import json, sys, time
start = time.perf_counter()
import lamina
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "modules": sorted(sys.modules)}))
"""


def _import_in_fresh_interpreter():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_import_lamina_does_not_load_heavy_modules(capsys):
    probe = _import_in_fresh_interpreter()
    loaded = [
        name
        for name in probe["modules"]
        if any(name == lazy or name.startswith(lazy + ".") for lazy in LAZY)
    ]
    assert not loaded, f"`import lamina` imported {loaded}; import them on first use instead"
    assert "lamina.ops" in probe["modules"]
    with capsys.disabled():  # report, do not assert: timings depend on the machine
        print(f"\n[import lamina: {probe['seconds'] * 1000:.0f} ms in a fresh interpreter]")
