"""lamina keeps freed array memory mapped (glibc), so repeated temporaries do not fault."""

import os
import subprocess
import sys

import pytest

from lamina.backend import allocator

GLIBC = allocator._glibc() is not None

# Allocates and frees 4 MiB temporaries the way a train step does, and prints the minor
# page faults of the second half (after the first steps have mapped what they need).
FAULTS = """
import resource
import numpy as np
import lamina  # noqa: F401  (importing it tunes malloc unless LAMINA_MALLOC_TUNING=0)

x = np.ones((1024, 1024), np.float32)

def step():
    a = x * 2.0
    b = a + x
    c = np.exp(b)
    return float((c - a).sum())

for _ in range(5):
    step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    step()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(tuning: str) -> int:
    env = {**os.environ, "LAMINA_MALLOC_TUNING": tuning}
    done = subprocess.run([sys.executable, "-c", FAULTS], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())


@pytest.mark.skipif(not GLIBC, reason="malloc is tuned on glibc only")
def test_repeated_temporaries_reuse_mapped_pages():
    tuned, untuned = _faults("1"), _faults("0")
    # 20 steps x 3 temporaries x 1,024 pages each would fault ~61,000 times without reuse.
    assert tuned < 1000 < untuned


def test_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("LAMINA_MALLOC_TUNING", "0")
    assert allocator.keep_freed_memory() is False


@pytest.mark.skipif(not GLIBC, reason="malloc is tuned on glibc only")
def test_tunes_glibc(monkeypatch):
    monkeypatch.delenv("LAMINA_MALLOC_TUNING", raising=False)
    assert allocator.keep_freed_memory() is True
