"""Today's way of staffing a portfolio, for comparison and as the solver's warm start: request after
request, slot after slot (matching.baseline), with the load already placed on overlapping requests."""

from __future__ import annotations

from teamgraph.matching.baseline import greedy_members
from teamgraph.matching.rules import allocation
from teamgraph.matching.portfolio_load import peak_after
from teamgraph.matching.portfolio_pool import PortfolioPool


def spans_by_request(pool: PortfolioPool) -> list[dict[int, list]]:
    """Per person, request → their spans (matching.portfolio_load) that include it: one pass over
    the spans instead of a filter per request and person."""
    out: list[dict[int, list]] = [{} for _ in pool.spans]
    for g, spans in enumerate(pool.spans):
        for sp in spans:
            for k in sp.requests:
                out[g].setdefault(k, []).append(sp)
    return out


def greedy_staffing(pool: PortfolioPool, cap: float, prefer: str = "level", by_request=None):
    """Returns ((person, request) → FTE, greedy teams). Each request sees, per person, the load the
    load rule charges them with for it: existing load plus what earlier requests placed alongside.
    `by_request`: `spans_by_request(pool)`, when the caller has it already."""
    placed: dict[tuple[int, int], float] = {}
    mine: dict[int, dict[int, float]] = {}  # person → request → FTE placed so far
    greedy = []
    by_request = by_request or spans_by_request(pool)
    for k, pb in enumerate(pool.pbs):
        inv = {i: g for g, i in pool.local[k].items()}
        extra = {}
        for i, g in inv.items():
            extra[i] = peak_after(by_request[g].get(k, []), mine.get(g, {})) - pb.people[i].load
        gt = greedy_members(pb, extra_load=extra, cap=cap, prefer=prefer)
        greedy.append(gt)
        for i in gt.members:
            a = allocation(pb, gt.roles[i])
            placed[inv[i], k] = a
            mine.setdefault(inv[i], {})[k] = a
    return placed, greedy


def greedy_keys(pool: PortfolioPool, placed, greedy, requests=None):
    """The (x keys, y keys) of the greedy staffing, limited to `requests` when given."""
    xs = {key for key in placed if requests is None or key[1] in requests}
    ys = {(g, k, r) for g, k in xs for r in greedy[k].roles[pool.local[k][g]]}
    return xs, ys


def marginal_staffing(pool: PortfolioPool, cap: float, weights: list[int] | None = None):
    """Our constructive staffing of a soft-mode portfolio (the warm start): the coverage engine's
    rule (matching.portfolio_cover_greedy) on the full rule set. Repeatedly add the (person,
    request) of the largest marginal gain — the open requirement slots they would fill times the
    request's weight (`weights`, matching.portfolio_model.met_weights: 1 for "slots", 1/units for
    "fraction"; 1 when None) —, lazily re-evaluated; at equal gain people with the least total
    gain anywhere go first, then the least utilised (load spreads).

    Why not the coverage engine's own code (matching.portfolio_cover_greedy.batch_greedy): there a
    pair's gain depends only on the request's covered skills and a person's load is a count under
    L, so gains fall into buckets and whole rounds are taken at once; here a person fills roles
    (one per requirement, a count of people each), at an FTE, and a pair is added only when the
    team and the person keep every rule that stays hard (size maximum, department caps, budget,
    the time-phased load across requests, exclusions) — checks that depend on every earlier
    addition, so pairs go one at a time from a heap. Forced members come first; then a free person
    of each missing required department. Returns ((person, request) → FTE, {(person, request):
    roles})."""
    import heapq

    from teamgraph.matching.portfolio_load import check_load
    from teamgraph.matching.rules import budget_units, cost_units, milli
    placed: dict[tuple[int, int], float] = {}
    roles: dict[tuple[int, int], list[int]] = {}
    mine: dict[int, dict[int, float]] = {}
    inv = [{i: g for g, i in loc.items()} for loc in pool.local]
    filled = [[0] * len(pb.request.requirements) for pb in pool.pbs]
    cost = [0] * len(pool.pbs)
    weights = weights or [1] * len(pool.pbs)
    potential: dict[int, int] = {}  # a person's total initial gain, as in the coverage engine's order
    for k, pb in enumerate(pool.pbs):
        for q in pb.qualified:
            for i in q:
                potential[inv[k][i]] = potential.get(inv[k][i], 0) + weights[k]

    def fits(g: int, k: int, a: float, forced: bool) -> bool:
        pb = pool.pbs[k]
        i = pool.local[k][g]
        c = pb.people[i]
        if c.id in pb.excluded or c.person.status != "active":
            return False
        team = [g2 for (g2, k2) in placed if k2 == k]
        if len(team) + 1 > pb.request.size_max:
            return False
        dcap = pb.request.cap_of(c.department)
        if dcap is not None and sum(pool.pbs[k].people[pool.local[k][g2]].department == c.department
                                    for g2 in team) + 1 > dcap:
            return False
        if pb.request.budget is not None and cost[k] + cost_units(pb, i, milli(a)) > budget_units(pb.request.budget):
            return False
        if forced:
            return True
        worst, forced_only = check_load(pool.spans[g], {**mine.get(g, {}), k: a}, pool.forced.get(g, set()), cap,
                                        pool.cap[g])
        return worst is None or forced_only

    def open_roles(g: int, k: int) -> list[int]:
        pb = pool.pbs[k]
        i = pool.local[k][g]
        rs = [r for r, q in enumerate(pb.qualified) if i in q and filled[k][r] < pb.request.requirements[r].count]
        rs.sort(key=lambda r: pb.alloc(r))
        while rs and not fits(g, k, allocation(pb, rs), pool.is_forced(g, k)):
            rs.pop()  # the largest allocation first: a smaller role may still fit
        return rs

    def add(g: int, k: int, rs: list[int]) -> None:
        pb = pool.pbs[k]
        a = allocation(pb, rs)
        placed[g, k] = a
        roles[g, k] = rs
        mine.setdefault(g, {})[k] = a
        cost[k] += cost_units(pb, pool.local[k][g], milli(a))
        for r in rs:
            filled[k][r] += 1

    for k, pb in enumerate(pool.pbs):
        for i in sorted(pb.forced):
            add(inv[k][i], k, open_roles(inv[k][i], k))
    heap = []
    for k, pb in enumerate(pool.pbs):
        for g in sorted({inv[k][i] for q in pb.qualified for i in q}):
            if (g, k) not in placed:
                heap.append((-len(open_roles(g, k)) * weights[k], potential.get(g, 0), pool.util(g, k, 0.0),
                             pool.ids[g], g, k))
    heap = [h for h in heap if h[0] < 0]
    heapq.heapify(heap)
    while heap:
        neg, pot, _, pid, g, k = heapq.heappop(heap)
        rs = open_roles(g, k)
        if not rs:
            continue
        if len(rs) * weights[k] == -neg:
            add(g, k, rs)
        else:
            heapq.heappush(heap, (-len(rs) * weights[k], pot, pool.util(g, k, 0.0), pid, g, k))
    for k, pb in enumerate(pool.pbs):  # a free person of each missing required department
        for dept in pb.request.required_departments:
            team = {pb.people[pool.local[k][g]].department for (g, k2) in placed if k2 == k}
            if dept in team:
                continue
            cands = sorted((pool.util(inv[k][i], k, pb.alloc0), pb.people[i].id, inv[k][i])
                           for i, c in enumerate(pb.people) if c.department == dept)
            for _, _, g in cands:
                if (g, k) not in placed and fits(g, k, pb.alloc0, False):
                    add(g, k, [])
                    break
    return placed, roles
