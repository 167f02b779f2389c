"""Safe candidate pruning by dominance, so large organisations stay fast without losing optimality.

Person q *dominates* p when swapping p out of any team for q keeps every constraint and cannot
lower the objective:
  - same department when that department is required or capped (otherwise any department, and
    the slack below must also cover the novelty bonus p's department may bring);
  - q qualifies for every requirement p does, each with at least p's fit;
  - q's post-assignment utilisation is ≤ p's at every allocation the request uses (capacity and the
    fixed utilisation cap U stay satisfied, the team's maximum cannot rise);
  - q's cost rate ≤ p's when there is a budget (it stays satisfied);
  - q's relevance + preference − busy penalty beats p's by at least p's largest possible cohesion
    gain plus q's largest possible cohesion loss (pair terms are bounded over size_max − 1 partners);
  - q is neither forced into the team nor in `avoid` (members of earlier teams, whose no-good cuts
    the swap could otherwise break).
If p has at least size_max dominators that are kept, then any team containing p misses one of them,
and swapping gives a team at least as good: some optimal team uses kept people only. Dominators are
only counted among kept people, so the argument holds whatever order people are processed in; the
order (strongest first) only decides how much is pruned.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def _pair_bounds(pb, k: int, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per person: largest sum of k positive pair terms, and |smallest sum of k negative ones|,
    counting only partners still `alive` (in the pool the team is chosen from)."""
    n = len(pb.people)
    pos: list[list[int]] = [[] for _ in range(n)]
    neg: list[list[int]] = [[] for _ in range(n)]
    for (i, j), w in pb.pairs.items():
        if not (alive[i] and alive[j]):
            continue
        for a in (i, j):
            (pos if w > 0 else neg)[a].append(w)
    up = np.array([sum(sorted(v, reverse=True)[:k]) for v in pos], dtype=np.int64)
    down = np.array([-sum(sorted(v)[:k]) for v in neg], dtype=np.int64)
    return up, down


def prune(pb, avoid: Iterable[int] = (), rounds: int = 6) -> None:
    """Set `pb.kept` to the eligible people that survive dominance pruning, and `pb.pruned`.

    Pruning repeats on the survivors: once some optimal team is known to lie in the kept pool,
    the problem restricted to that pool has the same optimum, and in it a person's cohesion bound
    only counts partners who are still kept, so more people become dominated. Each round is safe
    for the problem the previous round left, hence the fixpoint is safe for the original one."""
    avoid = set(avoid)
    base = range(len(pb.people)) if pb.base_pool is None else pb.base_pool
    pool = [i for i in base if pb.eligible(i) or i in pb.forced]
    total = len(pool)
    for _ in range(max(1, rounds)):
        kept = _dominance(pb, pool, avoid)
        done = len(kept) == len(pool)
        pool = kept
        if done:
            break
    pb.kept = sorted(pool)
    pb.pruned = total - len(pool)


def _dominance(pb, eligible: list[int], avoid: set[int]) -> list[int]:
    """One round of dominance pruning over `eligible` (the pool left by the previous round)."""
    req = pb.request
    smax = req.size_max
    R = len(req.requirements)
    allocs = sorted({pb.alloc0, *(pb.alloc(r) for r in range(R))})
    a_min, a_max = pb.alloc0, max(allocs)
    alive = np.zeros(len(pb.people), dtype=bool)
    alive[eligible] = True
    up, down = _pair_bounds(pb, max(0, smax - 1), alive)

    fits = np.zeros((len(pb.people), R), dtype=np.int64)
    mask = np.zeros(len(pb.people), dtype=np.int64)
    for (i, r), f in pb.fit.items():
        fits[i, r] = f
        mask[i] |= 1 << r
    util = np.array([[c.util(a) for a in allocs] for c in pb.people]).reshape(len(pb.people), len(allocs))
    rate = np.array([c.person.cost_rate for c in pb.people], dtype=float)
    base = np.array(pb.relevance, dtype=np.int64) + np.array(pb.preference, dtype=np.int64)
    busy = np.array([pb.busy(i) for i in range(len(pb.people))], dtype=float)

    # Departments only need to match when they matter: a cap applies, or the department is required.
    # Elsewhere anyone may stand in for p, with p's department novelty added to the slack needed.
    def pinned(dept: str) -> bool:
        return req.cap_of(dept) is not None or dept in req.required_departments

    kept: list[int] = []
    by_dept: dict[str, list[int]] = {}
    for i in eligible:
        d = pb.people[i].department
        by_dept.setdefault(d if pinned(d) else "", []).append(i)
    nov = np.array([pb.novelty.get(c.department, 0) for c in pb.people], dtype=np.int64)
    codes: dict[str, int] = {}
    dcode = np.array([codes.setdefault(c.department, len(codes)) for c in pb.people], dtype=np.int64)
    budget = req.budget is not None
    for dept, members in by_dept.items():
        # Strongest first: more fit, more base value, less loaded.
        members.sort(key=lambda i: (-int(fits[i].sum()) - int(base[i]) + busy[i] * a_min, util[i, 0],
                                    pb.people[i].id))
        k_idx: list[int] = []  # kept here that may dominate (not forced, not avoided)
        for p in members:
            if p in pb.forced or p in avoid or R > 62 or not k_idx:
                kept.append(p)
                if p not in pb.forced and p not in avoid:
                    k_idx.append(p)
                continue
            q = np.asarray(k_idx)
            ok = ((mask[q] & mask[p]) == mask[p])
            ok &= (fits[q] >= fits[p]).all(axis=1)
            ok &= (util[q] <= util[p] + 1e-12).all(axis=1)
            if budget:  # cost only matters under a budget
                ok &= rate[q] <= rate[p]
            dbusy = busy[p] - busy[q]
            busy_slack = np.where(dbusy >= 0, dbusy * a_min, dbusy * a_max)
            # p's department bonus can only be lost to a q from another department.
            need = up[p] + down[q] + (np.where(dcode[q] != dcode[p], nov[p], 0) if dept == "" else 0)
            ok &= (base[q] - base[p]) + busy_slack >= need
            if int(ok.sum()) < smax:  # fewer than size_max dominators: p stays
                kept.append(p)
                k_idx.append(p)
    return sorted(kept)


def shortlist(pb, max_pool: int) -> bool:
    """Cut `pb.kept` to about `max_pool` people when larger (a heuristic, not safe pruning): per
    requirement the best by fit, relevance and spare capacity, a few per required department, and
    everyone forced. Returns True when it cut, so results stop claiming proven optimality."""
    if len(pb.kept) <= max_pool:
        return False
    req = pb.request
    R = len(req.requirements)
    per = max(8, max_pool // max(1, R + len(req.required_departments)))
    kept = set(pb.forced)
    pool = set(pb.kept)
    for r, rq in enumerate(req.requirements):
        q = [i for i in pb.qualified[r] if i in pool]
        q.sort(key=lambda i: (-(pb.fit[i, r] + pb.relevance[i] + pb.preference[i])
                              + pb.util_penalty(pb.people[i].util(pb.alloc(r))), pb.people[i].id))
        kept.update(q[:max(per, 3 * rq.count)])
    for dept in req.required_departments:
        q = sorted((i for i in pool if pb.people[i].department == dept),
                   key=lambda i: (-sum(1 for r in range(R) if (i, r) in pb.fit), pb.people[i].util(pb.alloc0),
                                  pb.people[i].id))
        kept.update(q[:10])
    pb.kept = sorted(kept)
    return True
