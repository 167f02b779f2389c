"""Coverage staffing at scale (matching.portfolio_cover*): against brute force on tiny random
instances, for both objectives; the published ThresholdGreedy against a direct, slow rendering of
the paper's rule; the lean pairs against a scan of every person × request; answers at a CPU limit.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teamgraph.matching.baseline import threshold_greedy
from teamgraph.matching.portfolio_cover import CoverPool, evaluate
from teamgraph.matching.portfolio_cover_solve import prepare, solve, upper_bounds

SETTINGS = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw, people=(1, 4), tasks=(1, 4), skills=4):
    sk = st.lists(st.integers(0, skills - 1), min_size=0, max_size=skills)
    ex = draw(st.lists(sk, min_size=people[0], max_size=people[1]))
    ts = draw(st.lists(st.lists(st.integers(0, skills - 1), min_size=1, max_size=skills),
                       min_size=tasks[0], max_size=tasks[1]))
    return ex, ts, draw(st.integers(1, 3))


def value(experts, tasks, assignment, objective):
    """The objective straight from the lists: assignment is a set of (person, task)."""
    total = 0.0
    for j, need in enumerate(tasks):
        need = set(need)
        got = set().union(*(set(experts[i]) & need for i, jj in assignment if jj == j))
        total += len(got) / len(need) if objective == "fraction" else len(got)
    return total


def brute_force(experts, tasks, L, objective):
    """Every choice of at most L requests per person (among those they share a skill with)."""
    options = []
    for held in experts:
        useful = [j for j, need in enumerate(tasks) if set(held) & set(need)]
        options.append([c for k in range(min(L, len(useful)) + 1) for c in itertools.combinations(useful, k)])
    best = 0.0
    for pick in itertools.product(*options):
        best = max(best, value(experts, tasks, {(i, j) for i, js in enumerate(pick) for j in js}, objective))
    return best


def pairs_of(prep, rows):
    return {(int(prep.pairs.person[e]), int(prep.pairs.task[e])) for e in rows}


@pytest.mark.parametrize("objective", ["fraction", "slots"])
@SETTINGS
@given(case=instances())
def test_the_answer_is_the_brute_force_optimum_and_the_bounds_hold(objective, case):
    experts, tasks, L = case
    prep = prepare(CoverPool.from_lists(experts, tasks), objective)
    best = brute_force(experts, tasks, L, objective)
    res = solve(prep, L, time_limit=60)
    assigned = pairs_of(prep, res.rows)
    assert max((sum(1 for i, _ in assigned if i == p) for p in range(len(experts))), default=0) <= L
    assert value(experts, tasks, assigned, objective) == pytest.approx(res.value)
    assert res.status == "optimal" and res.value == pytest.approx(best)
    for name, ub in upper_bounds(prep, L).items():
        assert ub >= best - 1e-9, f"the {name} bound {ub} is below the optimum {best}"
    tg = threshold_greedy(prep, L)
    assert value(experts, tasks, pairs_of(prep, tg), "fraction") <= brute_force(experts, tasks, L, "fraction") + 1e-9


def threshold_greedy_by_the_book(experts, tasks, L):
    """The paper's rule, slowly: scan every pair each step, take the largest marginal gain (ties:
    lowest expert, then lowest task), until nothing gains."""
    load = [0] * len(experts)
    covered = [set() for _ in tasks]
    chosen = set()
    while True:
        best = None
        for i, held in enumerate(experts):
            if load[i] >= L:
                continue
            for j, need in enumerate(tasks):
                if (i, j) in chosen:
                    continue
                gain = len((set(held) & set(need)) - covered[j]) / len(set(need))
                if gain > 0 and (best is None or gain > best[0]):
                    best = (gain, i, j)
        if best is None:
            return chosen
        _, i, j = best
        chosen.add((i, j))
        load[i] += 1
        covered[j] |= set(experts[i]) & set(tasks[j])


@SETTINGS
@given(case=instances(people=(1, 7), tasks=(1, 9), skills=6))
def test_threshold_greedy_is_the_papers_rule(case):
    experts, tasks, L = case
    prep = prepare(CoverPool.from_lists(experts, tasks))
    assert pairs_of(prep, threshold_greedy(prep, L)) == threshold_greedy_by_the_book(experts, tasks, L)


def test_pairs_are_every_person_request_pair_sharing_a_skill():
    rng = np.random.default_rng(3)
    experts = [sorted(set(rng.integers(0, 30, rng.integers(0, 6)).tolist())) for _ in range(60)]
    tasks = [list(dict.fromkeys(rng.integers(0, 30, rng.integers(1, 7)).tolist())) for _ in range(700)]
    prep = prepare(CoverPool.from_lists(experts, tasks), "slots")
    want = {(i, j): sum(1 << b for b, s in enumerate(need) if s in held)
            for i, held in enumerate(experts) for j, need in enumerate(tasks) if set(held) & set(need)}
    got = {(int(p), int(t)): int(m) for p, t, m in zip(prep.pairs.person, prep.pairs.task, prep.pairs.mask)}
    assert got == want
    assert len(prep.pairs) == len(want)


def test_our_greedy_keeps_the_versatile_person_for_the_request_only_they_can_do():
    # B holds x and y, A only x; T1 needs x, T2 needs x and y; one request each. ThresholdGreedy
    # gives B (expert 0) T1 first (a tie at full coverage, lowest index), so T2 gets only A: 1.5.
    experts, tasks = [["x", "y"], ["x"]], [["x"], ["x", "y"]]
    prep = prepare(CoverPool.from_lists(experts, tasks))
    assert pairs_of(prep, threshold_greedy(prep, 1)) == {(0, 0), (1, 1)}
    res = solve(prep, 1, time_limit=10, search=False)
    assert pairs_of(prep, res.rows) == {(1, 0), (0, 1)} and res.coverage == 2.0


def test_an_answer_at_the_cpu_limit_is_valid():
    from teamgraph.matching.portfolio_cover_gen import generate
    prep = prepare(CoverPool.from_lists(*generate(200, 800, seed=2)))
    res = solve(prep, 3, time_limit=0.0)
    assert res.max_load <= 3 and res.status == "feasible"
    full = solve(prep, 3, time_limit=2.0)
    assert full.coverage >= res.coverage and full.max_load <= 3
    ev = evaluate(prep.pool, prep.pairs, full.rows)
    assert ev.coverage == pytest.approx(full.coverage) and ev.useless == 0


def test_bad_skill_lists_name_the_file_and_entry():
    from teamgraph.errors import ValidationError
    with pytest.raises(ValidationError) as err:
        CoverPool.from_lists([["a"], "b"], [["a"], []], people_source="experts.json", tasks_source="tasks.json")
    where = {(p.file, p.field) for p in err.value.problems}
    assert where == {("experts.json", "[1]"), ("tasks.json", "[1]")}


def test_eval_reads_the_sdm23_format_and_prints_the_json_shape(tmp_path):
    import json

    from click.testing import CliRunner

    from teamgraph.matching.evaluate import eval_portfolio_cmd
    (tmp_path / "experts.json").write_text(json.dumps([[1, 2], [1]]))
    (tmp_path / "tasks.json").write_text(json.dumps([[1], [1, 2]]))
    out = CliRunner().invoke(eval_portfolio_cmd, ["--experts", str(tmp_path / "experts.json"), "--tasks",
                                                  str(tmp_path / "tasks.json"), "--loads", "1-2"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["max_load"] == [1, 2]
    assert data["baseline"]["coverage"] == [1.5, 2.0] and data["teamgraph"]["coverage"] == [2.0, 2.0]
    assert data["teamgraph"]["slot_coverage"] == [1.0, 1.0] and data["baseline"]["slots"] == [2, 3]
    for key in ("seconds", "cpu_seconds", "upper_bound", "gap", "status"):
        assert len(data["teamgraph"][key]) == 2
    assert data["instance"]["experts"] == 2 and data["instance"]["pairs"] == 4


def test_eval_names_the_file_and_line_of_bad_json(tmp_path):
    from teamgraph.errors import ValidationError
    from teamgraph.matching.evaluate import eval_portfolio
    (tmp_path / "e.json").write_text("[[1],\n[2,,]]")
    (tmp_path / "t.json").write_text("[[1]]")
    with pytest.raises(ValidationError) as err:
        eval_portfolio(experts=tmp_path / "e.json", tasks=tmp_path / "t.json", loads=[1])
    [p] = err.value.problems
    assert p.file.endswith("e.json") and p.line == 2


@pytest.mark.parametrize("objective", ["fraction", "slots"])
def test_the_search_over_request_and_people_windows_never_loses_coverage_or_overloads(objective):
    from teamgraph.matching.portfolio_cover_greedy import lazy_greedy
    from teamgraph.matching.portfolio_cover_lns import improve
    from teamgraph.matching.portfolio_cover_solve import value_of
    rng = np.random.default_rng(5)
    experts = [sorted(set(rng.integers(0, 12, rng.integers(1, 4)).tolist())) for _ in range(40)]
    tasks = [list(dict.fromkeys(rng.integers(0, 12, rng.integers(1, 5)).tolist())) for _ in range(150)]
    prep = prepare(CoverPool.from_lists(experts, tasks), objective)
    start = lazy_greedy(prep.pool, prep.ours, 2, objective=objective)
    rows, stats = improve(prep.pool, prep.pairs, 2, start, objective=objective, deadline=time.process_time() + 3,
                          window=20, people=8)
    assert stats.windows >= 2  # both kinds of window ran (they alternate)
    ev = evaluate(prep.pool, prep.pairs, rows)
    assert ev.max_load <= 2
    assert value_of(prep, rows) >= value_of(prep, start) - 1e-9
    got = value(experts, tasks, pairs_of(prep, rows), objective)
    assert got == pytest.approx(ev.coverage if objective == "fraction" else ev.slots)


def _replay_maximal(experts, tasks, L, objective, taken) -> None:
    """Replayed in order, each (person, task) of `taken` adds the largest gain any pair with room
    could add at that moment, and afterwards no pair with room gains anything."""
    load = [0] * len(experts)
    covered = [set() for _ in tasks]
    chosen = set()

    def gain(i, j):
        new = len((set(experts[i]) & set(tasks[j])) - covered[j])
        return new / len(set(tasks[j])) if objective == "fraction" else new

    def best():
        return max((gain(i, j) for i in range(len(experts)) if load[i] < L for j in range(len(tasks))
                    if (i, j) not in chosen), default=0)
    for i, j in taken:
        assert load[i] < L and (i, j) not in chosen
        assert gain(i, j) > 0 and gain(i, j) == pytest.approx(best())
        chosen.add((i, j))
        load[i] += 1
        covered[j] |= set(experts[i]) & set(tasks[j])
    assert best() == 0


@SETTINGS
@given(case=instances(people=(1, 7), tasks=(1, 9), skills=6))
def test_our_batch_greedy_takes_a_pair_of_maximal_gain_at_every_step(case):
    # our greedy takes ties in rounds; replayed one by one it is still a maximal-gain greedy
    from teamgraph.matching.portfolio_cover_greedy import batch_greedy
    experts, tasks, L = case
    for objective in ("fraction", "slots"):
        prep = prepare(CoverPool.from_lists(experts, tasks), objective)
        rows = batch_greedy(prep.pool, prep.ours, L, objective=objective)
        _replay_maximal(experts, tasks, L, objective,
                        [(int(prep.pairs.person[e]), int(prep.pairs.task[e])) for e in rows.tolist()])


def test_our_tie_order_is_people_by_potential_then_requests_by_fewest_candidates():
    from teamgraph.matching.portfolio_cover_gen import generate
    from teamgraph.matching.portfolio_cover_greedy import our_order
    pool = CoverPool.from_lists(*generate(40, 150, seed=7))
    prep = prepare(pool)
    experts, tasks = generate(40, 150, seed=7)
    # straight from the lists: a person's potential is Σ over requests of the fraction they hold
    potential = [sum(len(set(e) & set(t)) / len(set(t)) for t in tasks) for e in experts]
    candidates = [sum(1 for e in experts if set(e) & set(t)) for t in tasks]
    order = our_order(prep.pairs, pool).order
    got = [(int(prep.pairs.person[e]), int(prep.pairs.task[e])) for e in order.tolist()]
    assert sorted(got) == sorted(pairs_of(prep, range(len(prep.pairs))))  # every pair once
    keys = [(round(potential[p], 9), p, candidates[t], t) for p, t in got]
    assert keys == sorted(keys)
