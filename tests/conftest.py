"""Shared by every test folder: the `without_plugin` marker.

Some core tests check what happens when a first-party plugin is missing (the error that names
the distribution to install). They run in `nox -s tests_core`, whose environment has no plugin,
and are skipped where that plugin is installed (a developer's environment, `tests_all`).
"""

import importlib.metadata

import pytest


def _installed(distribution: str) -> bool:
    try:
        importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker in item.iter_markers("without_plugin"):
            installed = [d for d in marker.args if _installed(d)]
            if installed:
                item.add_marker(pytest.mark.skip(reason=f"needs {installed[0]} not installed"))
