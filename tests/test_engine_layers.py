"""The engine's modules stack without cycles: errors and settings at the bottom, then the engine
parts bottom up (core → reads → retrieval → teams → writes → bookings → service), the CLI edge above; no
part imports one above it, counting imports inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import teamgraph

ROOT = Path(teamgraph.__file__).resolve().parent
# Bottom first. A module may import only modules to its left (and other packages' modules).
ORDER = ["errors", "settings", "present", "core", "reads", "retrieval", "teams", "writes", "bookings", "service",
         "edge"]


def _imports(module: str) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse((ROOT / f"{module}.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("teamgraph."):
            out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out |= {a.name.split(".")[1] for a in node.names if a.name.startswith("teamgraph.")}
    return out & set(ORDER)


def test_each_engine_module_imports_only_modules_below_it():
    assert _imports("service") >= {"writes", "present"}  # the parser sees imports
    for i, module in enumerate(ORDER):
        above = _imports(module) - set(ORDER[:i])
        assert not above, f"teamgraph/{module}.py imports {sorted(above)}, which sit above it"


def test_errors_and_settings_import_nothing_of_the_engine():
    assert _imports("errors") == set() and _imports("settings") == {"errors"}
