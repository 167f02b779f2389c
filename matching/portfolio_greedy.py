"""Today's way of staffing a portfolio, for comparison and as the solver's warm start: request after
request, slot after slot (matching.baseline), with the load already placed on overlapping requests."""

from __future__ import annotations

from teamgraph.matching.baseline import greedy_members
from teamgraph.matching.rules import allocation
from teamgraph.matching.portfolio_load import peak_after
from teamgraph.matching.portfolio_pool import PortfolioPool


def greedy_staffing(pool: PortfolioPool, cap: float, prefer: str = "level"):
    """Returns ((person, request) → FTE, greedy teams). Each request sees, per person, the load the
    load rule charges them with for it: existing load plus what earlier requests placed alongside."""
    placed: dict[tuple[int, int], float] = {}
    mine: dict[int, dict[int, float]] = {}  # person → request → FTE placed so far
    greedy = []
    for k, pb in enumerate(pool.pbs):
        inv = {i: g for g, i in pool.local[k].items()}
        extra = {}
        for i, g in inv.items():
            spans = [sp for sp in pool.spans[g] if k in sp.requests]
            extra[i] = peak_after(spans, mine.get(g, {})) - pb.people[i].load
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
