"""`teamgraph eval portfolio` by default (no --time-limit): our answer is given ThresholdGreedy's
CPU at each L, the search only what is left of it after our constructive algorithm. Checked on
small files in the SDM'23 format: the JSON's shape, coverage ≥ ThresholdGreedy's at every L,
nobody above L; no timed assertions (CPU is only compared with itself: ours includes its
constructive part)."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from teamgraph.matching.baseline import threshold_greedy
from teamgraph.matching.evaluate import eval_cover, eval_portfolio_cmd
from teamgraph.matching.portfolio_cover import CoverPool, evaluate
from teamgraph.matching.portfolio_cover_gen import generate
from teamgraph.matching.portfolio_cover_solve import construct, prepare, solve


@pytest.fixture
def files(tmp_path):
    experts, tasks = generate(60, 240, seed=3)
    (tmp_path / "experts.json").write_text(json.dumps(experts))
    (tmp_path / "tasks.json").write_text(json.dumps(tasks))
    return tmp_path / "experts.json", tmp_path / "tasks.json"


def test_the_default_run_prints_the_shape_and_never_covers_less_than_threshold_greedy(files):
    experts, tasks = files
    out = CliRunner().invoke(eval_portfolio_cmd, ["--experts", str(experts), "--tasks", str(tasks),
                                                  "--loads", "1-4", "--repeat", "2"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["max_load"] == [1, 2, 3, 4]
    ours, base = data["teamgraph"], data["baseline"]
    for key in ("coverage", "slot_coverage", "slots", "seconds", "cpu_seconds", "constructive",
                "constructive_cpu_seconds", "upper_bound", "gap", "status"):
        assert len(ours[key]) == 4, key
    for key in ("coverage", "slot_coverage", "slots", "seconds", "cpu_seconds"):
        assert len(base[key]) == 4, key
    assert data["instance"]["time_limit"] == "baseline's CPU per L" and data["instance"]["cpu_runs"] == 2
    assert set(data["instance"]["prepare_cpu_seconds"]) == {"pairs", "baseline", "teamgraph"}
    for i in range(4):
        assert ours["coverage"][i] >= base["coverage"][i]
        assert ours["coverage"][i] >= ours["constructive"][i] - 1e-4  # the search never loses the start
        assert ours["coverage"][i] <= ours["upper_bound"][i] + 1e-4
        assert ours["cpu_seconds"][i] >= ours["constructive_cpu_seconds"][i]  # the total counts its start


def test_nobody_is_above_the_cap_in_either_answer(files):
    experts, tasks = (json.loads(f.read_text()) for f in files)
    prep = prepare(CoverPool.from_lists(experts, tasks))
    out = eval_cover(prep, [1, 2, 3], repeat=1)
    for L, ours, theirs in out["_answers"]:
        for rows in (ours, theirs):
            assert evaluate(prep.pool, prep.pairs, rows).max_load <= L
        # the printed coverage is the answer's, recomputed from the skill lists
        assert out["teamgraph"]["coverage"][L - 1] == pytest.approx(evaluate(prep.pool, prep.pairs, ours).coverage,
                                                                    abs=1e-4)
    assert out["baseline"]["coverage"] == [round(evaluate(prep.pool, prep.pairs, threshold_greedy(prep, L)).coverage, 4)
                                           for L in (1, 2, 3)]


def test_the_search_spends_only_what_the_constructive_answer_left_of_the_budget():
    prep = prepare(CoverPool.from_lists(*generate(100, 400, seed=4)))
    start = construct(prep, 3)
    # the constructive answer already cost the whole budget: no search, the start is the answer
    res = solve(prep, 3, time_limit=1.0, start=start, spent=1.0)
    assert res.lns.windows == 0 and sorted(res.rows.tolist()) == sorted(start.tolist())
    assert res.cpu_seconds >= 1.0  # what the start cost is counted in the answer's CPU
    assert res.status == "feasible" and res.coverage < res.upper_bound  # so the search had something to do
    # with CPU left, the search starts from the given answer and never loses any of it
    c0 = time.process_time()
    more = solve(prep, 3, time_limit=1.0, start=start, spent=0.0)
    assert more.lns.windows >= 1 and more.coverage >= res.coverage and more.max_load <= 3
    assert time.process_time() - c0 < 30  # a hang guard, not a timing claim
