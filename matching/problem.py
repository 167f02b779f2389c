"""The candidate problem: everything the model needs, read once from a GraphStore.

Only the GraphStore protocol is used (`candidates`, `collaboration_pairs`, `get`, `all`), so the
problem is the same on every backend. Numbers that enter the objective are computed here, in one
place, from `Weights`, and kept as integers (× SCALE) because CP-SAT objectives are integral.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from teamgraph.graph.load import Piece, away_days, away_spans, peak_utilisation, ratio
from teamgraph.graph.model import Person, PersonSkill
from teamgraph.graph.reads import CandidateAsk
from teamgraph.graph.store import GraphStore
from teamgraph.matching.request import TeamRequest, resolve_skills
from teamgraph.matching.rules import HOURS_PER_DAY, fits, lowest_allocation, qualifies
from teamgraph.errors import FieldProblem, ValidationError

SCALE = 1000  # objective units per 1.0 of a weighted term
SHORTLIST = 800  # people kept (spread over the requirements) when a pool exceeds max_pool
Relevance = Callable[[str, list[str]], dict[str, float]]

EVIDENCE_WEIGHT = {"confirmed": 1.0, "inferred-from-project": 0.85, "self-declared": 0.7}


@dataclass(frozen=True)
class Weights:
    """Objective weights. Defaults are chosen so that one level above the minimum (+0.25 fit)
    is worth about 12 points of the team's maximum utilisation, and a strong worked-together pair
    about one level.

    fit: per requirement slot × skill fit = evidence (confirmed 1.0, inferred 0.85, self-declared
        0.7) × recency (1.0 if used in the last year, −0.1 a year, floor 0.5; unknown 0.6)
        × (1 + 0.25 per level above the minimum).
    relevance: per member × relevance of their past projects and cases to the brief, in [0, 1]
        (from the retrieval component; 0 when none is plugged in).
    cohesion: per pair of members × strength in [−0.5, 1]: 0.5 × min(projects together, 3)/3
        + 0.5 × (mean mutual rating − 3)/2 when rated.
    novelty: per department represented × how rarely it works with the pool's other departments,
        in [0, 1] (1 − its cross-department co-work ÷ the most connected department's). Linear in
        "department represented", which keeps the LP bound tight (a pairwise form was 6× slower).
    max_util: per 1.0 (100 %) of the team's maximum post-assignment utilisation (load ÷ capacity).
    busy: per FTE placed on a person × their utilisation before (penalises pushing busy people up).
    preference: per member who matches a preferred location or language.
    member: per member, a cost: every member is an FTE commitment, so the team is not padded
        with people who cover nothing for a little cohesion (team size min still applies).
    """

    fit: float = 1.0
    relevance: float = 1.0
    cohesion: float = 0.3
    novelty: float = 0.1
    max_util: float = 2.0
    busy: float = 1.0
    preference: float = 0.1
    member: float = 0.2

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Cand:
    """One person in the pool, with their data for this request. `pieces` is their time-phased
    load in the window (graph/load.py: load, capacity and away by date run, from the store);
    without pieces the load is taken as flat at `load` against `person.capacity`."""

    person: Person
    skills: dict[str, PersonSkill]
    load: float  # peak load on working days in the window before the assignment (derived)
    pieces: tuple[Piece, ...] = ()
    # util()'s answers by allocation: the search, pruning and the model ask the same few
    # allocations of every person many times, each a scan over their time-phased pieces.
    _util: dict[float, float] = field(default_factory=dict, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.person.id

    @property
    def department(self) -> str:
        return self.person.department

    def util(self, allocation: float) -> float:
        """Post-assignment utilisation with `allocation` FTE more over the window: the maximum over
        its working pieces of (load + allocation) / capacity (inf for work on capacity 0). The
        one capacity figure the solver, the checker, why-not and diagnosis use."""
        u = self._util.get(allocation)
        if u is None:
            if self.pieces:
                u = peak_utilisation(self.pieces, allocation)
            else:
                u = ratio(self.load + allocation, self.person.capacity) if self.person.capacity > 0 else float("inf")
            self._util[allocation] = u
        return u

    def worst(self, allocation: float) -> Piece:
        """The working piece where `allocation` more weighs most (its load before and capacity:
        what a member's "load before → after of capacity" shows)."""
        working = [p for p in self.pieces if not p.away]
        if not working:
            return Piece(date.min, date.min, self.load, self.person.capacity)
        return max(working, key=lambda p: (p.utilisation(allocation), p.load))

    def away_fraction(self) -> float:
        """Share of the window's days they are away (time off, holidays)."""
        days = sum(p.days for p in self.pieces)
        return away_days(self.pieces) / days if days else 0.0

    def away(self) -> list[tuple[date, date]]:
        """Their away days in the window as (first, last) runs."""
        return away_spans(self.pieces)


def span_words(start: date, end: date) -> str:
    """'21 Dec – 3 Jan' (one day: '14 Feb')."""
    def day(d: date) -> str:
        return f"{d.day} {d:%b}"
    return day(start) if start == end else f"{day(start)} – {day(end)}"


def away_words(spans, min_days: int = 1) -> str:
    """'away 21 Dec – 3 Jan, 14 Feb' ('' when never away); runs shorter than `min_days` are left
    out (a member's line skips single days off, mostly public holidays: they still count)."""
    spans = [(a, b) for a, b in spans if (b - a).days + 1 >= min_days]
    return ("away " + ", ".join(span_words(a, b) for a, b in spans)) if spans else ""


@dataclass
class Problem:
    request: TeamRequest
    weights: Weights
    people: list[Cand]
    qualified: list[list[int]]  # per requirement: indices of people at ≥ level (excluded ones removed)
    fit: dict[tuple[int, int], int]  # (person, requirement) → scaled fit
    relevance: list[int]
    relevance_raw: list[float]
    preference: list[int]
    pairs: dict[tuple[int, int], int]  # i < j → scaled cohesion
    pair_info: dict[tuple[int, int], tuple[int, float | None]]  # → (times, mean rating)
    novelty: dict[str, int]  # department → scaled novelty bonus when represented
    forced: set[int]  # included or pinned: must be in the team (exempt from capacity, reported)
    excluded: dict[str, str]  # person id → reason (request exclude list, leaver)
    duration_days: int
    relevance_note: str = ""
    kept: list[int] = field(default_factory=list)  # candidates left after safe pruning
    pruned: int = 0
    roleless: set[int] = field(default_factory=set)  # kept people who may only pad the team (prune)
    base_pool: list[int] | None = None  # a heuristic shortlist the search is restricted to, if any
    department_names: dict[str, str] = field(default_factory=dict)  # id → name, for messages
    fixed: set[int] = field(default_factory=set)  # why-not's subject: in the team, no rule exemption
    _eligible: dict[int, bool] = field(default_factory=dict, repr=False, compare=False)  # eligible()'s answers

    # --- derived numbers --------------------------------------------------------------------
    def alloc(self, r: int) -> float:
        return self.request.alloc_of(self.request.requirements[r])

    @property
    def alloc0(self) -> float:
        return self.request.allocation

    def eligible(self, i: int) -> bool:
        """Not excluded, and within capacity at the smallest allocation they can have (the base,
        or a smaller role they qualify for)."""
        ok = self._eligible.get(i)
        if ok is None:  # asked for every person in every pruning round and solve: computed once
            ok = self._eligible[i] = (self.people[i].id not in self.excluded
                                      and fits(self.people[i], lowest_allocation(self, i)))
        return ok

    def dept_name(self, dept: str) -> str:
        return self.department_names.get(dept, dept)

    def busy(self, i: int) -> float:
        """Scaled penalty per FTE placed on person i."""
        c = self.people[i]
        u = c.util(0.0)
        return self.weights.busy * SCALE * (u if u != float("inf") else 1.0)

    def cost(self, i: int, allocation: float) -> float:
        """Budget charge for display: rate (per hour) × allocation (FTE) × 8 hours × working days
        (the budget rule itself counts in whole units: matching.rules.cost_units)."""
        return self.people[i].person.cost_rate * allocation * HOURS_PER_DAY * self.duration_days

    def util_penalty(self, u: float) -> int:
        return round(self.weights.max_util * SCALE * u)

    def index(self) -> dict[str, int]:
        return {c.id: i for i, c in enumerate(self.people)}


def too_much_away(c: Cand, request: TeamRequest) -> bool:
    """The away rule: someone away (time off, holidays) for more than `request.max_away` of the
    window is not proposed (included and pinned people are kept, and their leave is shown)."""
    return c.away_fraction() > request.max_away + 1e-9


def _validate(store: GraphStore, request: TeamRequest, pins: tuple[str, ...]) -> dict[str, str]:
    """Include rule at the boundary: everyone included or pinned is a known, active person who is
    not also excluded; excluded people and required departments are known. Every problem at
    once, each naming its request field. Returns the required departments' names."""
    problems, names = [], {}
    for d in request.required_departments:
        dept = store.get("department", d)
        if dept is None:
            problems.append(FieldProblem(f"unknown department {d!r}", request.source,
                                         request.lines.get("departments.required"), "departments.required"))
        else:
            names[d] = dept.name
    for fld, ids in (("include", request.include), ("pins", pins), ("exclude", request.exclude)):
        for pid in ids:
            person = store.get("person", pid)
            if person is None:
                problems.append(FieldProblem(f"unknown person {pid!r}", request.source, request.lines.get(fld), fld))
            elif fld != "exclude" and person.status != "active":
                problems.append(FieldProblem(f"{person.name} ({pid}) is a {person.status} and cannot be on a team",
                                             request.source, request.lines.get(fld), fld))
            elif fld != "exclude" and pid in request.exclude:
                problems.append(FieldProblem(f"{person.name} ({pid}) is {'pinned' if fld == 'pins' else 'included'}"
                                             " but excluded", request.source, request.lines.get(fld), fld))
    if problems:
        raise ValidationError(problems, f"invalid team request in {request.source}")
    return names


def working_days(start: date, end: date) -> int:
    """Mon–Fri days in [start, end]: the duration budgets are charged for."""
    days = (end - start).days + 1
    full, rest = divmod(days, 7)
    n = full * 5
    for k in range(rest):
        if (start + timedelta(days=full * 7 + k)).weekday() < 5:
            n += 1
    return n


def skill_fit(ps: PersonSkill, min_level: int, on: date) -> float:
    """Unweighted fit of one holding for a requirement (see Weights.fit)."""
    if ps.last_used is None:
        recency = 0.6
    else:
        years = max(0.0, (on - ps.last_used).days / 365.25)
        recency = max(0.5, 1.0 - 0.1 * max(0.0, years - 1.0))
    return EVIDENCE_WEIGHT.get(ps.evidence, 0.7) * recency * (1 + 0.25 * (ps.level - min_level))


def candidate_ask(request: TeamRequest, pins: Iterable[str] = (), fixed: Iterable[str] = ()) -> CandidateAsk:
    """The store read a resolved request's pool needs: its (skill, level) needs, its window, the
    included, pinned and fixed people and its required departments."""
    forced = tuple(dict.fromkeys((*request.include, *pins)))
    return CandidateAsk(tuple(sorted({(r.skill, r.level) for r in request.requirements})), request.window,
                        (*forced, *fixed), tuple(request.required_departments))


def build_problem(store: GraphStore, request: TeamRequest, *, weights: Weights | None = None,
                  relevance: Relevance | None = None, pins: Iterable[str] = (), light: bool = False,
                  skills: list | None = None, max_pool: int | None = None, fixed: Iterable[str] = (),
                  cands: list | None = None) -> Problem:
    """Read the pool for `request` from `store` and compute every objective coefficient.

    `fixed` people (why-not's subject) are read into the pool whatever their skills and must be
    in the team, without the capacity exemption of included and pinned people.

    `light` (portfolio mode) skips collaboration pairs, department novelty and pruning;
    `skills` saves re-reading the skill list when many requests are built; `cands` is the
    store's answer to `candidate_ask(request, pins, fixed)` when already read (a portfolio reads
    all its requests' at once: GraphStore.candidates_many). Above `max_pool`
    eligible people, a heuristic shortlist replaces the pool (`base_pool`), and nothing built on
    it claims proven optimality.
    """
    weights = weights or Weights()
    request = resolve_skills(request, skills if skills is not None else store.all("skill"))
    pins = tuple(pins)
    forced_ids = tuple(dict.fromkeys((*request.include, *pins)))
    names = _validate(store, request, pins)

    fixed = tuple(fixed)
    if cands is None:
        ask = candidate_ask(request, pins, fixed)
        cands = store.candidates(ask.needs, ask.window, include=ask.include, departments=ask.departments)
    people = sorted((Cand(c.person, dict(c.skills), c.load, tuple(c.pieces)) for c in cands), key=lambda c: c.id)
    excluded = {pid: "excluded by the request" for pid in request.exclude}
    for c in people:
        if c.person.status != "active" and c.id not in excluded:
            excluded[c.id] = f"status is {c.person.status}"
        elif c.id not in excluded and c.id not in forced_ids and too_much_away(c, request):
            excluded[c.id] = f"{away_words(c.away())} ({c.away_fraction():.0%} of the window)"
    idx = {c.id: i for i, c in enumerate(people)}
    for d in sorted({c.department for c in people} - set(names)):  # names for caps and messages
        dept = store.get("department", d)
        names[d] = dept.name if dept is not None else d

    on = request.window.start
    qualified: list[list[int]] = []
    fit: dict[tuple[int, int], int] = {}
    for r, req in enumerate(request.requirements):
        q = []
        for i, c in enumerate(people):
            if qualifies(c, req.skill, req.level) and c.id not in excluded:
                q.append(i)
                fit[i, r] = round(weights.fit * SCALE * skill_fit(c.skills[req.skill], req.level, on))
        qualified.append(q)

    ids = [c.id for c in people]
    note = "no relevance scorer plugged in: the relevance term is 0"
    rel_raw = [0.0] * len(people)
    if relevance is not None and request.brief and ids:
        scores = relevance(request.brief, ids)
        rel_raw = [min(1.0, max(0.0, float(scores.get(p, 0.0)))) for p in ids]
        note = "relevance of past projects and cases to the brief"
    elif relevance is not None:
        note = "the request has no brief: the relevance term is 0"
    rel = [round(weights.relevance * SCALE * v) for v in rel_raw]

    locs = {s.casefold() for s in request.locations}
    langs = {s.casefold() for s in request.languages}
    pref = []
    for c in people:
        match = (c.person.location.casefold() in locs) or bool(langs & {x.casefold() for x in c.person.languages})
        pref.append(round(weights.preference * SCALE) if match else 0)

    pb = Problem(request=request, weights=weights, people=people, qualified=qualified, fit=fit,
                 relevance=rel, relevance_raw=rel_raw, preference=pref, pairs={}, pair_info={},
                 novelty={}, forced={idx[p] for p in forced_ids if p in idx}, excluded=excluded,
                 duration_days=working_days(request.window.start, request.window.end),
                 relevance_note=note, department_names=names, fixed={idx[p] for p in fixed if p in idx})
    pb.kept = [i for i in range(len(people)) if pb.eligible(i) or i in pb.forced]
    if light:
        return pb
    if max_pool is not None and len(pb.kept) > max_pool:
        # Large pool: a heuristic shortlist first (the result will say it is not proven optimal),
        # so pairs are read and pruning runs only over it.
        from teamgraph.matching.prune import shortlist
        shortlist(pb, SHORTLIST)
        pb.base_pool = list(pb.kept)
        ids = [people[i].id for i in pb.kept]

    pairs, info, dept_pairs = {}, {}, {}
    for cp in store.collaboration_pairs(ids) if ids else []:
        if cp.a not in idx or cp.b not in idx:
            continue
        i, j = sorted((idx[cp.a], idx[cp.b]))
        strength = 0.5 * min(cp.times, 3) / 3
        if cp.mean_rating is not None:
            strength += 0.5 * (cp.mean_rating - 3) / 2
        pairs[i, j] = round(weights.cohesion * SCALE * strength)
        info[i, j] = (cp.times, cp.mean_rating)
        da, db = sorted((people[i].department, people[j].department))
        if da != db:
            dept_pairs[da, db] = dept_pairs.get((da, db), 0) + cp.times
    # Rarity per department, measured on the skilled pool: 1 for a department nobody here has worked
    # with across department lines, 0 for the most connected one.
    depts = sorted({c.department for c in people})
    reach = {d: 0 for d in depts}
    for (da, db), times in dept_pairs.items():
        reach[da] += times
        reach[db] += times
    top = max(reach.values(), default=0)
    novelty = {}
    for d in depts:
        rarity = 1.0 - reach[d] / top if top else 1.0
        if rarity > 0:
            novelty[d] = round(weights.novelty * SCALE * rarity)

    pb.pairs, pb.pair_info, pb.novelty = pairs, info, novelty
    from teamgraph.matching.prune import prune
    prune(pb)
    return pb
