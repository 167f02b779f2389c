"""The wheel installs one namespace: `teamgraph.graph`, `teamgraph.api`, ... and never top-level
packages called graph, api, matching, embeddings or ingest (PyPI has some of those names).

The wheel is built from a copy of the sources and installed without dependencies into a fresh
venv (no system site-packages), then imported from outside the repository in isolated mode. With
no third-party package installed there, each `teamgraph.*` import succeeding also shows that no
package imports its heavy dependencies (torch, faiss, ortools, flask, neo4j) at import time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("teamgraph", "graph", "embeddings", "matching", "api", "ingest")
CAPABILITIES = ("graph", "embeddings", "matching", "api", "ingest")

PROBE = """
import importlib, json
out = {}
for name in NAMES:
    try:
        importlib.import_module(name)
        out[name] = "ok"
    except Exception as e:
        out[name] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
"""


def _run(cmd: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the built wheel, the python of a fresh venv it is installed in, a clean environment)."""
    work = tmp_path_factory.mktemp("packaging")
    src = work / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    for folder in FOLDERS:  # a copy, so the build leaves nothing behind in the repository
        shutil.copytree(ROOT / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
    env["PIP_NO_INDEX"] = "1"  # nothing may come from the network
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
          str(work / "dist"), str(src)], src, env)
    wheel = next((work / "dist").glob("teamgraph-*.whl"))
    venv.EnvBuilder(with_pip=True, system_site_packages=False, clear=True).create(work / "venv")
    python = work / "venv" / ("Scripts" if os.name == "nt" else "bin") / "python"
    _run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], work, env)
    return wheel, python, env, work


def _probe(python: Path, names, env: dict, cwd: Path) -> dict[str, str]:
    # -I: isolated (no PYTHONPATH, no user site, no current directory on sys.path).
    code = f"NAMES = {list(names)!r}\n{PROBE}"
    return json.loads(_run([str(python), "-I", "-c", code], cwd, env).stdout)


def test_wheel_holds_only_the_teamgraph_namespace_and_its_data(installed):
    wheel, _, _, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"teamgraph", "teamgraph-0.1.0.dist-info"}
    for pkg in CAPABILITIES:
        assert f"teamgraph/{pkg}/__init__.py" in names
    for data in ("teamgraph/api/templates/base.html", "teamgraph/api/templates/sponsor.html",
                 "teamgraph/api/static/css/app.css", "teamgraph/api/static/js/common.js",
                 "teamgraph/ingest/sample/people.csv", "teamgraph/ingest/sample/cases.jsonl",
                 "teamgraph/ingest/FORMAT.md"):
        assert data in names, f"{data} missing from the wheel"
    templates = sorted(p.name for p in (ROOT / "api" / "templates").iterdir() if p.is_file())
    assert templates and all(f"teamgraph/api/templates/{t}" in names for t in templates)
    samples = sorted(p.name for p in (ROOT / "ingest" / "sample").iterdir() if p.is_file())
    assert samples and all(f"teamgraph/ingest/sample/{s}" in names for s in samples)
    entry = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "teamgraph = teamgraph.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_installed_namespace_imports_without_dependencies(installed):
    _, python, env, work = installed
    # The venv really has none of the dependencies (else the next check would prove nothing) ...
    deps = _probe(python, ["click", "yaml", "ortools", "flask", "neo4j", "numpy"], env, work)
    assert all(v.startswith("ModuleNotFoundError") for v in deps.values()), deps
    # ... and still every package of the namespace imports: none pulls a dependency in at import time.
    got = _probe(python, ["teamgraph", *(f"teamgraph.{p}" for p in CAPABILITIES)], env, work)
    assert got == {name: "ok" for name in got}


def test_no_top_level_capability_packages(installed):
    _, python, env, work = installed
    got = _probe(python, CAPABILITIES, env, work)
    assert all(v.startswith("ModuleNotFoundError") for v in got.values()), got
