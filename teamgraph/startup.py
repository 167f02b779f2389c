"""What a cold start leaves out (issue 11): CP-SAT without pandas.

`ortools.sat.python.cp_model` imports pandas at the top (0.1-0.5 s, the largest single import of a
`teamgraph suggest`), yet uses it only in its pandas helpers (`new_int_var_series`,
`CpSolver.values` of a Series, ...) and in type annotations; the engine calls none of them.
`defer_pandas_for_cp_model()` (the CLI installs it before any command runs) makes that import
lazy: while cp_model's module body runs, `pandas` is a stand-in offering only the two names its
annotations read (Index, Series), and afterwards the module's `pd` is a proxy that imports the
real pandas on first use, so the pandas helpers still work (a test runs one). Nothing changes
if pandas was already imported, and if the module body needs more of pandas than that, it is
simply run again with the real one.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types

CP_MODEL = "ortools.sat.python.cp_model"


class _Pandas(types.ModuleType):
    """cp_model's `pd` after import: the real pandas, imported on first attribute use."""

    def __getattr__(self, name: str):
        import pandas
        return getattr(pandas, name)


def _stand_in() -> types.ModuleType:
    mod = types.ModuleType("pandas", "teamgraph.startup's stand-in while cp_model is imported")
    mod.Index = type("Index", (), {})
    mod.Series = type("Series", (), {})
    return mod


class _Loader(importlib.abc.Loader):
    def __init__(self, inner):
        self.inner = inner

    def create_module(self, spec):
        return self.inner.create_module(spec)

    def exec_module(self, module) -> None:
        if "pandas" in sys.modules:
            return self.inner.exec_module(module)
        stand_in = sys.modules["pandas"] = _stand_in()
        try:
            self.inner.exec_module(module)
        except Exception:  # a newer ortools reads more of pandas at import: the ordinary way
            if sys.modules.get("pandas") is stand_in:
                del sys.modules["pandas"]
            return self.inner.exec_module(module)
        finally:
            if sys.modules.get("pandas") is stand_in:
                del sys.modules["pandas"]
        if getattr(module, "pd", None) is stand_in:
            module.pd = _Pandas("pandas")


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname != CP_MODEL or "pandas" in sys.modules:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _Loader(spec.loader)
        return spec


def defer_pandas_for_cp_model() -> None:
    """Make the next import of cp_model skip pandas (idempotent; no effect once it is imported)."""
    if CP_MODEL in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())
