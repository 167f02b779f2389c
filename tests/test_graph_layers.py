"""graph/ has no import cycle (counting imports inside functions too), and every graph module
imports on its own in a fresh interpreter (no module works only because another one ran first)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import teamgraph.graph

GRAPH = Path(teamgraph.graph.__file__).resolve().parent
MODULES = sorted(p.stem for p in GRAPH.glob("*.py") if p.stem != "__init__")
PACKAGE = "teamgraph.graph"


def _imports(module: str) -> set[str]:
    """The graph modules `module` imports anywhere in its source (top level, functions, TYPE_CHECKING)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse((GRAPH / f"{module}.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        out |= {n.removeprefix(PACKAGE + ".") for n in names if n.startswith(PACKAGE + ".")}
    return out & set(MODULES)


def test_graph_modules_import_each_other_without_a_cycle():
    deps = {m: _imports(m) for m in MODULES}
    assert "model" in deps["sqlite_store"]  # the parser sees imports
    done: set[str] = set()

    def visit(m: str, path: tuple[str, ...]) -> None:
        if m in path:
            pytest.fail("import cycle in graph/: " + " -> ".join(path[path.index(m):] + (m,)))
        if m in done:
            return
        for d in sorted(deps[m]):
            visit(d, path + (m,))
        done.add(m)

    for m in MODULES:
        visit(m, ())


def test_read_models_do_not_depend_on_the_protocol_or_a_store():
    assert _imports("reads") == {"model"}
    for implementation in ("sqlite_store", "sqlite_queries", "sqlite_lookups", "neo4j_store", "neo4j_reads",
                           "neo4j_lookups"):
        assert "store" not in _imports(implementation), implementation


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_alone(module):
    done = subprocess.run([sys.executable, "-c", f"import {PACKAGE}.{module}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
