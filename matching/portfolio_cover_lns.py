"""Large-neighbourhood search with CP-SAT on top of the greedy, over windows of requests.

A window starts at a request that misses a skill someone could cover: the people who could cover
it are all at their load cap (else the greedy would have taken them), so the window also takes
the requests those people work on, where they might be replaced. Every assignment inside the
window is freed and re-optimised exactly (CP-SAT, one worker, the current assignment as hint)
with each person's room = L − their load outside the window; the result is kept when it covers
more, or as much with fewer assignments (freed load helps the next windows).

Candidate lists differ per request and are load-aware: the current members, then people with
room ordered by how many of the request's skills they hold, ties broken at random per window
(diversified), at most `per_task`, and for each skill at least a few of its holders with room.

Model (in the OR-Tools sample shape): x[e] person–request pair e is assigned; z[t,b] request t's
b-th skill is covered; z[t,b] ≤ Σ x[e] over pairs holding it; Σ x over a person ≤ room; maximise
Σ weight_t·z[t,b] (then fewer x).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from teamgraph.matching.portfolio_cover import CoverPool, Pairs, popcount, weights


@dataclass
class LnsStats:
    windows: int = 0
    improved: int = 0
    proven: int = 0  # windows solved to optimality
    optimal: bool = False  # a window held every request and every usable pair, and was solved exactly


class _State:
    def __init__(self, pool: CoverPool, pairs: Pairs, L: int, rows: np.ndarray):
        self.pool, self.pairs, self.L = pool, pairs, L
        self.load = np.bincount(pairs.person[rows], minlength=pool.n_people).astype(np.int64)
        self.members: dict[int, set[int]] = {}
        for e in rows.tolist():
            self.members.setdefault(int(pairs.task[e]), set()).add(e)
        self.of_person: dict[int, set[int]] = {}
        for e in rows.tolist():
            self.of_person.setdefault(int(pairs.person[e]), set()).add(e)

    def covered(self, t: int) -> int:
        bits = 0
        for e in self.members.get(t, ()):
            bits |= int(self.pairs.mask[e])
        return bits

    def rows(self) -> np.ndarray:
        return np.asarray(sorted(e for es in self.members.values() for e in es), np.int64)


def coverable(pairs: Pairs, n_tasks: int) -> np.ndarray:
    """Per request, the bits of the skills some person holds."""
    out = np.zeros(n_tasks, pairs.mask.dtype)
    has = np.flatnonzero(np.diff(pairs.task_ptr) > 0)
    if len(has):
        out[has] = np.bitwise_or.reduceat(pairs.mask[pairs.by_task], pairs.task_ptr[has])
    return out


def improve(pool: CoverPool, pairs: Pairs, L: int, rows: np.ndarray, *, objective: str = "fraction",
            deadline: float, seed: int = 0, window: int = 40, per_task: int = 12,
            window_seconds: float = 2.0, can: np.ndarray | None = None) -> tuple[np.ndarray, LnsStats]:
    """Improve assignment `rows` until time.process_time() reaches `deadline`."""
    from ortools.sat.python import cp_model
    rng = np.random.default_rng(seed)
    st = _State(pool, pairs, L, np.asarray(rows, np.int64))
    w = weights(pool, objective)
    can = coverable(pairs, pool.n_tasks) if can is None else can
    stats = LnsStats()
    sizes = pool.task_sizes()
    scale = math.lcm(*sorted(set(sizes.tolist()))) if objective == "fraction" and len(sizes) else 1
    exact = scale <= 10 ** 6  # integer weights equal to the objective's (else rounded: no proofs)
    scale = min(scale, 10 ** 6)
    cov = np.fromiter((st.covered(t) for t in range(pool.n_tasks)), np.uint64, pool.n_tasks)
    while time.process_time() < deadline - 0.05:
        missing = np.flatnonzero(can.astype(np.uint64) & ~cov)
        if not len(missing):
            break  # everything coverable is covered: optimal
        t0 = int(rng.choice(missing))
        tasks = _window(st, t0, int(can[t0]) & ~st.covered(t0), rng, window)
        before = sum(w[t] * bin(st.covered(t)).count("1") for t in tasks)
        model = cp_model.CpModel()
        x, z = {}, []
        inside = {e for t in tasks for e in st.members.get(t, ())}
        room: dict[int, int] = {}
        for e in inside:
            p = int(pairs.person[e])
            room[p] = room.get(p, 0) + 1
        eff = st.load.copy()  # loads with the window's assignments freed
        for p, c in room.items():
            eff[p] -= c
        complete = exact and len(tasks) == pool.n_tasks
        for t in tasks:
            cands, whole = _candidates(st, t, rng, per_task, eff)
            complete = complete and whole
            for e in cands:
                p = int(pairs.person[e])
                r = L - int(st.load[p]) + room.get(p, 0)
                if r > 0:
                    x[e] = model.NewBoolVar(f"x[{p},{t}]")
        by_person: dict[int, list] = {}
        for e, v in x.items():
            by_person.setdefault(int(pairs.person[e]), []).append(v)
        for p, vs in by_person.items():
            model.Add(sum(vs) <= L - int(st.load[p]) + room.get(p, 0))  # room in the window
        by_task: dict[int, list[int]] = {}
        for e in x:
            by_task.setdefault(int(pairs.task[e]), []).append(e)
        obj = []
        for t, es in by_task.items():
            for b in range(int(sizes[t])):
                holders = [x[e] for e in es if int(pairs.mask[e]) >> b & 1]
                if holders:
                    zb = model.NewBoolVar(f"z[{t},{b}]")
                    model.Add(sum(holders) >= zb)  # covered only by a member holding it
                    z.append((t, zb))
                    model.AddHint(zb, bool(st.covered(t) >> b & 1))
                    obj.append(round(w[t] * scale) * zb)
        big = len(x) + 1
        model.Maximize(big * sum(obj) - sum(x.values()))
        for e, v in x.items():
            model.AddHint(v, e in inside)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = 2
        solver.parameters.random_seed = seed + stats.windows
        solver.parameters.max_time_in_seconds = max(0.05, min(window_seconds, deadline - time.process_time()))
        status = solver.Solve(model)
        stats.windows += 1
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        stats.proven += status == cp_model.OPTIMAL
        stats.optimal = complete and status == cp_model.OPTIMAL
        chosen = {e for e, v in x.items() if solver.BooleanValue(v)}
        bits: dict[int, int] = {}
        for e in chosen:
            bits[int(pairs.task[e])] = bits.get(int(pairs.task[e]), 0) | int(pairs.mask[e])
        after = sum(w[t] * bin(bits.get(t, 0)).count("1") for t in tasks)
        if after > before + 1e-12 or (after >= before - 1e-12 and len(chosen) < len(inside)):
            _apply(st, inside, chosen)
            stats.improved += after > before + 1e-12
            for t in tasks:
                cov[t] = st.covered(t)
        if stats.optimal:
            break  # the whole instance was this window: proven optimal
    return st.rows(), stats


def _window(st: _State, t0: int, miss: int, rng, size: int) -> list[int]:
    """t0, the requests of the people who could cover what t0 misses, then more requests missing
    something those people hold."""
    pairs = st.pairs
    if st.pool.n_tasks <= size:  # small instances: the whole of it, so the solve is a proof
        return [t0] + [t for t in range(st.pool.n_tasks) if t != t0]
    es = pairs.by_task[pairs.task_ptr[t0]:pairs.task_ptr[t0 + 1]]
    helpers = [int(pairs.person[e]) for e in es.tolist() if int(pairs.mask[e]) & miss]
    rng.shuffle(helpers)
    tasks = [t0]
    seen = {t0}
    for p in helpers[:12]:
        for e in st.of_person.get(p, ()):
            t = int(pairs.task[e])
            if t not in seen:
                seen.add(t)
                tasks.append(t)
    if len(tasks) > size:
        keep = rng.choice(len(tasks) - 1, size - 1, replace=False) + 1
        tasks = [t0] + [tasks[k] for k in sorted(keep)]
    # people who hold what the window's requests miss may in turn be freed elsewhere: add a few
    # of their requests too, while there is room
    for t in list(tasks):
        if len(tasks) >= size:
            break
        es = pairs.by_task[pairs.task_ptr[t]:pairs.task_ptr[t + 1]]
        for e in rng.choice(es, min(4, len(es)), replace=False).tolist():
            for f in list(st.of_person.get(int(pairs.person[e]), ()))[:2]:
                u = int(pairs.task[f])
                if u not in seen and len(tasks) < size:
                    seen.add(u)
                    tasks.append(u)
    return tasks


def _candidates(st: _State, t: int, rng, per_task: int, eff: np.ndarray) -> tuple[list[int], bool]:
    """Request t's pairs for the model: its members, then people with room by how many of its
    skills they hold (random among equals), at most per_task, at least 3 holders per skill; and
    whether that is every pair of t with room."""
    pairs = st.pairs
    es = pairs.by_task[pairs.task_ptr[t]:pairs.task_ptr[t + 1]]
    mine = [e for e in st.members.get(t, ())]
    free = es[eff[pairs.person[es]] < st.L]
    if len(free) == 0:
        return mine, True
    held = popcount(pairs.mask[free])
    order = np.lexsort((rng.random(len(free)), -held.astype(np.int64)))
    free = free[order]
    out = list(mine)
    picked = set(out)
    for e in free[:per_task].tolist():
        if e not in picked:
            picked.add(e)
            out.append(e)
    size = int(st.pool.task_ptr[t + 1] - st.pool.task_ptr[t])
    for b in range(size):
        have = sum(1 for e in out if int(pairs.mask[e]) >> b & 1)
        if have >= 3:
            continue
        for e in free[(pairs.mask[free].astype(np.uint64) >> np.uint64(b)) & np.uint64(1) == 1][:3 - have].tolist():
            if e not in picked:
                picked.add(e)
                out.append(e)
    return out, len(free) <= per_task


def _apply(st: _State, old: set[int], new: set[int]) -> None:
    pairs = st.pairs
    for e in old - new:
        p, t = int(pairs.person[e]), int(pairs.task[e])
        st.load[p] -= 1
        st.members[t].discard(e)
        st.of_person[p].discard(e)
    for e in new - old:
        p, t = int(pairs.person[e]), int(pairs.task[e])
        st.load[p] += 1
        st.members.setdefault(t, set()).add(e)
        st.of_person.setdefault(p, set()).add(e)
