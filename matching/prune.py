r"""Safe candidate pruning by dominance, so large organisations stay fast without losing optimality.

Take an optimal team T containing p (p neither forced, nor fixed as why-not's subject, nor in
`avoid`). Either p fills at least one requirement slot, or p fills none. The passenger rule says
when a member without a role can be there at all: |T| = size_min, or p is the only member of a
required department. So there are three cases, each with its own swap of p for a kept q ∉ T:

*Filling* — q takes over p's slots, which keeps every rule and cannot lower the objective when
  - same department when that department is required or capped (otherwise any department that is
    neither, and the slack below must also cover the novelty bonus p's department may bring,
    unless q is from p's own department);
  - q qualifies for every requirement p does, each with at least p's fit;
  - q's post-assignment utilisation is ≤ p's at every allocation the request uses (capacity and the
    fixed utilisation cap U stay satisfied, the team's maximum cannot rise);
  - q's cost rate ≤ p's when there is a budget (it stays satisfied);
  - q's relevance + preference − busy penalty (the model's integer one, at the allocation least
    favourable to q) + its smallest fit gain over p's requirements (p fills at least one) beats
    p's by at least p's largest possible cohesion gain plus q's largest possible cohesion loss.
*At the minimum* (|T| = size_min, p without a role and, if p's department is required, not its
  only member) — q pads instead: the same without the requirement and fit conditions, utilisation
  and cost compared at the base allocation only.
*Representing* (p without a role, the only member of required department d) — q from d pads
  instead; T holds nobody else from d, so one such q suffices.
Impossible cases need no dominators: nobody pads at the base allocation over capacity, and nobody
is at the minimum without a role when the slots need size_min fillers or more. Every swap keeps
the passenger rule: the size is unchanged, and q is from p's department whenever that department
is required (who represents a required department alone stays alone), otherwise from a
department that is neither required nor capped.

*Who can be in T besides p.* Fillers F(T) ≥ F, the fewest people of the pool whose holdings cover
every requirement's count (`_covers`, exact over the pool's qualification patterns). Members
who are not forced and fill no role ("pads": every such member of T) number at most the required
departments (one each) when |T| > size_min, and at most size_min − F at the minimum. People who
cannot fill any role in the pool (no qualification, or padding-only from an earlier round) are
pads whenever they are in T; at the minimum with p role-less, T's fillers are a cover of at most
size_min − 1 people, so anyone whose pattern is in no such cover is a pad there too. Hence,
besides p, T holds
  - filling: ≤ size_max − 1 others, at most ρ_f = max(#required, size_min − F) of them pads;
  - at the minimum: size_min − 1 others, at most ρ_m = size_min − F − 1 pads;
  - representing: ≤ size_max − 1 others, none from d, at most ρ_r = max(#required − 1, ρ_m) pads.
A person's cohesion bound in each case is the sum of their largest positive pair terms with kept
partners under that shape (at most ρ pads, and not from d when representing); the loss bound
likewise with negative ones. They bound p's gain and q's loss, as T \ {p} is the partner set of
both. Pair terms only count partners still kept (see `prune`).

*How many dominators.* One q outside T is needed. Filling: T holds ≤ size_max − 1 others (the cap
− 1 within a capped department), so size_max (or cap) dominators suffice. At the minimum: T holds
size_min − 1 others, and a dominator that is a pad there (it fills no role in the pool, or its
pattern is in no cover of size_min − 1 people) can only be one of T's ≤ size_min − 1 − F other
role-less members; so with a such dominators and b others, T holds at most min(size_min − 1,
b + min(a, size_min − 1 − F)) of them (and ≤ cap − 1), and a + b above that suffices.
Representing: T holds nobody else from d, so one dominator from d suffices.
A person dominated in every case is pruned; one dominated only when filling slots stays in the pool
without role variables (`pb.roleless`, "padding only"). Each swap lowers (pruned members +
slot-filling padding-only members), so some optimal team uses kept people only, padding-only ones
without slots. Dominators are only counted among kept people, so the argument holds whatever order
people are processed in; the order (strongest first) only decides how much is pruned. Rounds
repeat on the survivors (see `prune`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from teamgraph.matching.model import busy_units
from teamgraph.matching.rules import allocation_levels


def _covers(pb, masks: list[int], cache: dict) -> tuple[int, set[int]]:
    """F, the fewest people drawn from these qualification patterns (one bit per requirement)
    holding every requirement's count (a person fills a requirement at most once, several at
    once), and the patterns that are part of some such cover of at most size_min − 1 people.
    Exact, by a small CP-SAT model over the distinct patterns (a pattern used more often than the
    largest count never helps); without a proof it falls back to the largest count and to every
    pattern, weaker but valid. `cache` re-uses answers across rounds with the same patterns."""
    from ortools.sat.python import cp_model
    need = [rq.count for rq in pb.request.requirements]
    if not need:
        return 0, set()
    kinds: dict[int, int] = {}
    for m in masks:
        if m:
            kinds[m] = min(max(need), kinds.get(m, 0) + 1)
    key = tuple(sorted(kinds.items()))
    if key in cache:
        return cache[key]
    if max(need) == 1 and len(need) <= _UNIT_BITS:
        cache[key] = out = _unit_covers(pb, list(kinds), len(need))
        return out

    def fewest(using: int | None) -> int | None:
        model = cp_model.CpModel()
        n = {m: model.NewIntVar(1 if m == using else 0, c, f"n{m}") for m, c in kinds.items()}
        for r, c in enumerate(need):
            model.Add(sum(v for m, v in n.items() if m >> r & 1) >= c)
        model.Minimize(sum(n.values()))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 5.0
        st = solver.Solve(model)
        if st == cp_model.OPTIMAL:
            return round(solver.ObjectiveValue())
        return pb.request.size_max + 1 if st == cp_model.INFEASIBLE else None

    F = fewest(None)
    if F is None:
        out = max(need), set(kinds)
    elif F > pb.request.size_min - 1:
        out = F, set()
    else:
        out = F, {m for m in kinds if (f := fewest(m)) is None or f <= pb.request.size_min - 1}
    cache[key] = out
    return out


_UNIT_BITS = 12  # requirements up to which the one-per-requirement cover is a table over subsets


def _unit_covers(pb, kinds: list[int], R: int) -> tuple[int, set[int]]:
    """`_covers` when every requirement needs one person: a fewest cover never uses a pattern
    twice (the second holder adds nothing), so F is the fewest patterns whose union is every
    requirement, and pattern m is in a cover of k people iff 1 + (fewest covering the rest) ≤ k.
    Computed exactly over all 2^R subsets: g[S] = the fewest patterns covering S."""
    full = (1 << R) - 1
    states = np.arange(1 << R, dtype=np.int64)
    none = R + 1  # more than any cover needs: "no cover"
    g = np.full(1 << R, none, dtype=np.int64)
    g[0] = 0
    for _ in range(R):  # a cover has at most R patterns, so R relaxation rounds reach every g
        before = g.copy()
        for m in kinds:
            np.minimum(g, g[states & ~m] + 1, out=g)
        if np.array_equal(g, before):
            break
    if g[full] >= none:
        return pb.request.size_max + 1, set()
    F = int(g[full])
    limit = pb.request.size_min - 1
    if F > limit:
        return F, set()
    return F, {m for m in kinds if 1 + int(g[full & ~m]) <= limit}


def _pair_bounds(links: tuple[np.ndarray, np.ndarray, np.ndarray], n: int, alive: np.ndarray, pad: np.ndarray,
                 dcode: np.ndarray, k: int, rho: int, own_dept_out: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Per person: the largest sum of positive pair terms with ≤ k partners still `alive`, of whom
    ≤ rho are `pad` (none from the person's own department with `own_dept_out`), and |the smallest
    sum of negative ones|. `links`: (person, partner, weight) arrays, each pair in both directions."""
    up = np.zeros(n, dtype=np.int64)
    down = np.zeros(n, dtype=np.int64)
    if k <= 0:
        return up, down
    rho = max(0, rho)
    a, j, w = links
    keep = alive[a] & alive[j]
    if own_dept_out:
        keep &= dcode[a] != dcode[j]
    a, j, w = a[keep], j[keep], w[keep]
    for sign, out in ((1, up), (-1, down)):
        sel = w * sign > 0
        who, value, is_pad = a[sel], w[sel] * sign, pad[j[sel]]
        # The k largest with non-pad partners and the rho largest with pads, per person ...
        order = np.lexsort((-value, is_pad, who))
        who, value, is_pad = who[order], value[order], is_pad[order]
        first = _rank(who * 2 + is_pad) < np.where(is_pad, rho, k)
        who, value = who[first], value[first]
        # ... and the k largest of those.
        order = np.lexsort((-value, who))
        who, value = who[order], value[order]
        top = _rank(who) < k
        out += np.bincount(who[top], weights=value[top], minlength=n).astype(np.int64)
    return up, down


def _rank(groups: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal values (the array is grouped)."""
    idx = np.arange(len(groups))
    if not len(groups):
        return idx
    starts = np.r_[True, groups[1:] != groups[:-1]]
    return idx - np.maximum.accumulate(np.where(starts, idx, 0))


class _Data:
    """The per-person numbers dominance compares, computed once for all rounds, for the people of
    `pool` (everyone else is never compared: their rows stay zero)."""

    def __init__(self, pb, pool: list[int]):
        req = pb.request
        n, R = len(pb.people), len(req.requirements)
        self.allocs = sorted({pb.alloc0, *(pb.alloc(r) for r in range(R))})
        self.a0 = self.allocs.index(pb.alloc0)
        self.fits = np.zeros((n, R), dtype=np.int64)
        self.qual = np.zeros((n, R), dtype=bool)
        self.mask = np.zeros(n, dtype=np.int64)
        for (i, r), f in pb.fit.items():
            self.fits[i, r] = f
            self.qual[i, r] = True
            self.mask[i] |= 1 << r
        self.forced = np.zeros(n, dtype=bool)
        self.forced[list(pb.forced)] = True
        # A large organisation's pool is a shortlist of its candidates: utilisation (a scan over
        # time-phased pieces) and busy units only for the pool.
        self.util = np.zeros((n, len(self.allocs)))
        self.busy = np.zeros((n, len(self.allocs)), dtype=np.int64)
        levels = allocation_levels(pb)
        for i in pool:
            c = pb.people[i]
            self.util[i] = [c.util(a) for a in self.allocs]
            self.busy[i] = [busy_units(pb, i, a, levels) for a in self.allocs]
        self.rate = np.array([c.person.cost_rate for c in pb.people], dtype=float)
        self.base = np.array(pb.relevance, dtype=np.int64) + np.array(pb.preference, dtype=np.int64)
        codes: dict[str, int] = {}
        self.dcode = np.array([codes.setdefault(c.department, len(codes)) for c in pb.people], dtype=np.int64)
        self.nov = np.array([pb.novelty.get(c.department, 0) for c in pb.people], dtype=np.int64)
        links = [(i, j, w) for (i, j), w in pb.pairs.items() if w]
        a = np.array([i for i, _, _ in links] + [j for _, j, _ in links], dtype=np.int64)
        b = np.array([j for _, j, _ in links] + [i for i, _, _ in links], dtype=np.int64)
        w = np.array([w for _, _, w in links] * 2, dtype=np.int64)
        self.links = a, b, w
        self.dept = [c.department for c in pb.people]
        # Strongest first: more fit, more base value, less busy, less loaded (then by id).
        strength = (self.busy[:, self.a0] - self.fits.sum(axis=1) - self.base).tolist()
        first_util = self.util[:, 0].tolist()
        order = sorted(pool, key=lambda i: (strength[i], first_util[i], pb.people[i].id))
        self.rank = [0] * n
        for k, i in enumerate(order):
            self.rank[i] = k
        self.covers: dict = {}  # _covers' cache


def prune(pb, avoid: Iterable[int] = (), rounds: int = 6) -> None:
    """Set `pb.kept` to the eligible people that survive dominance pruning, and `pb.pruned`.

    Pruning repeats on the survivors: once some optimal team is known to lie in the kept pool,
    the problem restricted to that pool (padding-only people without roles) has the same optimum,
    and in it a person's cohesion bound only counts partners who are still kept, fewer people can
    fill roles (so F may rise and fewer can pad), and more people become dominated. Each round is
    safe for the problem the previous round left, hence the fixpoint is safe for the original one."""
    avoid = set(avoid)
    base = range(len(pb.people)) if pb.base_pool is None else pb.base_pool
    pool = [i for i in base if pb.eligible(i) or i in pb.forced]
    total = len(pool)
    roleless: set[int] = set()
    data = _Data(pb, pool)
    for _ in range(max(1, rounds)):
        kept, now_roleless = _dominance(pb, data, pool, avoid, roleless)
        done = len(kept) == len(pool) and now_roleless == roleless
        pool, roleless = kept, now_roleless
        if done:
            break
    pb.kept = sorted(pool)
    pb.roleless = roleless
    pb.pruned = total - len(pool)


def _dominance(pb, data: _Data, eligible: list[int], avoid: set[int],
               roleless: set[int]) -> tuple[list[int], set[int]]:
    """One round of dominance pruning over `eligible` (the pool left by the previous round, in
    which the people in `roleless` may only pad the team). Returns the kept people and the
    kept people who may only pad."""
    req = pb.request
    smax, smin = req.size_max, req.size_min
    R = len(req.requirements)
    n = len(pb.people)
    mask, dcode = data.mask, data.dcode
    alive = np.zeros(n, dtype=bool)
    alive[eligible] = True
    # Pads: in the pool, not forced, unable to fill a role in the problem this round prunes; at the
    # minimum also everyone whose pattern is in no cover of size_min − 1 people (they can only be
    # there without a role).
    can_fill = alive & (mask != 0)
    can_fill[list(roleless)] = False
    pad = alive & ~can_fill & ~data.forced
    F, in_cover = _covers(pb, [int(mask[i]) for i in eligible if can_fill[i]], data.covers)
    pad_m = pad | (alive & ~data.forced & ~np.isin(mask, list(in_cover)))
    n_req = len(req.required_departments)
    seats = smin - 1 - F  # pads besides p in a team at the minimum; < 0: no pad there
    up_f, down_f = _pair_bounds(data.links, n, alive, pad, dcode, smax - 1, max(n_req, smin - F))
    up_m, down_m = _pair_bounds(data.links, n, alive, pad_m, dcode, smin - 1, seats)
    up_r, down_r = _pair_bounds(data.links, n, alive, pad, dcode, smax - 1, max(n_req - 1, seats), True)

    # Departments only need to match when they matter: a cap applies, or the department is required.
    # Elsewhere anyone may stand in for p, with p's department novelty added to the slack needed.
    def pinned(dept: str) -> bool:
        return req.cap_of(dept) is not None or dept in req.required_departments

    kept: list[int] = []
    out_roleless: set[int] = set()
    by_dept: dict[str, list[int]] = {}
    for i in eligible:
        d = data.dept[i]
        by_dept.setdefault(d if pinned(d) else "", []).append(i)
    budget = req.budget is not None
    bounds = (up_f, down_f, up_m, down_m, up_r, down_r)
    for dept, members in by_dept.items():
        members.sort(key=data.rank.__getitem__)  # strongest first
        skip = {p for p in members if p in pb.forced or p in pb.fixed or p in avoid or R > 62}
        _group(pb, data, dept, members, skip, roleless, bounds, pad_m, seats, budget, kept, out_roleless)
    return sorted(kept), out_roleless


_CHUNK = 64  # people decided per block of vectorised comparisons (at most 64: `_bits` packs a block in one word)


def _group(pb, data: _Data, dept: str, members: list[int], skip: set[int], roleless: set[int], bounds,
           pad_m: np.ndarray, seats: int, budget: bool, kept: list[int], out_roleless: set[int]) -> None:
    """Decide the people of one department group (`dept` "" holds every department that is neither
    capped nor required), strongest first, appending the kept ones to `kept` (and to `out_roleless`
    when they may only pad). A person's dominators are the group's people kept before them: the
    comparisons of a block of people against every earlier kept person and the block itself are
    made at once, then the block is decided in order, counting only dominators already kept."""
    req = pb.request
    smin = req.size_min
    fits, qual, mask, util, rate, base, busy = (data.fits, data.qual, data.mask, data.util, data.rate,
                                                data.base, data.busy)
    dcode, nov, a0 = data.dcode, data.nov, data.a0
    up_f, down_f, up_m, down_m, up_r, down_r = bounds
    cap = req.cap_of(dept) if dept else None
    # Filling: one more dominator than the team can hold besides p (within a capped department
    # the team holds at most cap − 1 of p's colleagues).
    n_dom = min(req.size_max, cap) if cap is not None else req.size_max
    required = dept in req.required_departments
    no_role = mask == 0  # never fills a role: no qualification, or padding-only from an earlier round
    no_role[list(roleless)] = True
    k_role: list[int] = []  # kept here, may fill roles and dominate (not forced, not avoided)
    k_any: list[int] = []  # kept here, may dominate as a pad (not forced, not avoided)
    for s in range(0, len(members), _CHUNK):
        block = members[s:s + _CHUNK]
        P = np.asarray(block, dtype=np.int64)
        Qr = np.asarray(k_role + block, dtype=np.int64)
        Qa = np.asarray(k_any + block, dtype=np.int64)
        col = slice(None), None  # p along rows
        # p's department bonus can only be lost to a q from another department.
        lost_r = np.where(dcode[Qr] != dcode[P][col], nov[P][col], 0) if dept == "" else 0
        lost_a = np.where(dcode[Qa] != dcode[P][col], nov[P][col], 0) if dept == "" else 0
        # Filling: q qualifies for all of p's requirements, each at ≥ p's fit, utilisation ≤ at
        # every allocation; p filling at least one role, q's smallest fit gain adds to the slack.
        # The cheap 2-D tests first (requirement patterns, cost), then the per-requirement and
        # per-allocation ones only on the pairs still standing (the pattern test leaves few), and
        # only for people who can fill a role at all (the others never need a filling dominator).
        fill = (mask[Qr] & mask[P][col]) == mask[P][col]
        fill &= (mask[P] != 0)[col]
        if budget:  # cost only matters under a budget
            fill &= rate[Qr] <= rate[P][col]
        pi, qj = np.nonzero(fill)
        p_, q_ = P[pi], Qr[qj]
        ok = (fits[q_] >= fits[p_]).all(axis=1) & (util[q_] <= util[p_] + 1e-12).all(axis=1)
        busy_slack = (busy[p_] - busy[q_]).min(axis=1)
        gain = np.where(qual[p_], fits[q_] - fits[p_], 1 << 40).min(axis=1)
        lost = lost_r[pi, qj] if dept == "" else 0
        ok &= (base[q_] - base[p_]) + busy_slack + gain >= up_f[p_] + down_f[q_] + lost
        fill[pi, qj] = ok
        # Padding at the base allocation.
        ok = util[Qa, a0] <= util[P, a0][col] + 1e-12
        if budget:
            ok &= rate[Qa] <= rate[P][col]
        slack = (base[Qa] - base[P][col]) + (busy[P, a0][col] - busy[Qa, a0])
        # Only the cases that can happen are counted: at the minimum when seats ≥ 0, alone in a
        # required department (the loop below reads the others' counts never).
        at_min = ok & (slack >= up_m[P][col] + down_m[Qa] + lost_a) if seats >= 0 else None
        alone = ok & (slack >= up_r[P][col] + down_r[Qa]) if required else None
        # Dominators kept before the block, counted at once; within the block, as each is decided
        # (a bit per block member, set once they are kept).
        nr, na = len(k_role), len(k_any)
        fill_n = np.count_nonzero(fill[:, :nr], axis=1).tolist()
        fill_bits = _bits(fill[:, nr:])
        if at_min is not None:
            pad_q = pad_m[Qa]
            min_a = np.count_nonzero(at_min[:, :na] & pad_q[:na], axis=1).tolist()
            min_b = np.count_nonzero(at_min[:, :na] & ~pad_q[:na], axis=1).tolist()
            mina_bits, minb_bits = _bits((at_min & pad_q)[:, na:]), _bits((at_min & ~pad_q)[:, na:])
        if alone is not None:
            alone_n = np.count_nonzero(alone[:, :na], axis=1).tolist()
            alone_bits = _bits(alone[:, na:])
        never_fills = no_role[P].tolist()
        can_pad = (util[P, a0] <= 1.0 + 1e-9).tolist()
        role_on = any_on = 0
        for t, p in enumerate(block):
            if p in skip:
                kept.append(p)
                if p in roleless:
                    out_roleless.add(p)
                continue
            if never_fills[t]:
                fills_ok = True  # p never fills a role
            else:
                fills_ok = fill_n[t] + (fill_bits[t] & role_on).bit_count() >= n_dom
            pads_ok = fills_ok
            if pads_ok and can_pad[t]:  # p can pad at the base allocation
                if seats >= 0:  # at the minimum (possible only with fewer than size_min fillers)
                    a = min_a[t] + (mina_bits[t] & any_on).bit_count()
                    b = min_b[t] + (minb_bits[t] & any_on).bit_count()
                    in_team = min(smin - 1, b + min(a, seats))
                    if cap is not None:
                        in_team = min(in_team, cap - 1)
                    pads_ok = a + b > in_team
                if pads_ok and required:  # the only member of a required department
                    pads_ok = alone_n[t] > 0 or bool(alone_bits[t] & any_on)
            if pads_ok:
                continue  # dominated in every case: pruned
            kept.append(p)
            any_on |= 1 << t
            k_any.append(p)
            if fills_ok:
                out_roleless.add(p)  # dominated when filling a role: may only pad
            else:
                role_on |= 1 << t
                k_role.append(p)


def _bits(m: np.ndarray) -> list[int]:
    """Each row of a boolean matrix of at most 64 columns (one block) as an int, bit j for column j."""
    packed = np.zeros((m.shape[0], 8), dtype=np.uint8)
    packed[:, :(m.shape[1] + 7) // 8] = np.packbits(m, axis=1, bitorder="little")
    return packed.view("<u8")[:, 0].tolist()


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
