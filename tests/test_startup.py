"""CP-SAT without pandas (teamgraph/startup.py): a fresh process that defers pandas solves with
cp_model without importing pandas, and cp_model's pandas helpers still work (pandas comes then)."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from teamgraph.startup import defer_pandas_for_cp_model
defer_pandas_for_cp_model()
from ortools.sat.python import cp_model
m = cp_model.CpModel()
x, y = m.new_int_var(0, 10, "x"), m.new_int_var(0, 10, "y")
m.add(x + 2 * y <= 14)
m.add(x - y >= 1)
m.maximize(3 * x + 4 * y)
s = cp_model.CpSolver()
s.parameters.num_workers = 1
status = s.solve(m)
out = {"optimal": status == cp_model.OPTIMAL, "x": s.value(x), "y": s.value(y),
       "pandas_after_solve": "pandas" in sys.modules}
import pandas as pd
xs = m.new_int_var_series("v", pd.Index(["a", "b"]), 0, 3)
out["series"] = type(xs).__name__ == "Series" and list(xs.index) == ["a", "b"]
out["pd_is_real"] = cp_model.pd.Series is pd.Series
print(json.dumps(out))
"""


def test_cp_model_solves_without_pandas_and_its_pandas_helpers_still_work():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    # 3x + 4y over x + 2y <= 14, x - y >= 1: the optimum is x = 10, y = 2 (hand-checked corners)
    assert out == {"optimal": True, "x": 10, "y": 2, "pandas_after_solve": False, "series": True,
                   "pd_is_real": True}
