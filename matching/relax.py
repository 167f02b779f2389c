"""Relaxations in time, allocation, level and budget, each verified by a re-solve (issue 9 item 5).

Diagnosis (matching.diagnose) finds the smallest change to the request's own constraints. This
module asks four other questions of an infeasible request, and offers an answer only once the
same engine has found a team for the changed request:

* **start later** — the earliest start, keeping the window's length, at which a team exists. Only
  dates where someone in the pool gets lighter are tried (a membership, phase or booking ends,
  capacity rises, time off ends: `lighter_days`), since load only frees up there — the first
  MAX_STARTS of them within HORIZON_DAYS;
* **a lower allocation until a date** — the largest allocation F (in steps of 0.1 FTE below the
  request's) at which a team exists, and the first date D from which that same team fits the full
  allocation: "at F FTE until D−1, then A". The team is re-solved on both pieces (the same people
  fixed in, capacity enforced, the budget shared between the pieces);
* **one level lower** — per requirement, level L−1 instead of L;
* **a larger budget** — the least budget at which a team exists (a min-cost solve), re-solved at
  that budget. The amount gives a team's cost away; `teamgraph.present` decides who sees it.

A re-solve (`solve_team`, `verified_team`, `first_team`): the problem built from the store for the
changed request (the same `build_problem`, so the same time-phased load as the solver), the
engine's team model at the capacity cap 1.0 (matching.model.build_team_model), and the rule
checker on the team it returns. Before a build, `Room` (the qualified people's load pieces, read
once) skips dates and allocations where too few people could fit — a necessary condition only.
`apply` turns an offer back into requests, so tests re-check offers with the brute-force oracle.
Work is bounded by a deadline (`Budget`), the question most likely to help asked first; options
not reached in time are not offered (a note says so).
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from datetime import date, timedelta

from teamgraph.graph.model import Window
from teamgraph.matching.problem import Problem, build_problem
from teamgraph.matching.rules import EPS, MILLI, check_team, fits, qualifies

HORIZON_DAYS = 366  # how far past the window's start a later start is looked for
MAX_STARTS = 24  # later starts re-solved at most
STEP = 0.1  # the grid of lower allocations (coarse on purpose: see teamgraph.present)


class Budget:
    """A deadline shared by the option searches (None: no limit)."""

    def __init__(self, seconds: float | None):
        self.deadline = None if seconds is None else time.perf_counter() + seconds
        self.ran_out = False

    def left(self) -> float | None:
        if self.deadline is None:
            return None
        left = self.deadline - time.perf_counter()
        if left <= 0:
            self.ran_out = True
        return max(0.0, left)

    def over(self) -> bool:
        return self.left() == 0.0


def solve_team(pb: Problem, *, seed: int = 0, time_limit: float | None = None, minimise_cost: bool = False):
    """A team for `pb` from the engine's model at capacity cap 1.0 (members, roles), checked by the
    rule checker, or None. `minimise_cost`: the cheapest team (for the budget question)."""
    from ortools.sat.python import cp_model

    from teamgraph.matching.model import build_team_model, solver_for
    from teamgraph.matching.rules import cost_expr
    tm = build_team_model(pb, 1.0, objective=False)
    if minimise_cost:
        tm.model.Minimize(cost_expr(pb, tm.v))
    solver = solver_for(seed, time_limit)
    if not minimise_cost:
        solver.parameters.stop_after_first_solution = True
    st = solver.Solve(tm.model)
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    members = sorted(i for i, x in tm.x.items() if solver.BooleanValue(x))
    roles = {i: [] for i in members}
    for (i, r), y in tm.y.items():
        if solver.BooleanValue(y):
            roles[i].append(r)
    if check_team(pb, members, roles):  # a bug guard: an offer stands only on a team that keeps every rule
        return None
    return members, roles


def verified_team(store, request, *, pins=(), fixed=(), seed: int = 0, budget: Budget | None = None) -> list[str] | None:
    """The ids of a team for `request` (pins as in suggest, `fixed` people in the team under every
    rule), found by the engine and re-checked; None when there is none (or no time left)."""
    if budget is not None and budget.over():
        return None
    pb = build_problem(store, request, pins=pins, fixed=fixed, light=True)
    found = solve_team(pb, seed=seed, time_limit=budget.left() if budget else None)
    return None if found is None else [pb.people[i].id for i in found[0]]


def _available(pb: Problem) -> bool:
    """A necessary condition for a team, without a solve: each requirement has enough qualified
    people who fit its allocation (forced people always count)."""
    for r, rq in enumerate(pb.request.requirements):
        n = sum(1 for i in pb.qualified[r] if i in pb.forced or (pb.eligible(i) and fits(pb.people[i], pb.alloc(r))))
        if n < rq.count:
            return False
    return True


def shifted(request, start: date):
    """The request starting on `start`, its window as long as before."""
    length = request.window.end - request.window.start
    return replace(request, window=Window(start, start + length))


def at_allocation(request, fte: float):
    """The request with every allocation (the base and each role's) at most `fte`."""
    reqs = tuple(replace(rq, allocation=min(rq.allocation, fte)) if rq.allocation is not None else rq
                 for rq in request.requirements)
    return replace(request, allocation=min(request.allocation, fte), requirements=reqs)


def exact_team(request, team: list[str]):
    """The request sized to exactly `team` (who are fixed in by the caller)."""
    return replace(request, size_min=len(team), size_max=len(team))


def apply(request, change: dict) -> list:
    """The request(s) an offered change stands for: one request, or for "at F FTE until D" the two
    pieces (F up to D−1, the full allocation from D), each to be met by the same team."""
    if "window.start" in change:
        return [replace(request, window=Window(date.fromisoformat(change["window.start"]),
                                               date.fromisoformat(change["window.end"])))]
    if "allocation" in change:
        low = at_allocation(request, change["allocation"])
        if change.get("full_from") is None:
            return [low]
        d = date.fromisoformat(change["full_from"])
        return [replace(low, window=Window(request.window.start, d - timedelta(days=1))),
                replace(request, window=Window(d, request.window.end))]
    if "requirement" in change:
        r = change["requirement"]
        reqs = list(request.requirements)
        reqs[r] = replace(reqs[r], level=change["level"])
        return [replace(request, requirements=tuple(reqs))]
    if "budget" in change:
        return [replace(request, budget=change["budget"])]
    raise ValueError(f"unknown change {change!r}")


def load_readers(store, person_ids) -> dict:
    """{person id: window -> graph.load pieces}: their memberships and bookings against their
    calendar (capacity, capacity periods, time off, holidays) — the load the solver's Cand.util
    reads — read once, cut for any window."""
    from teamgraph.graph.load import calendar_pieces
    from teamgraph.graph.reads import Calendar
    ids = sorted(set(person_ids))
    by_person: dict[str, list] = {p: [] for p in ids}
    for m in store.load_memberships(ids) if ids else ():
        by_person.setdefault(m.person, []).append(m)
    calendars = store.calendars(ids) if ids else {}

    def reader(p: str):
        return lambda window: calendar_pieces(by_person[p], window, calendars.get(p) or Calendar(p))
    return {p: reader(p) for p in ids}


def lighter_days(parts) -> list[date]:
    """The days from which a person can take more: their room (capacity − load) grows or their
    utilisation drops, or time off ends (the away rule may have kept them out)."""
    def room(p) -> float:
        return p.capacity - p.load
    return [b.start for a, b in zip(parts, parts[1:]) if not b.away and (
        a.away or room(b) > room(a) + EPS or b.utilisation() < a.utilisation() - EPS)]


def lighter_dates(store, pb: Problem, after: date, until: date, people=None, readers=None) -> list[date]:
    """Dates in (after, until] where someone in the pool (or `people`, ids) gets lighter
    (`readers`: their load_readers, when already read)."""
    if readers is None:
        readers = load_readers(store, people if people is not None else {pb.people[i].id for q in pb.qualified
                                                                          for i in q})
    span = Window(after, until)
    out = {d for parts_of in readers.values() for d in lighter_days(parts_of(span))}
    return sorted(d for d in out if after < d <= until)


# --- the four questions --------------------------------------------------------------------------

class Room:
    """Who could fill each requirement, by the load pieces of its qualified people, read once: a
    necessary condition checked before a changed request's problem is built (a build reads the
    store, about a second at 10k people). Forced people count whatever their load."""

    def __init__(self, store, pb: Problem):
        self.qualified = [[pb.people[i].id for i in q] for q in pb.qualified]
        self.forced = {pb.people[i].id for i in pb.forced}
        self.parts = load_readers(store, {p for q in self.qualified for p in q} - self.forced)

    def enough(self, request) -> bool:
        from teamgraph.graph.load import peak_utilisation
        for q, rq in zip(self.qualified, request.requirements):
            a = request.alloc_of(rq)
            n = sum(1 for p in q if p in self.forced
                    or peak_utilisation(self.parts[p](request.window), a) <= 1 + EPS)
            if n < rq.count:
                return False
        return True


def first_team(store, requests, *, pins, seed, budget: Budget, room: Room | None = None):
    """The first of `requests` (an iterable, tried in order) a team exists for, with that team's
    ids; each checked for enough people with room (`room`, then the built problem's availability;
    no solve when not), then re-solved."""
    for changed in requests:
        if budget.over():
            return None
        if room is not None and not room.enough(changed):
            continue
        pb = build_problem(store, changed, pins=pins, light=True)
        if not _available(pb):
            continue
        found = solve_team(pb, seed=seed, time_limit=budget.left())
        if found is not None:
            return changed, [pb.people[i].id for i in found[0]]
    return None


def later_start(store, pb: Problem, *, pins, seed, budget: Budget, room: Room | None = None) -> dict | None:
    req = pb.request
    dates = lighter_dates(store, pb, req.window.start, req.window.start + timedelta(days=HORIZON_DAYS),
                          readers=room.parts if room is not None else None)
    found = first_team(store, (shifted(req, d) for d in dates[:MAX_STARTS]), pins=pins, seed=seed, budget=budget,
                       room=room)
    if found is None:
        return None
    moved, team = found
    return {"kind": "start_after", "team": team,
            "change": {"window.start": moved.window.start.isoformat(), "window.end": moved.window.end.isoformat()},
            "start": moved.window.start, "end": moved.window.end}


def lower_allocation(store, pb: Problem, *, pins, seed, budget: Budget, room: Room | None = None) -> dict | None:
    req = pb.request
    top = max([req.allocation, *(req.alloc_of(rq) for rq in req.requirements)])
    steps = [round(k * STEP, 2) for k in range(math.ceil(top / STEP - EPS) - 1, 0, -1)]  # the largest first
    found = first_team(store, (at_allocation(req, fte) for fte in steps), pins=pins, seed=seed, budget=budget,
                       room=room)
    if found is None:
        return None
    low, team = found
    until = _full_from(store, pb, low, team, pins=pins, seed=seed, budget=budget)
    fte = max([low.allocation, *(low.alloc_of(rq) for rq in low.requirements)])  # the cap F
    return {"kind": "allocation", "team": team, "allocation": fte, "full": top,
            "each": any(rq.allocation is not None for rq in req.requirements),  # roles differ: "at most F each"
            "change": {"allocation": fte, "full_from": until.isoformat() if until else None},
            "full_from": until}


def _full_from(store, pb: Problem, low, team: list[str], *, pins, seed, budget: Budget) -> date | None:
    """The first date D from which `team` takes the full allocation to the window's end, with the
    lower allocation before D, the budget shared by both pieces: each piece re-solved with the team
    fixed in. None when the full allocation never fits before the end."""
    from teamgraph.matching.rules import cost_units, milli
    req = pb.request
    for d in lighter_dates(store, pb, req.window.start, req.window.end, people=team):
        if budget.over():
            return None
        full = exact_team(replace(req, window=Window(d, req.window.end), budget=None), team)
        pb2 = build_problem(store, full, pins=pins, fixed=team, light=True)
        two = solve_team(pb2, seed=seed, time_limit=budget.left())
        if two is None:
            if budget.over():
                return None
            continue
        first = exact_team(replace(low, window=Window(req.window.start, d - timedelta(days=1))), team)
        if req.budget is not None:
            from teamgraph.matching.rules import allocation
            members, roles = two
            spent = sum(cost_units(pb2, i, milli(allocation(pb2, roles[i]))) for i in members) / 100 / MILLI
            if spent > req.budget + EPS:
                continue
            first = replace(first, budget=req.budget - spent)
        if verified_team(store, first, pins=pins, fixed=team, seed=seed, budget=budget) is not None:
            return d
        if budget.over():
            return None
    return None


def lower_levels(store, pb: Problem, *, pins, seed, budget: Budget) -> list[dict]:
    req = pb.request
    out = []
    for r, rq in enumerate(req.requirements):
        if rq.level <= 1 or budget.over():
            continue
        change = {"requirement": r, "level": rq.level - 1}
        (lowered,) = apply(req, change)
        pb2 = build_problem(store, lowered, pins=pins, light=True)
        if not _available(pb2):
            continue
        found = solve_team(pb2, seed=seed, time_limit=budget.left())
        if found is None:
            continue
        members, roles = found
        newly = [pb2.people[i].person.name for i in members if r in roles[i]
                 and not qualifies(pb2.people[i], rq.skill, rq.level)]
        out.append({"kind": "level", "team": [pb2.people[i].id for i in members], "change": change,
                    "requirement": r, "skill": rq.skill, "level": rq.level, "newly": newly})
    return out


def larger_budget(store, pb: Problem, *, pins, seed, budget: Budget) -> dict | None:
    req = pb.request
    if req.budget is None or budget.over():
        return None
    free = build_problem(store, replace(req, budget=None), pins=pins, light=True)
    cheapest = solve_team(free, seed=seed, time_limit=budget.left(), minimise_cost=True)
    if cheapest is None:
        return None
    from teamgraph.matching.rules import allocation, cost_units, milli
    members, roles = cheapest
    units = sum(cost_units(free, i, milli(allocation(free, roles[i]))) for i in members)
    needed = float(math.ceil(units / (100 * MILLI) - 1e-9))  # whole currency units, rounded up
    if needed <= req.budget + EPS:
        return None  # the budget is not what stands in the way
    raised = replace(req, budget=needed)
    team = verified_team(store, raised, pins=pins, seed=seed, budget=budget)
    if team is None:
        return None
    return {"kind": "budget", "team": team, "change": {"budget": needed}, "budget": req.budget, "needed": needed}


def options(store, pb: Problem, *, pins=(), seed: int = 0, time_limit: float | None = 10.0,
            first: str | None = None) -> tuple[list[dict], bool]:
    """Every verified option for the infeasible `pb.request` (see the module docstring), and
    whether the time limit stopped the search early. `first` ("time", "level" or "budget"): the
    question most likely to help, asked first so a tight time limit still reaches it (diagnose
    picks it from what blocks the request)."""
    budget = Budget(time_limit)
    room = None

    def time_():
        nonlocal room
        room = room or Room(store, pb)
        return [o for ask in (later_start, lower_allocation)
                if (o := ask(store, pb, pins=pins, seed=seed, budget=budget, room=room))]

    def level():
        return lower_levels(store, pb, pins=pins, seed=seed, budget=budget)

    def money():
        found = larger_budget(store, pb, pins=pins, seed=seed, budget=budget)
        return [found] if found else []
    asks = {"time": time_, "level": level, "budget": money}
    order = [first] if first in asks else []
    order += [k for k in asks if k not in order]
    found = {k: asks[k]() for k in order}
    return [o for k in asks for o in found[k]], budget.ran_out  # always in the same order
