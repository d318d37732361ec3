"""End to end: examples/quickstart.py, the README's Keras-style demo, runs and learns the digits."""

import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "quickstart.py"
# The accuracy the script's docstring promises (it reaches about 0.97).
STATED_MINIMUM = 0.93


def test_quickstart_reaches_its_stated_accuracy():
    result = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"at least {STATED_MINIMUM:.0%}" in EXAMPLE.read_text()
    found = re.findall(r"^test accuracy: ([0-9.]+)$", result.stdout, re.MULTILINE)
    assert len(found) == 1, result.stdout[-3000:]
    assert float(found[0]) > STATED_MINIMUM, result.stdout[-3000:]
    assert "Epoch 15/15" in result.stdout
