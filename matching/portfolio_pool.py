"""The portfolio's pool: every request's problem read once and merged over one global set of people,
with each person's load spans (matching.portfolio_load), a lower bound on the maximum utilisation
and the per-request shortlists the model is built over."""

from __future__ import annotations

from dataclasses import replace

from tqdm import tqdm

from teamgraph.errors import ValidationError
from teamgraph.graph.store import GraphStore
from teamgraph.matching.portfolio_load import Span, intervals, person_spans, request_masks
from teamgraph.matching.problem import Problem, build_problem, candidate_ask
from teamgraph.matching.request import Portfolio, resolve_skills


def _read_all(store: GraphStore, pf: Portfolio, skills, progress: bool) -> list[Problem]:
    """Every request's problem, their pools read in one store call (people and skills read once
    for all). Validation errors (an unknown skill or an inactive person included, say) are
    reported for all requests at once, each naming `requests[k].<field>`."""
    errors: dict[int, list] = {}
    resolved: dict[int, object] = {}
    for k, request in enumerate(pf.requests):
        try:
            resolved[k] = resolve_skills(request, skills or ())
        except ValidationError as e:
            errors[k] = _named(e, k)
    asks = [candidate_ask(r) for r in resolved.values()]
    with tqdm(total=len(asks), desc="reading candidates", disable=not progress, file=None) as bar:
        pools = dict(zip(resolved, store.candidates_many(asks)))  # one call: the line says what it waits on
        bar.update(len(asks))
    pbs = []
    for k in tqdm(list(resolved), desc="reading requests", disable=not progress, file=None):
        try:
            pbs.append(build_problem(store, resolved[k], light=True, skills=skills, cands=pools[k]))
        except ValidationError as e:
            errors[k] = _named(e, k)
    if errors:
        raise ValidationError([p for k in sorted(errors) for p in errors[k]], f"invalid portfolio in {pf.source}")
    return pbs


def _named(e: ValidationError, k: int) -> list:
    where = f"requests[{k}]"
    return [replace(p, field=f"{where}.{p.field}" if p.field else where) for p in e.problems]


class PortfolioPool:
    """All requests' problems merged over one global set of people (g = global person index,
    k = request, i = the person's index in request k's problem)."""

    def __init__(self, store: GraphStore, pf: Portfolio, progress: bool):
        self.portfolio = pf
        # Resolved requests need no skill list; unresolved ones are resolved once, against one read.
        skills = None if all(r.resolved for r in pf.requests) else list(store.all("skill"))
        self.pbs = _read_all(store, pf, skills, progress)
        self.ids: list[str] = []
        self.names: list[str] = []
        self.gidx: dict[str, int] = {}
        self.cap: list[float] = []
        self.loads: list[dict[int, float]] = []  # per person: request → peak load in its window
        self.pieces: list[dict[int, tuple]] = []  # per person: request → time-phased load (graph.load.Piece)
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
                    self.pieces.append({})
                self.loads[g][k] = c.load
                self.pieces[g][k] = c.pieces
                loc[g] = i
            self.local.append(loc)
        self.forced: dict[int, set[int]] = {}  # person → requests they are included or pinned in
        for k, pb in enumerate(self.pbs):
            inv = {i: g for g, i in self.local[k].items()}
            for i in pb.forced:
                self.forced.setdefault(inv[i], set()).add(k)
        parts = intervals([pb.request.window for pb in self.pbs])
        self.sets = list(dict.fromkeys(s for _, s in parts))  # the distinct sets of requests run together
        # Existing load where requests overlap, from the memberships of those who are in several.
        several = [self.ids[g] for g, ld in enumerate(self.loads)
                   if len(ld) > 1 and not all(self.pieces[g].values())]  # pieces, when there, say it all
        memberships: dict[str, list] = {}
        for m in store.load_memberships(several) if several else ():
            memberships.setdefault(m.person, []).append(m)
        masks = request_masks(parts)
        self.spans: list[list[Span]] = [person_spans(parts, ld, memberships.get(self.ids[g], []), self.pieces[g],
                                                     masks) for g, ld in enumerate(self.loads)]
        self._util: dict[tuple[int, int, float], float] = {}  # `util`'s answers (the bound, shortlists, greedy)

    def is_forced(self, g: int, k: int) -> bool:
        return k in self.forced.get(g, ())

    def util(self, g: int, k: int, extra: float) -> float:
        """Utilisation of person g in request k's window with `extra` FTE more (the time-phased
        single-request rule, matching.problem.Cand.util)."""
        key = (g, k, extra)
        u = self._util.get(key)
        if u is None:
            u = self._util[key] = self.pbs[k].people[self.local[k][g]].util(extra)
        return u

    def lower_bound(self) -> float:
        """A bound on the maximum utilisation of the non-forced people, valid over the whole pool:
        each slot needs a distinct qualified person, and each skill's demand while a set of
        requests runs together must fit into its holders' remaining capacity (water-filling).
        Forced people count as free: their overload is exempt, so they never raise the bound."""
        lb = 0.0
        inv = [{i: g for g, i in loc.items()} for loc in self.local]
        for k, pb in enumerate(self.pbs):
            for r, rq in enumerate(pb.request.requirements):
                us = sorted(0.0 if self.is_forced(inv[k][i], k) else self.util(inv[k][i], k, pb.alloc(r))
                            for i in pb.qualified[r])
                if len(us) >= rq.count:
                    lb = max(lb, us[rq.count - 1])
        # Per request set the least load and per person the most capacity they ever have: more room
        # than there is, which keeps the bound valid under capacity periods and leave.
        span_of: list[dict] = [{} for _ in self.spans]
        for g, spans in enumerate(self.spans):
            for sp in spans:
                span_of[g][sp.requests] = min(span_of[g].get(sp.requests, sp.load), sp.load)
        most = [max([self.cap[g]] + [sp.cap(self.cap[g]) for sp in spans]) for g, spans in enumerate(self.spans)]
        theirs = [frozenset(ld) for ld in self.loads]  # each person's requests
        # Sets inside a bigger one see no more demand: the maximal ones give the bound.
        empty = {g for g in range(len(most)) if most[g] <= 0}
        for s_active in [s for s in self.sets if not any(s < t for t in self.sets)]:
            exempt = {g for g, ks in self.forced.items() if ks & s_active} | empty
            base_of: dict[int, float] = {}  # per holder, their load while exactly their requests here run
            demand: dict[str, float] = {}
            holders: dict[str, set[int]] = {}
            for k in s_active:
                pb = self.pbs[k]
                per_skill: dict[str, float] = {}
                for r, rq in enumerate(pb.request.requirements):
                    # One person may fill two requirements on the same skill: count the larger only.
                    per_skill[rq.skill] = max(per_skill.get(rq.skill, 0.0), rq.count * pb.alloc(r))
                    holders.setdefault(rq.skill, set()).update(inv[k][i] for i in pb.qualified[r])
                for sk, d in per_skill.items():
                    demand[sk] = demand.get(sk, 0.0) + d
            for sk, d in demand.items():
                hs = sorted(holders[sk])
                if not exempt.isdisjoint(hs):
                    continue  # an exempt holder (forced here, or no capacity) has unbounded room: no bound
                # The load charged while exactly their requests among these run (0 when that span
                # was dropped as dominated: less load only loosens the bound, which stays valid).
                for g in hs:
                    if g not in base_of:
                        base_of[g] = span_of[g].get(s_active & theirs[g], 0.0)
                lb = max(lb, water_level([most[g] for g in hs], [base_of[g] for g in hs], d))
        return lb

    def shortlist(self, k: int, per_slot: int) -> list[int]:
        """Global ids of the people request k may use in the model: everyone (not excluded) when
        that is at most 4 × `per_slot` people, else the forced ones, the least utilised qualified
        people per requirement, a few per required department and enough others for the size
        minimum. `complete(k, list)` says whether the list is the whole pool."""
        pb = self.pbs[k]
        inv = {i: g for g, i in self.local[k].items()}
        allowed = [i for i in inv if pb.people[i].id not in pb.excluded]
        if len(allowed) <= 4 * per_slot:
            return sorted(inv[i] for i in allowed)
        keep = {inv[i] for i in pb.forced}
        for r, rq in enumerate(pb.request.requirements):
            q = sorted(pb.qualified[r], key=lambda i: (self.util(inv[i], k, pb.alloc(r)), -pb.fit[i, r],
                                                       pb.people[i].id))
            keep.update(inv[i] for i in q[:max(per_slot, 3 * rq.count)])
        by_util = sorted(allowed, key=lambda i: (self.util(inv[i], k, pb.alloc0), pb.people[i].id))
        for dept in pb.request.required_departments:
            keep.update(inv[i] for i in [i for i in by_util if pb.people[i].department == dept][:3])
        keep.update(inv[i] for i in by_util[:pb.request.size_min])
        return sorted(g for g in keep if pb.people[self.local[k][g]].id not in pb.excluded)

    def complete(self, k: int, shortlist: list[int]) -> bool:
        """Whether `shortlist` holds everyone request k could use (so the model's answers are
        proofs over the whole pool)."""
        pb = self.pbs[k]
        return len(shortlist) == sum(1 for c in pb.people if c.id not in pb.excluded)


def water_level(caps: list[float], bases: list[float], demand: float) -> float:
    """The smallest U with Σ max(0, U·cap − base) ≥ demand (the room grows linearly in U between
    the levels at which each holder starts to have any); inf when there are no holders."""
    order = sorted(range(len(caps)), key=lambda j: bases[j] / caps[j])
    c_sum = b_sum = 0.0
    for n, j in enumerate(order):
        c_sum += caps[j]
        b_sum += bases[j]
        level = (demand + b_sum) / c_sum
        nxt = bases[order[n + 1]] / caps[order[n + 1]] if n + 1 < len(order) else float("inf")
        if level <= nxt:
            return max(level, bases[j] / caps[j])
    return float("inf")
