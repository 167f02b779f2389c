"""The portfolio's pool: every request's problem read once and merged over one global set of people,
with each person's load spans (matching.portfolio_load), a lower bound on the maximum utilisation
and the per-request shortlists the model is built over."""

from __future__ import annotations

from dataclasses import replace

from tqdm import tqdm

from teamgraph.errors import ValidationError
from teamgraph.graph.store import GraphStore
from teamgraph.matching.portfolio_load import Span, active_sets, person_spans
from teamgraph.matching.problem import Problem, build_problem
from teamgraph.matching.request import Portfolio


def _read(store: GraphStore, k: int, request, skills) -> Problem:
    """Request k's problem; its validation errors (an unknown or inactive person included, say)
    name `requests[k].<field>`."""
    where = f"requests[{k}]"
    try:
        pb = build_problem(store, request, light=True, skills=skills)
    except ValidationError as e:
        raise ValidationError([replace(p, field=f"{where}.{p.field}" if p.field else where) for p in e.problems],
                              str(e).splitlines()[0]) from e
    return pb


class PortfolioPool:
    """All requests' problems merged over one global set of people (g = global person index,
    k = request, i = the person's index in request k's problem)."""

    def __init__(self, store: GraphStore, pf: Portfolio, progress: bool):
        self.portfolio = pf
        # Resolved requests need no skill list; unresolved ones are resolved once, against one read.
        skills = None if all(r.resolved for r in pf.requests) else list(store.all("skill"))
        self.pbs = [_read(store, k, r, skills) for k, r in
                    enumerate(tqdm(pf.requests, desc="reading requests", disable=not progress, file=None))]
        self.ids: list[str] = []
        self.names: list[str] = []
        self.gidx: dict[str, int] = {}
        self.cap: list[float] = []
        self.loads: list[dict[int, float]] = []  # per person: request → peak load in its window
        self.local: list[dict[int, int]] = []  # per request: global person → local index
        for k, pb in enumerate(self.pbs):
            loc = {}
            for i, c in enumerate(pb.people):
                g = self.gidx.get(c.id)
                if g is None:
                    g = self.gidx[c.id] = len(self.ids)
                    self.ids.append(c.id)
                    self.names.append(c.person.name)
                    self.cap.append(c.person.capacity)
                    self.loads.append({})
                self.loads[g][k] = c.load
                loc[g] = i
            self.local.append(loc)
        self.forced: dict[int, set[int]] = {}  # person → requests they are included or pinned in
        for k, pb in enumerate(self.pbs):
            inv = {i: g for g, i in self.local[k].items()}
            for i in pb.forced:
                self.forced.setdefault(inv[i], set()).add(k)
        self.sets = active_sets([pb.request.window for pb in self.pbs])
        self.spans: list[list[Span]] = [person_spans(self.sets, ld) for ld in self.loads]

    def is_forced(self, g: int, k: int) -> bool:
        return k in self.forced.get(g, ())

    def util(self, g: int, k: int, extra: float) -> float:
        """Utilisation of person g at the peak of request k's window with `extra` FTE more."""
        return (self.loads[g][k] + extra) / self.cap[g] if self.cap[g] > 0 else float("inf")

    def lower_bound(self) -> float:
        """A bound on the maximum utilisation of the non-forced people, valid over the whole pool:
        each slot needs a distinct qualified person, and each skill's demand at a moment must fit
        into its holders' remaining capacity (water-filling). Forced people count as free: their
        overload is exempt, so they never raise the bound."""
        lb = 0.0
        for k, pb in enumerate(self.pbs):
            for r, rq in enumerate(pb.request.requirements):
                us = sorted(0.0 if self.is_forced(g, k) else self.util(g, k, pb.alloc(r))
                            for g, i in self.local[k].items() if i in pb.qualified[r])
                if len(us) >= rq.count:
                    lb = max(lb, us[rq.count - 1])
        for s_active in self.sets:
            demand: dict[str, float] = {}
            holders: dict[str, set[int]] = {}
            for k in s_active:
                pb = self.pbs[k]
                per_skill: dict[str, float] = {}
                for r, rq in enumerate(pb.request.requirements):
                    # One person may fill two requirements on the same skill: count the larger only.
                    per_skill[rq.skill] = max(per_skill.get(rq.skill, 0.0), rq.count * pb.alloc(r))
                    holders.setdefault(rq.skill, set()).update(
                        g for g, i in self.local[k].items() if i in pb.qualified[r])
                for s, d in per_skill.items():
                    demand[s] = demand.get(s, 0.0) + d
            for s, d in demand.items():
                hs = list(holders[s])
                if any(self.forced.get(g, set()) & s_active for g in hs) or any(self.cap[g] <= 0 for g in hs):
                    continue  # an exempt holder has unbounded room: no bound from this skill here
                base = {g: self._span_load(g, s_active) for g in hs}
                lo, hi = lb, 10.0
                if sum(max(0.0, hi * self.cap[g] - base[g]) for g in hs) < d:
                    continue
                for _ in range(40):  # smallest U with Σ max(0, U·cap − base) ≥ demand
                    mid = (lo + hi) / 2
                    if sum(max(0.0, mid * self.cap[g] - base[g]) for g in hs) >= d:
                        hi = mid
                    else:
                        lo = mid
                lb = max(lb, lo)
        return lb

    def _span_load(self, g: int, s_active: frozenset[int]) -> float:
        """Existing load the model charges person g with while the requests `s_active` run."""
        mine = frozenset(s_active & self.loads[g].keys())
        return max((sp.load for sp in self.spans[g] if sp.requests >= mine), default=0.0)

    def shortlist(self, k: int, per_slot: int) -> list[int]:
        """Global ids of the people request k may use in the model: the forced ones, the least
        utilised qualified people per requirement and a few per required department."""
        pb = self.pbs[k]
        inv = {i: g for g, i in self.local[k].items()}
        keep = {inv[i] for i in pb.forced}
        for r, rq in enumerate(pb.request.requirements):
            q = sorted(pb.qualified[r], key=lambda i: (self.util(inv[i], k, pb.alloc(r)), -pb.fit[i, r],
                                                       pb.people[i].id))
            keep.update(inv[i] for i in q[:max(per_slot, 3 * rq.count)])
        for dept in pb.request.required_departments:
            q = sorted((i for i in inv if pb.people[i].department == dept and pb.people[i].id not in pb.excluded),
                       key=lambda i: (self.util(inv[i], k, pb.alloc0), pb.people[i].id))
            keep.update(inv[i] for i in q[:3])
        return sorted(g for g in keep if pb.people[self.local[k][g]].id not in pb.excluded)
