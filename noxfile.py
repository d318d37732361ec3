"""Every task of the lamina monorepo: tests per package, all packages, parity, lint, wheels, demo.

Each session builds its own fresh virtual environment (uv when available, else venv + pip), so
a session proves that the packages it installs work without anything else from this checkout.

    nox -l                         # list the sessions
    nox -s tests_core tests_plugin tests_bench parity lint  # what CI runs (README.md, .ci/run)
    nox -s bench -- --quick        # lamina against PyTorch and Keras on W1-W5 (bench/)
    nox -s tests_core -- -k tape   # arguments after `--` go to pytest
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nox
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - nox itself may run on 3.10
    import tomli as tomllib

nox.options.default_venv_backend = "uv|venv"
nox.options.sessions = ["tests_core", "tests_plugin", "tests_bench", "parity", "lint"]
nox.options.error_on_external_run = True

ROOT = Path(__file__).resolve().parent
DIST = ROOT / "dist"
PYTEST = ["pytest>=8", "hypothesis>=6.100"]
# Parity tests are CPU-bound and independent; two workers halve their time on CI's two cores.
XDIST = ["pytest-xdist>=3.6"]
RUFF = "ruff==0.17.6"  # pinned: new ruff releases add rules, and CI must not change by itself
# Real Keras 3 on JAX is the reference for parity; keras 3.15 on JAX needs no TensorFlow.
PARITY_DEPS = ["keras==3.15.1", "jax==0.10.2"]
# The peers lamina is measured against (bench/). torch 2.13.0 is the CPU build pip finds on
# this machine; asked of uv or PyPI, torch brings gigabytes of CUDA packages instead.
BENCH_PEERS = ["torch==2.13.0", *PARITY_DEPS, "tensorflow-cpu==2.21.0"]
UNIT_MARKERS = "not parity and not gpu"

NO_PLUGINS = """\
import importlib.metadata as md, sys
eps = sorted(f"{ep.name} = {ep.value}" for ep in md.entry_points(group="lamina.plugins"))
sys.exit(f"core-only environment has lamina.plugins entry points: {eps}" if eps else 0)
"""

SMOKE = """\
import importlib.metadata as md, sys, sysconfig
from pathlib import Path
import numpy as np
import lamina
from lamina import ops
from lamina.datasets import digits

site = Path(sysconfig.get_paths()["purelib"]).resolve()
where = Path(lamina.__file__).resolve()
assert site in where.parents, f"lamina imported from {where}, not from the installed wheel"
assert lamina.__version__ == sys.argv[1], (lamina.__version__, sys.argv[1])
(x, y), (xt, yt) = digits.load_data()
assert x.shape == (1437, 8, 8) and xt.shape == (360, 8, 8), "dataset missing from the wheel?"
w = lamina.Variable(np.ones((64, 10), "float32"))
with lamina.GradientTape() as tape:
    h = ops.matmul(ops.convert_to_tensor(x[:8].reshape(8, 64).astype("float32") / 16), w)
    loss = ops.mean(h * h)
grad = tape.gradient(loss, w)
assert grad.shape == (64, 10) and np.isfinite(grad.numpy()).all()
for ep in md.entry_points(group="lamina.plugins"):  # each plugin wheel's entry point must load
    print(f"plugin {ep.name}: {ep.value} -> {ep.load().__name__}")
print(f"wheel smoke test ok: lamina {lamina.__version__} from {where.parent}")
"""


def _script(session: nox.Session, name: str, text: str) -> str:
    """Write a helper script into the session's temp folder (keeps the nox log readable)."""
    path = Path(session.create_tmp()).resolve() / name
    path.write_text(text)
    return str(path)


def _package_dir(path: Path) -> dict:
    with open(path / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    src = sorted(p for p in (path / "src").iterdir() if (p / "__init__.py").is_file())
    return {
        "path": path,
        "name": project["name"],
        "deps": project.get("dependencies", []),
        "import": src[0].name,
    }


CORE = _package_dir(ROOT / "core")
PLUGINS = {
    p.name: _package_dir(p)
    for p in sorted((ROOT / "plugins").glob("*"))
    if (p / "pyproject.toml").is_file()
}
LOCAL = {canonicalize_name(pkg["name"]): pkg for pkg in [CORE, *PLUGINS.values()]}


def _short(pkg: dict) -> str:
    """`lamina_conv` -> `conv`: the package's folder under tests/."""
    return pkg["import"].removeprefix("lamina_") if pkg is not CORE else "core"


def _local_closure(pkg: dict) -> list[dict]:
    """`pkg` plus every in-repo package it requires, so none of them comes from PyPI."""
    seen: dict[str, dict] = {}
    todo = [pkg]
    while todo:
        cur = todo.pop()
        if cur["name"] in seen:
            continue
        seen[cur["name"]] = cur
        names = (canonicalize_name(Requirement(req).name) for req in cur["deps"])
        todo.extend(LOCAL[name] for name in names if name in LOCAL)
    others = sorted((p for p in seen.values() if p is not CORE), key=lambda p: p["name"])
    return [CORE, *others]


def _editable(*pkgs: dict) -> list[str]:
    return [arg for pkg in pkgs for arg in ("-e", str(pkg["path"]))]


def _test_dirs(pkgs, sub: str = "") -> list[str]:
    dirs = [ROOT / "tests" / _short(p) / sub for p in pkgs]
    return [str(d) for d in dirs if d.is_dir()]


@nox.session
def tests_core(session: nox.Session) -> None:
    """Core unit tests in an environment with no plugin installed."""
    session.install(*_editable(CORE), *PYTEST)
    session.run("python", _script(session, "no_plugins.py", NO_PLUGINS))
    # pytest exits 5 when it collects nothing; nox fails on any non-zero code, as CI must.
    # tests/integration runs the examples (the README's demo) end to end on core alone.
    session.run(
        "pytest", "-q", "tests/core", "tests/integration", "-m", UNIT_MARKERS, *session.posargs
    )


@nox.session
@nox.parametrize("plugin", sorted(PLUGINS))
def tests_plugin(session: nox.Session, plugin: str) -> None:
    """One plugin's tests (tests/<short-name>/), with core and the in-repo packages it needs."""
    pkg = PLUGINS[plugin]
    session.install(*_editable(*_local_closure(pkg)), *PYTEST)
    tests = ROOT / "tests" / _short(pkg)
    if not tests.is_dir():
        session.error(f"plugin {plugin!r} has no tests: expected them in {tests}")
    session.run("pytest", "-q", str(tests), "-m", UNIT_MARKERS, *session.posargs)


@nox.session
def tests_all(session: nox.Session) -> None:
    """Every package installed together: all unit tests plus tests/integration."""
    session.install(*_editable(*LOCAL.values()), *PYTEST)
    dirs = [*_test_dirs(LOCAL.values()), str(ROOT / "tests" / "integration")]
    session.run("pytest", "-q", *dirs, "-m", UNIT_MARKERS, *session.posargs)


@nox.session
def tests_bench(session: nox.Session) -> None:
    """The benchmark code (bench/) with tiny step counts: it runs, reports, and lamina trains."""
    session.install(*_editable(*LOCAL.values()), *PYTEST)
    session.run("pytest", "-q", str(ROOT / "tests" / "bench"), *session.posargs)


@nox.session(venv_backend="venv")
def bench(session: nox.Session) -> None:
    """Benchmarks: lamina and its peers (PyTorch, Keras on JAX and TensorFlow), `python -m bench`.

    Arguments after `--` go to `python -m bench` (e.g. `-- --quick`, `-- --profile W2`). pip,
    not uv, installs here: only pip finds the CPU build of torch this machine holds.
    """
    session.install(*[str(pkg["path"]) for pkg in LOCAL.values()], *BENCH_PEERS)
    session.run("python", "-m", "bench", *session.posargs)


@nox.session
def parity(session: nox.Session) -> None:
    """Compare lamina with real Keras 3 on JAX: tests/core/parity and tests/<plugin>/parity."""
    session.install(*_editable(*LOCAL.values()), *PARITY_DEPS, *PYTEST, *XDIST)
    env = {"KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu"}
    # The parity conftest skips everything without keras; make that impossible to miss.
    session.run("python", "-c", "import jax, keras; print('keras', keras.__version__)", env=env)
    dirs = _test_dirs(LOCAL.values(), "parity")
    if not dirs:
        session.error("no parity tests found under tests/*/parity")
    session.run("pytest", "-q", "-n", "auto", *dirs, *session.posargs, env=env)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over all code in the repository."""
    session.install(RUFF)
    paths = [
        p
        for p in ("core", "plugins", "tests", "bench", "examples", "noxfile.py")
        if (ROOT / p).exists()
    ]
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)


@nox.session
def wheels(session: nox.Session) -> None:
    """Build every package's wheel into dist/ and smoke-test the wheels (not editable installs)."""
    shutil.rmtree(DIST, ignore_errors=True)
    for pkg in LOCAL.values():
        if session.venv_backend == "uv":
            session.run(
                "uv", "build", "--wheel", "--out-dir", str(DIST), str(pkg["path"]), external=True
            )
        else:
            session.install("build")
            session.run("python", "-m", "build", "--wheel", "--outdir", str(DIST), str(pkg["path"]))
    built = sorted(str(w) for w in DIST.glob("*.whl"))
    if len(built) != len(LOCAL):
        session.error(f"expected {len(LOCAL)} wheels in {DIST}, found {built}")
    session.install(*built, *PYTEST)
    core_wheel = next(Path(w).name for w in built if Path(w).name.startswith("lamina-"))
    version = core_wheel.split("-")[1]
    # Run outside the checkout so nothing can be imported from the source tree.
    smoke = _script(session, "smoke_wheel.py", SMOKE)
    session.chdir(session.create_tmp())
    session.run("python", smoke, version)
    session.chdir(ROOT)
    session.run("pytest", "-q", str(ROOT / "tests" / "integration"), "-m", UNIT_MARKERS)


@nox.session
def demo(session: nox.Session) -> None:
    """The README's demo: examples/quickstart.py trains a Keras model on the shipped digits."""
    session.install(str(CORE["path"]))
    session.run("python", "examples/quickstart.py", *session.posargs)


@nox.session
def gpu(session: nox.Session) -> None:
    """Tests marked `gpu`, on CuPy (needs an NVIDIA GPU and CUDA 12).

    On a GPU host without network, `nox -s gpu --no-venv` uses the current Python, which must
    already have lamina (editable), cupy and pytest installed.
    """
    if session.venv_backend != "none":
        session.install(*_editable(*LOCAL.values()), "cupy-cuda12x>=13", *PYTEST)
    session.run("python", "-c", "import cupy; print('GPUs:', cupy.cuda.runtime.getDeviceCount())")
    session.run("pytest", "-q", *_test_dirs(LOCAL.values()), "-m", "gpu", *session.posargs)
