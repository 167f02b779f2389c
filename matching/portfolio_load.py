"""Cross-request load, the one portfolio-only rule ("load"): in every moment of time a person's
existing load plus the allocations of their memberships in the requests active then stays within
the limit (capacity in hard mode, min(L, 1) × capacity in soft mode).

The timeline is cut at every request window boundary into elementary intervals, each with a set
of active requests. Within those, a person's time-phased load (graph/load.py: the pieces their
candidate carries for each request, with load, capacity and away days) gives one span per
request set and capacity: the peak existing load on working days there. Away days add nothing
(no project work then). For a single request of theirs the spans are that request's pieces,
which is the single-team capacity rule (matching.problem.Cand.util) exactly — that rule is the
one-request case of this one.

Forced members (included or pinned in a request) may be overloaded by their forced memberships
only: as soon as a person has a non-forced membership among the requests active at a moment,
the limit holds for everything active then (so a forced overload never raises anyone's limit,
and the solver never adds load on top of one).

This module holds the arithmetic both for posting the rule into CP-SAT (`post_load`) and for
checking an answer (`check_load`), so the two cannot drift apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from teamgraph.graph.load import Piece, peak_load, ratio
from teamgraph.graph.model import Membership, Window
from teamgraph.matching.rules import MILLI  # the unit rules.allocation_milli posts loads in



def intervals(windows: list) -> list[tuple[Window, frozenset[int]]]:
    """The elementary intervals of time between window boundaries, each with the requests active
    in it (intervals where none is active are left out)."""
    cuts = sorted({w.start for w in windows} | {w.end + timedelta(days=1) for w in windows})
    out = []
    for a, b in zip(cuts, cuts[1:]):  # each cut starts an interval that lasts until the next one
        s = frozenset(k for k, w in enumerate(windows) if w.start <= a <= w.end)
        if s:
            out.append((Window(a, b - timedelta(days=1)), s))
    return out


@dataclass(frozen=True)
class Span:
    """One moment-class of a person: the requests (of theirs) active then, their load before and
    their capacity then (None: the person's capacity throughout)."""

    requests: frozenset[int]
    load: float
    capacity: float | None = None

    def cap(self, capacity: float) -> float:
        return capacity if self.capacity is None else self.capacity


def person_spans(parts: list[tuple[Window, frozenset[int]]], loads: dict[int, float],
                 memberships: list[Membership] | None,
                 pieces: dict[int, tuple[Piece, ...]] | None = None, masks: list[int] | None = None) -> list[Span]:
    """The spans of a person whose window peak per request is `loads` (request → peak). With
    `pieces` (request → the time-phased pieces of their candidate there), one span per request
    set and capacity from the working pieces; otherwise their `memberships` give the peak in
    intervals shared by several of their requests (not needed for one request only). `masks`:
    `request_masks(parts)`, when the caller computes spans for many people over the same parts."""
    if pieces and all(pieces.get(k) for k in loads):
        return _phased_spans(parts, loads, pieces, masks)
    best: dict[frozenset[int], float] = {}
    runs: list[tuple[frozenset[int], Window]] = []  # consecutive intervals with the same requests merged
    for w, s in parts:
        mine = frozenset(s & loads.keys())
        if mine and runs and runs[-1][0] == mine and runs[-1][1].end + timedelta(days=1) == w.start:
            runs[-1] = (mine, Window(runs[-1][1].start, w.end))
        elif mine:
            runs.append((mine, w))
    for mine, w in runs:
        if len(mine) == 1:
            load = loads[next(iter(mine))]
        else:
            load = peak_load(memberships, w) if memberships else 0.0
        best[mine] = max(best.get(mine, 0.0), load)
    # A span inside another with no more existing load can never be the binding one.
    spans = [Span(s, v) for s, v in best.items()
             if not any(s < t and v <= w for t, w in best.items())]
    return sorted(spans, key=lambda sp: (sorted(sp.requests), sp.load))


def request_masks(parts: list[tuple[Window, frozenset[int]]]) -> list[int]:
    """Each interval's active requests as a bit mask (bit k: request k), for `person_spans`."""
    return [sum(1 << k for k in s) for _, s in parts]


def _bits(m: int) -> frozenset[int]:
    out = []
    while m:
        low = m & -m
        out.append(low.bit_length() - 1)
        m ^= low
    return frozenset(out)


def _phased_spans(parts, loads: dict[int, float], pieces: dict[int, tuple[Piece, ...]],
                  masks: list[int] | None = None) -> list[Span]:
    # Request sets as bit masks (intersections and subset tests on ints, not sets).
    masks = request_masks(parts) if masks is None else masks
    theirs = sum(1 << k for k in loads)
    best: dict[tuple[int, float], float] = {}
    at: dict[int, int] = {}  # per request: its first piece not ending before the current interval
    for (w, _), active in zip(parts, masks):  # intervals in date order, each request's pieces too
        mine = active & theirs
        if not mine:
            continue
        k = (mine & -mine).bit_length() - 1  # the lowest request of `mine`
        ps = pieces[k]  # every request of `mine` covers w: their pieces agree there
        j = at.get(k, 0)
        while j < len(ps) and ps[j].end < w.start:
            j += 1
        at[k] = j
        for p in ps[j:]:
            if p.start > w.end:
                break
            if not p.away:
                key = (mine, p.capacity)
                if p.load > best.get(key, -1.0):
                    best[key] = p.load
    # A span inside another with no more load and no more capacity can never be the binding one.
    items = list(best.items())
    spans = [Span(_bits(s), v, c) for (s, c), v in items
             if not any(v <= w and c2 <= c and s & t == s and (s != t or c2 < c) for (t, c2), w in items)]
    return sorted(spans, key=lambda sp: (sorted(sp.requests), sp.load, -(sp.capacity or 0.0)))


def peak_after(spans: list[Span], placed: dict[int, float]) -> float:
    """Peak load after the assignment, for a person with allocation `placed[k]` in request k."""
    return max((sp.load + sum(a for k, a in placed.items() if k in sp.requests) for sp in spans), default=0.0)


def util_after(spans: list[Span], placed: dict[int, float], capacity: float) -> float:
    """Peak utilisation after the assignment: max over spans of (load + placed) / the span's capacity."""
    return max((ratio(sp.load + sum(a for k, a in placed.items() if k in sp.requests), sp.cap(capacity))
                for sp in spans), default=0.0)


def post_load(model, spans: list[Span], terms: dict[int, object], member: dict[int, object], forced: set[int],
              room: float, name: str, uv=None, capacity: float = 1.0) -> None:
    """Post the load rule for one person. `terms[k]` is their allocation in request k in thousandths
    (a linear expression), `member[k]` their membership literal there, `forced` the requests they
    are forced into, `room` the limit in FTE (limit × capacity; a span with its own capacity gets
    limit × its capacity). With `uv` (an IntVar in thousandths of utilisation), the load must also
    stay under uv × capacity, to minimise the maximum directly."""
    for n, sp in enumerate(spans):
        ks = [k for k in sorted(sp.requests) if k in terms]
        if not ks:
            continue
        total = sum(terms[k] for k in ks)
        cap = sp.cap(capacity)
        span_room = room if sp.capacity is None or capacity <= 0 else room * cap / capacity
        limit = math.floor((span_room - sp.load) * MILLI + 1e-6)
        free = [k for k in ks if k not in forced]
        if not free:
            continue  # only forced memberships here: an overload is allowed and reported
        if len(free) == len(ks):
            model.Add(total <= limit)
            if uv is not None:
                model.Add(_in_util(total, sp.load) <= round(cap * 100) * uv)
            continue
        # Forced memberships alongside free ones: the limit binds once any free one is taken.
        busy = model.NewBoolVar(f"free_load[{name},{n}]")
        for k in free:
            model.AddImplication(member[k], busy)
        model.Add(total <= limit).OnlyEnforceIf(busy)
        if uv is not None:
            model.Add(_in_util(total, sp.load) <= round(cap * 100) * uv).OnlyEnforceIf(busy)


def _in_util(total, load: float):
    """load + total as the left side of `… ≤ uv × capacity` (uv in thousandths, capacity in hundredths)."""
    return 100 * total + round(load * MILLI * 100)


def check_load(spans: list[Span], placed: dict[int, float], forced: set[int], limit: float,
               capacity: float) -> tuple[float | None, bool]:
    """(utilisation at the worst span over the limit, whether that is only forced overload).
    (None, True) when the person is within the limit everywhere. `capacity`: the person's, for
    spans without their own."""
    worst, forced_only = None, True
    for sp in spans:
        mine = {k: a for k, a in placed.items() if k in sp.requests}
        if not mine:
            continue
        u = ratio(sp.load + sum(mine.values()), sp.cap(capacity))
        if u > limit + 1e-9:
            worst = u if worst is None else max(worst, u)
            forced_only = forced_only and all(k in forced for k in mine)
    return worst, forced_only
