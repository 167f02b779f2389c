"""Large-neighbourhood search with CP-SAT on top of the greedy, over windows of requests and of
people, alternately.

A window starts at a request that misses a skill someone could cover: the people who could cover
it are all at their load cap (else the greedy would have taken them). A request window also takes
the requests those people work on, where they might be replaced, and frees every assignment in
them; a people window takes those people and the people working beside them, frees all their
assignments and lets each move to the requests where they would add most. What is freed is
re-optimised exactly (CP-SAT, one worker, the current assignment as hint) with each person's
room = L − their load outside the window, the other members of the requests touched staying; the
result is kept when it covers more, or as much with fewer assignments (freed load helps the next
windows).

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
            window_seconds: float = 2.0, can: np.ndarray | None = None,
            people: int = 24) -> tuple[np.ndarray, LnsStats]:
    """Improve assignment `rows` until time.process_time() reaches `deadline`, alternating windows
    of `window` requests and of `people` people."""
    started = time.process_time()
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
    pptr = np.searchsorted(pairs.person, np.arange(pool.n_people + 1))  # person p's rows: pptr[p]:pptr[p+1]
    # CPU of the costliest window so far, at first guessed from what setting up cost (both grow with
    # the instance): a window starts only when twice that still ends by the deadline
    longest = max(0.02, time.process_time() - started)
    while (now := time.process_time()) + 2 * longest < deadline:
        missing = np.flatnonzero(can.astype(np.uint64) & ~cov)
        if not len(missing):
            break  # everything coverable is covered: optimal
        t0 = int(rng.choice(missing))
        miss = int(can[t0]) & ~st.covered(t0)
        if stats.windows % 2 == 0 or pool.n_tasks <= window:
            # a window of requests: everything in them freed, candidates per request
            tasks = _window(st, t0, miss, rng, window)
            inside = {e for t in tasks for e in st.members.get(t, ())}
            eff = st.load.copy()  # loads with the window's assignments freed
            for e in inside:
                eff[int(pairs.person[e])] -= 1
            complete = exact and len(tasks) == pool.n_tasks
            cands: list[int] = []
            for t in tasks:
                more, whole = _candidates(st, t, rng, per_task, eff)
                complete = complete and whole
                cands += more
        else:
            # a window of people: who could cover what t0 misses and who works beside them, all
            # their assignments freed, each free to move to requests where they would add something
            inside, cands = _people_window(st, t0, miss, rng, cov, pptr, people)
            complete = False
        res = _reoptimise(st, inside, cands, w, scale, sizes, seed + stats.windows,
                          min(time.process_time() + window_seconds, deadline))
        stats.windows += 1
        longest = max(longest, time.process_time() - now)
        if res is None:
            continue
        proven, chosen, gain, touched = res
        stats.proven += proven
        stats.optimal = complete and proven
        if gain > 1e-12 or (gain >= -1e-12 and len(chosen) < len(inside)):
            _apply(st, inside, chosen)
            stats.improved += gain > 1e-12
            for t in touched:
                cov[t] = st.covered(t)
        if stats.optimal:
            break  # the whole instance was this window: proven optimal
    return st.rows(), stats


def warm_up_solver() -> None:
    """Import CP-SAT and solve a one-variable model: both cost a one-off ~0.05–0.1 CPU s per
    process, which `prepare` pays once instead of the first load cap's search."""
    from ortools.sat.python import cp_model
    model = cp_model.CpModel()
    model.Maximize(model.NewBoolVar("warm-up"))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.Solve(model)


def _reoptimise(st: _State, inside: set[int], cands: list[int], w: np.ndarray, scale: int, sizes: np.ndarray,
                seed: int, until: float):
    """Free the assigned rows `inside`, choose among `cands` (⊇ inside) exactly, the solver stopping
    at CPU time `until` (process_time; model building counted); the other members of the requests
    touched stay. Returns (proven optimal, rows chosen, objective gain, requests touched), or None
    when the solver found nothing or no time is left."""
    from ortools.sat.python import cp_model
    pairs, L = st.pairs, st.L
    room: dict[int, int] = {}
    for e in inside:
        p = int(pairs.person[e])
        room[p] = room.get(p, 0) + 1
    model = cp_model.CpModel()
    x: dict[int, object] = {}
    for e in dict.fromkeys(cands):
        p = int(pairs.person[e])
        if L - int(st.load[p]) + room.get(p, 0) > 0:
            x[e] = model.NewBoolVar(f"x[{p},{int(pairs.task[e])}]")
    by_person: dict[int, list] = {}
    by_task: dict[int, list[int]] = {}
    for e, v in x.items():
        by_person.setdefault(int(pairs.person[e]), []).append(v)
        by_task.setdefault(int(pairs.task[e]), []).append(e)
    for p, vs in by_person.items():
        model.Add(sum(vs) <= L - int(st.load[p]) + room.get(p, 0))  # room once the window is freed
    fixed = {t: 0 for t in by_task}
    for t in by_task:
        for e in st.members.get(t, ()):
            if e not in inside:
                fixed[t] |= int(pairs.mask[e])
    obj = []
    for t, es in by_task.items():
        now = st.covered(t)
        for b in range(int(sizes[t])):
            if fixed[t] >> b & 1:
                continue  # covered by a member who stays
            holders = [x[e] for e in es if int(pairs.mask[e]) >> b & 1]
            if holders:
                zb = model.NewBoolVar(f"z[{t},{b}]")
                model.Add(sum(holders) >= zb)  # covered only by a member holding it
                model.AddHint(zb, bool(now >> b & 1))
                obj.append(round(w[t] * scale) * zb)
    model.Maximize((len(x) + 1) * sum(obj) - sum(x.values()))  # the most covered, then fewest members
    for e, v in x.items():
        model.AddHint(v, e in inside)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.random_seed = seed
    seconds = until - time.process_time()
    if seconds < 0.005:
        return None  # building the model took the time left
    # CP-SAT's limit is wall time; with one worker that is at least the CPU it uses
    solver.parameters.max_time_in_seconds = seconds
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = {e for e, v in x.items() if solver.BooleanValue(v)}
    bits = dict(fixed)
    for e in chosen:
        bits[int(pairs.task[e])] |= int(pairs.mask[e])
    # every freed row is a candidate with room, so its request is among those with variables
    gain = sum(w[t] * (bin(bits[t]).count("1") - bin(st.covered(t)).count("1")) for t in by_task)
    return status == cp_model.OPTIMAL, chosen, gain, set(by_task)


def _people_window(st: _State, t0: int, miss: int, rng, cov: np.ndarray, pptr: np.ndarray, size: int):
    """(rows freed, candidate rows) for a window of at most `size` people: those holding what t0
    misses, then people working on the same requests as them."""
    pairs = st.pairs
    es = pairs.by_task[pairs.task_ptr[t0]:pairs.task_ptr[t0 + 1]]
    helpers = [int(pairs.person[e]) for e in es.tolist() if int(pairs.mask[e]) & miss]
    rng.shuffle(helpers)
    people = list(dict.fromkeys(helpers[:max(1, size // 3)]))
    for p in list(people):
        for e in st.of_person.get(p, ()):
            for f in st.members.get(int(pairs.task[e]), ()):
                q = int(pairs.person[f])
                if q not in people and len(people) < size:
                    people.append(q)
    inside = {e for p in people for e in st.of_person.get(p, ())}
    cands = list(inside)
    for p in people:
        rows = np.arange(pptr[p], pptr[p + 1])
        gain = popcount(pairs.mask[rows] & ~cov[pairs.task[rows]].astype(pairs.mask.dtype))
        useful = rows[gain > 0]
        if len(useful) > 8:
            order = np.lexsort((rng.random(len(useful)), -gain[gain > 0].astype(np.int64)))
            useful = useful[order[:8]]
        cands += useful.tolist()
    return inside, cands


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
