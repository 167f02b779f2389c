"""One coverage staffing call at a load cap L, under one CPU budget: our greedy (the warm start and
the answer when nothing better is found in time), then CP-SAT large-neighbourhood search, with a
cheap upper bound and the gap reported. The published ThresholdGreedy runs on the same prepared
pool for comparison (matching.baseline.threshold_greedy).

Time limits are CPU seconds (time.process_time(), every thread of the process), counted from the
start of the call, so a busy machine does not starve the search and the limit covers the greedy
too; the best answer so far is returned at the limit.

Bounds (`upper_bounds`), each valid on its own, the smallest reported:
* requests — every skill somebody holds is covered;
* people — a person adds at most their L best pairs' gains (gains only shrink as members join);
* skills — skill s is covered in at most L × (its holders) requests, the heaviest ones at best.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from teamgraph.matching.portfolio_cover import CoverPool, Pairs, build_pairs, evaluate, popcount, weights
from teamgraph.matching.portfolio_cover_greedy import (
    Ordered, batch_greedy, drop_useless, gain_table, lazy_greedy, our_order, whole_top,
)
from teamgraph.matching.portfolio_cover_lns import LnsStats, coverable, improve, warm_up_solver


# The least CPU time left worth starting the search with. Setting it up costs ~0.05 s at 2k × 8k
# and a window 0.01–0.05 s; with ~0.1 s left (what ThresholdGreedy's CPU leaves after our greedy
# there) it found nothing in our runs and its one-off costs (set-up, clean-up, allocations on a
# busy machine) overran the limit by up to 0.12 s.
MIN_SEARCH = 0.25


@dataclass
class Prepared:
    """A pool with its pairs and what every L re-uses (orders, bound tables)."""

    pool: CoverPool
    pairs: Pairs
    objective: str
    index: Ordered  # (person, request) order: ThresholdGreedy's ties
    ours: Ordered
    can: np.ndarray  # per request, the bits somebody holds
    cpu_seconds: float = 0.0
    cpu_parts: dict = field(default_factory=dict)  # prepare's CPU: pairs (shared), baseline, teamgraph
    _tables: dict = field(default_factory=dict)


def prepare(pool: CoverPool, objective: str = "fraction") -> Prepared:
    """Everything that does not depend on L, built once: the pairs (both algorithms use them), the
    published order and its initial gain buckets (ThresholdGreedy's), our order, its buckets, its
    top bucket by request and the bound tables (ours). `cpu_parts` says what each part cost."""
    t0 = time.process_time()
    weights(pool, objective)
    pairs = build_pairs(pool)
    t1 = time.process_time()
    index = Ordered(pairs)
    lazy_greedy(pool, index, 0, objective="fraction")  # builds the initial buckets, assigns nothing
    t2 = time.process_time()
    prep = Prepared(pool, pairs, objective, index, our_order(pairs, pool, objective), coverable(pairs, pool.n_tasks))
    lazy_greedy(pool, prep.ours, 0, objective=objective)
    whole_top(prep.ours, objective, pool.task_sizes())  # our greedy's top bucket by request
    upper_bounds(prep, 0)
    warm_up_solver()
    t3 = time.process_time()
    prep.cpu_seconds = t3 - t0
    prep.cpu_parts = {"pairs": t1 - t0, "baseline": t2 - t1, "teamgraph": t3 - t2}
    return prep


@dataclass
class CoverAnswer:
    rows: np.ndarray
    coverage: float  # Σ covered fraction per request (the paper's metric)
    slots: int  # covered (request, skill) pairs
    max_load: int
    constructive: float  # our greedy's objective value before the search
    value: float  # the chosen objective's value
    upper_bound: float
    gap: float  # (upper_bound − value) / upper_bound
    status: str  # optimal (meets the bound) | feasible
    cpu_seconds: float
    lns: LnsStats


def value_of(prep: Prepared, rows: np.ndarray) -> float:
    """The objective of an assignment from the pair masks (fast; `evaluate` is the check)."""
    pairs = prep.pairs
    cov = np.zeros(prep.pool.n_tasks, pairs.mask.dtype)
    np.bitwise_or.at(cov, pairs.task[rows], pairs.mask[rows])
    return float((popcount(cov) * weights(prep.pool, prep.objective)).sum())


def construct(prep: Prepared, L: int, *, deadline: float | None = None) -> np.ndarray:
    """Our greedy at load cap L (the constructive answer): the bucketed batch greedy, members who
    add nothing dropped, and the load they free given to the next gains."""
    rows = batch_greedy(prep.pool, prep.ours, L, objective=prep.objective, deadline=deadline)
    kept = drop_useless(prep.pairs, rows)
    if len(kept) < len(rows) and (deadline is None or time.process_time() < deadline):
        kept = batch_greedy(prep.pool, prep.ours, L, objective=prep.objective, start=kept, deadline=deadline)
    return kept


def solve(prep: Prepared, L: int, *, time_limit: float = 10.0, seed: int = 0, search: bool = True,
          start: np.ndarray | None = None, spent: float = 0.0) -> CoverAnswer:
    """Our answer at load cap L within `time_limit` CPU seconds of this call. `start`: the
    constructive answer already computed (`construct`) at a cost of `spent` CPU seconds, counted
    in the limit and in the answer's cpu_seconds as if this call had computed it."""
    t0 = time.process_time() - spent
    deadline = t0 + time_limit
    rows = construct(prep, L, deadline=deadline) if start is None else np.asarray(start, np.int64)
    c0 = time.process_time()
    constructive = value_of(prep, rows)
    ub = min(upper_bounds(prep, L).values())
    # kept out of the search's time: reading its answer back (clean-up and value, ~3 value_of)
    # and a tenth of the limit for the overrun of its last window (CP-SAT's limit is wall time,
    # the rows are read back after it)
    reserve = 3 * (time.process_time() - c0) + 0.1 * time_limit
    stats = LnsStats()
    if search and constructive < ub - 1e-9 and time.process_time() + reserve + MIN_SEARCH <= deadline:
        better, stats = improve(prep.pool, prep.pairs, L, rows, objective=prep.objective,
                                deadline=deadline - reserve, seed=seed, can=prep.can)
        better = drop_useless(prep.pairs, better)
        if value_of(prep, better) >= constructive:
            rows = better
    cpu = time.process_time() - t0  # the answer and its bound; not `answer`'s independent re-check
    return answer(prep, rows, L, constructive=constructive, ub=ub, cpu=cpu, stats=stats)


def answer(prep: Prepared, rows: np.ndarray, L: int, *, constructive: float, ub: float, cpu: float,
           stats: LnsStats | None = None) -> CoverAnswer:
    """The answer for `rows`, re-checked from the pool's skill lists: nobody above L, and the
    objective recomputed without the pair masks."""
    ev = evaluate(prep.pool, prep.pairs, rows)
    if ev.max_load > L:
        raise AssertionError(f"a person is on {ev.max_load} requests, above the cap {L}")
    value = ev.coverage if prep.objective == "fraction" else float(ev.slots)
    gap = max(0.0, (ub - value) / ub) if ub > 0 else 0.0
    stats = stats or LnsStats()
    status = "optimal" if value >= ub - 1e-9 or stats.optimal else "feasible"
    return CoverAnswer(np.sort(rows), ev.coverage, ev.slots, ev.max_load, constructive, value, ub, gap, status,
                       cpu, stats)


def upper_bounds(prep: Prepared, L: int) -> dict[str, float]:
    """The three bounds of the module docstring at load cap L."""
    pool, pairs = prep.pool, prep.pairs
    w = weights(pool, prep.objective)
    out = {"requests": float((popcount(prep.can) * w).sum())}
    if "people" not in prep._tables:
        # per person, how many pairs have each distinct initial gain (few distinct values)
        code = popcount(pairs.mask).astype(np.int64) * 65 + pool.task_sizes()[pairs.task]
        table = gain_table(pool, prep.objective)
        present = np.flatnonzero(np.bincount(code, minlength=len(table)))
        present = present[np.argsort(table[present], kind="stable")]  # ascending gain
        column = np.zeros(len(table), np.int64)
        column[present] = np.arange(len(present))
        vals, inv = table[present], column[code]
        counts = np.bincount(pairs.person.astype(np.int64) * len(vals) + inv,
                             minlength=pool.n_people * len(vals)).reshape(pool.n_people, len(vals))
        # per skill, how many requests of each weight need it where somebody holds it
        t_of = np.repeat(np.arange(pool.n_tasks), np.diff(pool.task_ptr))
        bit = np.arange(len(pool.task_skills)) - pool.task_ptr[t_of]
        held = (prep.can[t_of].astype(np.uint64) >> bit.astype(np.uint64)) & np.uint64(1) == 1
        wv, winv = np.unique(w[t_of], return_inverse=True)
        need = np.bincount(pool.task_skills[held].astype(np.int64) * len(wv) + winv.ravel()[held],
                           minlength=pool.n_skills * len(wv)).reshape(pool.n_skills, len(wv))
        holders = np.bincount(pool.person_skills, minlength=pool.n_skills)
        prep._tables["people"] = (vals[::-1], counts[:, ::-1])
        prep._tables["skills"] = (wv[::-1], need[:, ::-1], holders)
    vals, counts = prep._tables["people"]
    out["people"] = float((_take_best(counts, np.full(len(counts), L)) * vals).sum())
    wv, need, holders = prep._tables["skills"]
    out["skills"] = float((_take_best(need, L * holders) * wv).sum())
    return out


def _take_best(counts: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """Per row, how many of each column (best first) fit into the row's budget."""
    before = np.cumsum(counts, axis=1) - counts
    return np.clip(budget[:, None] - before, 0, counts)

