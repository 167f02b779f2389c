"""A brute-force oracle for the team rules of the shared design (issue 8), written apart from the
engine on purpose: nothing here imports matching/rules.py, the Problem, the model or the solver.
Facts come straight from the store (`get`, `memberships_of`, `calendars`); the time-phased load
is computed here day by day (`day_series`), apart from graph/load.py: each day's load is the sum
of the membership phases covering it, its capacity the capacity period covering it (else the
person's), and a day of time off or a holiday counts for nothing (no work, no capacity). The
capacity rule holds on every working day; a person away more than `max_away` of the window may
only be on a team when forced.

`team_faults` is the one statement of the rules on this side; the oracle enumerates every team of a
small pool with every role assignment and keeps those `team_faults` accepts, and `teamcheck` runs the
same function on what the engine returned. Pools stay small (≤ ~9 people): the enumeration is
exponential by design, which is what makes it obviously right.

Where a person's requests overlap, loads add up on each day: their existing load that day plus the
allocation of every request of theirs running then (rule 2's window peak still bounds each request on
its own). The oracle evaluates it per stretch of days between window boundaries, taking the peak
of the existing load over the stretch, which is the day-by-day rule exactly; teamcheck re-checks
returned staffings day by day. Forced members are exempt only where every one of their running
memberships is forced.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from itertools import combinations, product

from datetime import date

from teamgraph.graph.model import Window

EPS = 1e-9
HOURS_PER_DAY = 8  # cost_rate is per hour; one FTE works 8 hours a working day


@dataclass(frozen=True)
class Day:
    day: date
    load: float  # the phases of their memberships covering the day
    capacity: float  # the capacity period covering it, else the person's capacity
    away: bool  # time off or a holiday: no project work that day


def day_series(store, person_id: str, window: Window) -> list[Day]:
    """The person's days in `window`, one by one from the stored records."""
    person = store.get("person", person_id)
    ms = store.memberships_of([person_id])
    cal = store.calendars([person_id]).get(person_id)
    phases = [(ph.start, ph.end, ph.allocation) for m in ms for ph in m.phases] + [
        (m.start, m.end, m.allocation) for m in ms if not m.phases]
    out, d = [], window.start
    while d <= window.end:
        load = sum(a for s, e, a in phases if (s is None or s <= d) and (e is None or d <= e))
        cap = person.capacity
        for p in cal.periods if cal else ():
            if p.start <= d and (p.end is None or d <= p.end):
                cap = p.capacity
        away = cal is not None and any(t.start <= d <= t.end for t in cal.time_off) or (
            cal is not None and any(h.date == d for h in cal.holidays))
        out.append(Day(d, round(load, 9), cap, away))
        d += timedelta(days=1)
    return out


def day_util(load: float, capacity: float) -> float:
    return load / capacity if capacity > 0 else (float("inf") if load > 1e-9 else 0.0)


@dataclass(frozen=True)
class Facts:
    """One person as the rules see them for one window."""

    id: str
    name: str
    department: str
    active: bool
    capacity: float
    cost_rate: float
    load: float  # peak load on a working day of the window before any assignment
    levels: Mapping[str, int]  # requested skill → level held
    days: tuple[Day, ...] = ()

    def working(self) -> list[Day]:
        return [d for d in self.days if not d.away]

    def fits(self, a: float, load_cap: float = 1.0) -> bool:
        """Rule 2 day by day: load + a ≤ load_cap × capacity on every working day."""
        return all(d.load + a <= load_cap * d.capacity + EPS for d in self.working())

    def worst(self, a: float) -> tuple[float, float]:
        """(load, capacity) of the working day where `a` more weighs most (most load on a tie)."""
        days = self.working()
        if not days:
            return self.load, self.capacity
        d = max(days, key=lambda d: (day_util(d.load + a, d.capacity), d.load))
        return d.load, d.capacity

    def away_fraction(self) -> float:
        return sum(d.away for d in self.days) / len(self.days) if self.days else 0.0


def read_facts(store, person_id: str, window: Window, skills: Iterable[str]) -> Facts | None:
    person = store.get("person", person_id)
    if person is None:
        return None
    levels = {}
    for s in skills:
        ps = store.get("person_skill", (person_id, s))
        if ps is not None:
            levels[s] = ps.level
    days = tuple(day_series(store, person_id, window))
    load = max((d.load for d in days if not d.away), default=0.0)
    return Facts(person.id, person.name, person.department, person.status == "active", person.capacity,
                 person.cost_rate, load, levels, days)


def working_days(window: Window) -> int:
    """Mon–Fri days in the window, counted one by one."""
    d, n = window.start, 0
    while d <= window.end:
        n += d.weekday() < 5
        d += timedelta(days=1)
    return n


def allocation(request, roles: Collection[int]) -> float:
    """Rule 1: the largest allocation of the member's roles, the base allocation without one."""
    if not roles:
        return request.allocation
    return max(request.alloc_of(request.requirements[r]) for r in roles)


def forced_of(request, pins: Iterable[str] = ()) -> set[str]:
    return set(request.include) | set(pins)


def fault(rule: str, message: str, person: str | None = None, gap: bool = False, forced: bool = False,
          **about) -> dict:
    """A broken rule. `gap`: a shortfall soft portfolio mode may leave if it lists it as unmet;
    `forced`: the capacity of a forced member, allowed when reported as a forced overload;
    `about`: what it concerns (skill, department)."""
    out = {"rule": rule, "message": message, **about}
    if person is not None:
        out["person"] = person
    if gap:
        out["gap"] = True
    if forced:
        out["forced"] = True
    return out


def team_faults(request, facts: Mapping[str, Facts | None], roles: Mapping[str, Collection[int]],
                forced: Collection[str], *, load_cap: float = 1.0) -> list[dict]:
    """Every rule `roles` (member id → requirement indices they fill) breaks for `request`.

    `facts` holds every member (None: unknown person). `load_cap` scales capacities (a soft
    portfolio's max_load). Shortfalls (too few holders, a missing department, below the size
    minimum) are marked `gap`; capacity breaks of forced members are marked `forced`.
    """
    out = []
    members = list(roles)
    n = len(members)
    for m in members:
        f = facts.get(m)
        if f is None or not f.active:
            out.append(fault("inactive", f"{m} is not an active person", m))
        if m in request.exclude:
            out.append(fault("exclude", f"{m} is excluded", m))
    for p in sorted(forced):
        if p not in roles:
            out.append(fault("include", f"forced {p} is not on the team", p))
    known = {m: f for m, f in facts.items() if m in roles and f is not None}
    for r, rq in enumerate(request.requirements):
        holders = [m for m in members if r in roles[m]]
        for m in holders:
            if m in known and known[m].levels.get(rq.skill, 0) < rq.level:
                out.append(fault("level", f"{m} fills {rq.skill} ≥ {rq.level} holding "
                                          f"{known[m].levels.get(rq.skill, 0)}", m))
        if len(holders) < rq.count:
            out.append(fault("coverage", f"{rq.skill} ≥ {rq.level} needs {rq.count}, filled by {len(holders)}",
                             gap=True, skill=rq.skill))
        elif len(holders) > rq.count:
            out.append(fault("coverage", f"{rq.skill} needs {rq.count}, filled by {len(holders)}"))
    cost = 0.0
    for m, f in known.items():
        a = allocation(request, roles[m])
        if not f.fits(a, load_cap):
            load, cap = f.worst(a)
            out.append(fault("capacity", f"{m}: {load:g} + {a:g} > {load_cap:g} × {cap:g}", m,
                             forced=m in forced))
        if m not in forced and f.away_fraction() > request.max_away + EPS:
            out.append(fault("away", f"{m} is away {f.away_fraction():.0%} of the window", m))
        cost += f.cost_rate * a * HOURS_PER_DAY * working_days(request.window)
    if n > request.size_max:
        out.append(fault("size", f"{n} members above the maximum {request.size_max}"))
    elif n < request.size_min:
        out.append(fault("size", f"{n} members below the minimum {request.size_min}", gap=True))
    depts = [f.department for f in known.values()]
    for d in request.required_departments:
        if d not in depts:
            out.append(fault("department", f"required department {d} has no member", gap=True, department=d))
    for d in sorted(set(depts)):
        cap = request.cap_of(d)
        if cap is not None and depts.count(d) > cap:
            out.append(fault("cap", f"{depts.count(d)} members from {d}, cap {cap}"))
    if request.budget is not None and cost > request.budget + 1e-6:
        out.append(fault("budget", f"cost {cost:.2f} over budget {request.budget:.2f}"))
    for m in members:
        if roles[m] or m in forced or m not in known:
            continue
        dept = known[m].department
        sole = dept in request.required_departments and depts.count(dept) == 1
        if not (n == request.size_min or sole):  # below a (soft) minimum they would not make it either
            out.append(fault("passenger", f"{m} fills no requirement and is not needed", m))
    return out


def unacknowledged(faults: list[dict]) -> list[dict]:
    """The faults no answer may carry: all but the capacity of forced members."""
    return [f for f in faults if not f.get("forced")]


@dataclass(frozen=True)
class Team:
    roles: tuple[tuple[str, tuple[int, ...]], ...]  # sorted (member, requirement indices)
    allocations: tuple[tuple[str, float], ...]
    forced_over: frozenset[str]  # forced members over capacity

    @property
    def members(self) -> frozenset[str]:
        return frozenset(m for m, _ in self.roles)


def design_pool(request, facts: Mapping[str, Facts | None], forced: Collection[str]) -> list[str]:
    """Who the design lets a team draw on: active, not excluded, holding a requested skill at its
    level or belonging to a required department; plus the forced members."""
    out = []
    for p, f in sorted(facts.items()):
        if f is None:
            continue
        skilled = any(f.levels.get(rq.skill, 0) >= rq.level for rq in request.requirements)
        if p in forced or (f.active and p not in request.exclude
                           and (skilled or f.department in request.required_departments)):
            out.append(p)
    return out


def request_facts(store, request, people: Iterable[str]) -> dict[str, Facts | None]:
    skills = [rq.skill for rq in request.requirements]
    return {p: read_facts(store, p, request.window, skills) for p in people}


def valid_teams(store, request, people: Iterable[str], pins: Iterable[str] = (), *, load_cap: float = 1.0,
                facts: Mapping[str, Facts | None] | None = None) -> list[Team]:
    """Every team with every role assignment that breaks no rule (forced overload allowed), over
    the design pool drawn from `people` (the organisation's person ids)."""
    forced = forced_of(request, pins)
    facts = dict(facts) if facts is not None else request_facts(store, request, set(people) | forced)
    pool = design_pool(request, facts, forced)
    fixed = sorted(p for p in forced if p in facts)
    free = [p for p in pool if p not in forced]
    reqs = request.requirements
    out = []
    for size in range(max(request.size_min, len(fixed)), request.size_max + 1):
        for extra in combinations(free, size - len(fixed)):
            members = fixed + list(extra)
            # Candidates per requirement: holders at the level; a non-forced holder only if the role
            # fits them (a role that does not fit can never be part of a valid team).
            per_req = []
            for rq in reqs:
                a = request.alloc_of(rq)
                per_req.append([m for m in members if facts[m] is not None
                                and facts[m].levels.get(rq.skill, 0) >= rq.level
                                and (m in forced or facts[m].fits(a, load_cap))])
            if any(len(q) < rq.count for q, rq in zip(per_req, reqs)):
                continue
            for pick in product(*(combinations(q, rq.count) for q, rq in zip(per_req, reqs))):
                roles = {m: [] for m in members}
                for r, chosen in enumerate(pick):
                    for m in chosen:
                        roles[m].append(r)
                faults = team_faults(request, facts, roles, forced, load_cap=load_cap)
                if unacknowledged(faults):
                    continue
                out.append(Team(tuple(sorted((m, tuple(rs)) for m, rs in roles.items())),
                                tuple(sorted((m, allocation(request, rs)) for m, rs in roles.items())),
                                frozenset(f["person"] for f in faults if f.get("forced"))))
    return out


def _minimal(teams: list[Team]) -> list[Team]:
    """Teams no other team undercuts (members a subset, each at no more FTE): enough for existence."""
    sigs = sorted({t.allocations: t for t in teams}.items(), key=lambda kv: len(kv[0]))
    kept: list[tuple[dict, Team]] = []
    for sig, t in sigs:
        a = dict(sig)
        if not any(all(p in a and a[p] >= x - EPS for p, x in b.items()) for b, _ in kept):
            kept.append((a, t))
    return [t for _, t in kept]


def stretches(windows: list[Window]) -> list[tuple[Window, frozenset[int]]]:
    """The stretches of days between window boundaries, each with the requests running through it."""
    cuts = sorted({w.start for w in windows} | {w.end + timedelta(days=1) for w in windows})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        running = frozenset(k for k, w in enumerate(windows) if w.start <= a <= w.end)
        if running:
            out.append((Window(a, b - timedelta(days=1)), running))
    return out


def staffing_exists(store, portfolio, people: Iterable[str], *, load_cap: float = 1.0) -> list[Team] | None:
    """A staffing of every request, each team valid, and loads adding up day by day where a
    person's requests overlap (see the module docstring); None when there is none."""
    people = list(people)
    reqs = list(portfolio.requests)
    facts = [request_facts(store, r, set(people) | set(r.include)) for r in reqs]
    options = []
    for r, fa in zip(reqs, facts):
        teams = _minimal(valid_teams(store, r, people, load_cap=load_cap, facts=fa))
        if not teams:
            return None
        options.append(teams)
    spans = [(w, ks) for w, ks in stretches([r.window for r in reqs]) if len(ks) > 1]
    series: dict[tuple[str, int], list[Day]] = {}

    def over(p: str, i: int, total: float) -> bool:
        """Some working day of stretch i where their load plus `total` passes the cap."""
        if (p, i) not in series:
            series[p, i] = [d for d in day_series(store, p, spans[i][0]) if not d.away]
        return any(d.load + total > load_cap * d.capacity + EPS for d in series[p, i])

    def fits(chosen: list[Team]) -> bool:
        k_last = len(chosen) - 1
        for i, (_, running) in enumerate(spans):
            if k_last not in running:
                continue
            for p, _ in chosen[k_last].allocations:
                mine = [k for k in running if k <= k_last and p in chosen[k].members]
                if len(mine) < 2 or all(p in reqs[k].include for k in mine):
                    continue
                total = sum(dict(chosen[k].allocations)[p] for k in mine)
                if over(p, i, total):
                    return False
        return True

    def search(chosen: list[Team]) -> list[Team] | None:
        if len(chosen) == len(reqs):
            return chosen
        for t in options[len(chosen)]:
            if fits(chosen + [t]):
                found = search(chosen + [t])
                if found is not None:
                    return found
        return None

    return search([])


def soft_staffing_exists(store, portfolio) -> bool:
    """Whether soft mode can staff `portfolio` at all: shortfalls are allowed there, so each
    request needs only its forced members, in some choice of their roles, without breaking a rule
    that stays hard (adding anyone else can only add cost, department members and size).
    Forced-only teams carry no load the cap applies to."""
    for r in portfolio.requests:
        forced = sorted(r.include)
        facts = request_facts(store, r, forced)
        options = []
        for p in forced:
            held = facts[p].levels if facts[p] is not None else {}
            fills = [i for i, rq in enumerate(r.requirements) if held.get(rq.skill, 0) >= rq.level]
            options.append([c for n in range(len(fills) + 1) for c in combinations(fills, n)])
        if not any(_keeps_hard_rules(r, facts, dict(zip(forced, pick)), portfolio.max_load)
                   for pick in product(*options)):
            return False
    return True


def _keeps_hard_rules(request, facts, roles, load_cap: float) -> bool:
    """No fault but soft mode's shortfalls; every member is forced here."""
    faults = team_faults(request, facts, roles, list(roles), load_cap=load_cap)
    return not [f for f in faults if not f.get("gap") and not f.get("forced")]
