"""Safe candidate pruning by dominance, so large organisations stay fast without losing optimality.

Take an optimal team T containing p. Either p fills at least one requirement slot, or p only pads
the team (size, department, cohesion). Each case has its own swap:

*Filling* — q takes over p's slots, which keeps every constraint and cannot lower the objective when
  - same department when that department is required or capped (otherwise any department, and
    the slack below must also cover the novelty bonus p's department may bring, unless q is from
    p's own department);
  - q qualifies for every requirement p does, each with at least p's fit;
  - q's post-assignment utilisation is ≤ p's at every allocation the request uses (capacity and the
    fixed utilisation cap U stay satisfied, the team's maximum cannot rise);
  - q's cost rate ≤ p's when there is a budget (it stays satisfied);
  - q's relevance + preference − busy penalty + its smallest fit gain over p's requirements (p
    fills at least one) beats p's by at least p's largest possible cohesion gain plus q's largest
    possible cohesion loss (pair terms are bounded over size_max − 1 kept partners);
  - q is neither forced into the team nor in `avoid` (members of earlier teams, whose no-good cuts
    the swap could otherwise break), and p is not forced or fixed (why-not's subject).
*Padding* — q pads instead: the same without the requirement and fit conditions, utilisation and
  cost compared at the base allocation only (impossible, so no dominators needed, when the base
  allocation takes p over capacity).
Both swaps keep the passenger rule: the size is unchanged, and q is from p's department whenever
that department is required (so who represents a required department alone stays alone), and
otherwise from a department that is neither required nor capped. The busy slack takes the
smallest and largest allocation a role can give (per-role allocations may be below the base).
With at least size_max kept dominators for a case (the cap, within a capped department, since
T holds at most cap − 1 of p's colleagues), one of them is outside T and the swap gives a
team at least as good. For padding, size_min dominators suffice: by the passenger rule a member
without a role is there only when |T| = size_min (T holds size_min − 1 others) or as the one
member of a required department (T holds no other member of it, and q is from it).
A person dominated in both cases is pruned; one dominated only when filling slots stays in the pool
without role variables (`pb.roleless`, "padding only"): with cohesion pairs on most people, the
padding case is what keeps them, while as slot fillers most are dominated. Each swap lowers (pruned
members + slot-filling padding-only members), so some optimal team uses kept people only, padding-
only ones without slots. Dominators are only counted among kept people, so the argument holds
whatever order people are processed in; the order (strongest first) only decides how much is pruned.
Rounds repeat on the survivors (see `prune`).
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
    roleless: set[int] = set()
    for _ in range(max(1, rounds)):
        kept, now_roleless = _dominance(pb, pool, avoid, roleless)
        done = len(kept) == len(pool) and now_roleless == roleless
        pool, roleless = kept, now_roleless
        if done:
            break
    pb.kept = sorted(pool)
    pb.roleless = roleless
    pb.pruned = total - len(pool)


def _dominance(pb, eligible: list[int], avoid: set[int], roleless: set[int]) -> tuple[list[int], set[int]]:
    """One round of dominance pruning over `eligible` (the pool left by the previous round, in
    which the people in `roleless` may only pad the team). Returns the kept people and the
    kept people who may only pad."""
    req = pb.request
    smax = req.size_max
    R = len(req.requirements)
    allocs = sorted({pb.alloc0, *(pb.alloc(r) for r in range(R))})
    # A member filling roles has one of the roles' allocations (smaller than the base counts),
    # a member without a role exactly the base one.
    a_min, a_max, a_base = min(allocs), max(allocs), pb.alloc0
    alive = np.zeros(len(pb.people), dtype=bool)
    alive[eligible] = True
    up, down = _pair_bounds(pb, max(0, smax - 1), alive)

    fits = np.zeros((len(pb.people), R), dtype=np.int64)
    qual = np.zeros((len(pb.people), R), dtype=bool)
    mask = np.zeros(len(pb.people), dtype=np.int64)
    for (i, r), f in pb.fit.items():
        fits[i, r] = f
        qual[i, r] = True
        mask[i] |= 1 << r
    a0 = allocs.index(a_base)
    util = np.array([[c.util(a) for a in allocs] for c in pb.people]).reshape(len(pb.people), len(allocs))
    rate = np.array([c.person.cost_rate for c in pb.people], dtype=float)
    base = np.array(pb.relevance, dtype=np.int64) + np.array(pb.preference, dtype=np.int64)
    busy = np.array([pb.busy(i) for i in range(len(pb.people))], dtype=float)

    # Departments only need to match when they matter: a cap applies, or the department is required.
    # Elsewhere anyone may stand in for p, with p's department novelty added to the slack needed.
    def pinned(dept: str) -> bool:
        return req.cap_of(dept) is not None or dept in req.required_departments

    kept: list[int] = []
    out_roleless: set[int] = set()
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
        # Dominators needed: one more than the team can hold besides p. Within a capped
        # department that is the cap, as p's own seat counts against it.
        cap = req.cap_of(dept) if dept else None
        n_dom = min(smax, cap) if cap is not None else smax
        # A member without a role is there only at the size minimum or as a required department's
        # one member (the passenger rule): T then holds at most size_min − 1 others, or none of
        # p's department, so size_min padding dominators suffice.
        n_pad = min(req.size_min, n_dom)
        k_role: list[int] = []  # kept here, may fill roles and dominate (not forced, not avoided)
        k_any: list[int] = []  # kept here, may dominate as padding (not forced, not avoided)
        for p in members:
            if p in pb.forced or p in pb.fixed or p in avoid or R > 62:
                kept.append(p)
                if p in roleless:
                    out_roleless.add(p)
                continue
            # p's department bonus can only be lost to a q from another department.
            def need(q, p=p, dept=dept):
                return up[p] + down[q] + (np.where(dcode[q] != dcode[p], nov[p], 0) if dept == "" else 0)

            # Case "p fills roles": q takes them over (qualifies for all of p's requirements, each
            # at ≥ p's fit, utilisation ≤ at every allocation); p filling at least one role, q's
            # smallest fit gain over p's requirements adds to the slack.
            if p in roleless or mask[p] == 0:
                fills_ok = True  # p never fills a role
            elif not k_role:
                fills_ok = False
            else:
                q = np.asarray(k_role)
                ok = ((mask[q] & mask[p]) == mask[p])
                ok &= (fits[q] >= fits[p]).all(axis=1)
                ok &= (util[q] <= util[p] + 1e-12).all(axis=1)
                if budget:  # cost only matters under a budget
                    ok &= rate[q] <= rate[p]
                dbusy = busy[p] - busy[q]
                busy_slack = np.where(dbusy >= 0, dbusy * a_min, dbusy * a_max)
                gain = np.where(qual[p], fits[q] - fits[p], 1 << 40).min(axis=1)
                ok &= (base[q] - base[p]) + busy_slack + gain >= need(q)
                fills_ok = int(ok.sum()) >= n_dom
            # Case "p only pads the team" (base allocation, no role): any q padding instead will do.
            # It cannot happen when the base allocation takes p over capacity (p is not forced).
            pads_ok = fills_ok and util[p, a0] > 1.0 + 1e-9
            if fills_ok and k_any and not pads_ok:
                q = np.asarray(k_any)
                ok = util[q, a0] <= util[p, a0] + 1e-12
                if budget:
                    ok &= rate[q] <= rate[p]
                ok &= (base[q] - base[p]) + (busy[p] - busy[q]) * a_base >= need(q)
                pads_ok = int(ok.sum()) >= n_pad
            if pads_ok:
                continue  # dominated either way: pruned
            kept.append(p)
            k_any.append(p)
            if fills_ok:
                out_roleless.add(p)  # dominated when filling a role: may only pad
            else:
                k_role.append(p)
    return sorted(kept), out_roleless


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
