"""Random small organisations and requests for the oracle tests (hypothesis strategies), and how
they are written into a store through one ChangeSet.

Everything happens in a 13-week horizon, 2026-03-02 (a Monday) to 2026-05-29; people are booked
on earlier projects over parts of it, so loads differ from week to week and windows see different
peaks. Values are drawn from short lists whose first element is the simplest, so hypothesis
shrinks a counterexample towards round numbers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from hypothesis import strategies as st

from teamgraph.graph.sqlite_store import SqliteStore
from teamgraph.graph.model import (
    CapacityPeriod, ChangeSet, Department, Membership, Person, PersonSkill, Phase, Project, Skill, TimeOff, phased,
)

HORIZON_START = date(2026, 3, 2)
WEEKS = 13
DEPARTMENTS = (("quality", "Quality"), ("sales", "Sales"), ("field", "Field Service"))
SKILLS = (("welding", "Welding"), ("audit", "Audit"), ("python", "Python"), ("negotiation", "Negotiation"))
NAMES = ("Ann Lee", "Bo Chen", "Cy Park", "Dee Okafor", "Eli Novak", "Fay Wong", "Gus Berg", "Hal Ito",
         "Ivy Diaz")


@dataclass(frozen=True)
class Booking:
    allocation: float
    week: int  # first week, from the horizon start
    weeks: int
    then: float | None = None  # phased: from half-way (in days) at this allocation instead

    def __repr__(self) -> str:
        return f"Booking({self.allocation}, {self.week}, {self.weeks}, {self.then})"

    def _repr_pretty_(self, p, cycle) -> None:  # hypothesis prints counterexamples with this
        p.text(repr(self))

    def span(self) -> tuple[date, date]:
        start = HORIZON_START + timedelta(weeks=self.week)
        return start, start + timedelta(weeks=self.weeks, days=-1)


@dataclass(frozen=True)
class OrgPerson:
    id: str
    department: str
    capacity: float
    cost_rate: float
    leaver: bool
    skills: tuple[tuple[str, int], ...]
    bookings: tuple[Booking, ...]
    periods: tuple[tuple[int, float], ...] = ()  # (from week, capacity): a capacity change, open-ended
    leave: tuple[tuple[int, int], ...] = ()  # (from week, days): time off

    def __repr__(self) -> str:  # positional, one line: counterexamples stay short and pasteable
        return (f"OrgPerson({self.id!r}, {self.department!r}, {self.capacity}, {self.cost_rate}, {self.leaver}, "
                f"{self.skills!r}, {self.bookings!r}, {self.periods!r}, {self.leave!r})")

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(repr(self))


@dataclass(frozen=True)
class Org:
    departments: tuple[str, ...]
    skills: tuple[str, ...]
    people: tuple[OrgPerson, ...]

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(f"Org({self.departments!r}, {self.skills!r}, people=(\n")
        p.text("".join(f"    {person!r},\n" for person in self.people) + "))")

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.people]

    def person(self, pid: str) -> OrgPerson:
        return next(p for p in self.people if p.id == pid)

    def changes(self) -> ChangeSet:
        cs = ChangeSet()
        cs.add(*(Department(d, n) for d, n in DEPARTMENTS if d in self.departments))
        cs.add(*(Skill(s, n) for s, n in SKILLS if s in self.skills))
        cs.add(Project("earlier", "Earlier work", status="active"), Project("other", "Other work", status="active"))
        for i, p in enumerate(self.people):
            name = NAMES[i]
            cs.add(Person(p.id, name, f"{p.id}@example.org", p.department, capacity=p.capacity,
                          cost_rate=p.cost_rate, status="leaver" if p.leaver else "active"))
            cs.add(*(PersonSkill(p.id, s, lvl, "confirmed") for s, lvl in p.skills))
            for b, project in zip(p.bookings, ("earlier", "other")):
                start, end = b.span()
                if b.then is None:
                    cs.add(Membership(p.id, project, "member", b.allocation, start, end))
                else:
                    mid = start + timedelta(days=(end - start).days // 2)
                    cs.add(phased(p.id, project, [Phase(start, mid, b.allocation),
                                                  Phase(mid + timedelta(days=1), end, b.then)]))
            for week, cap in p.periods:
                cs.add(CapacityPeriod(p.id, HORIZON_START + timedelta(weeks=week), None, cap))
            for week, days in p.leave:
                start = HORIZON_START + timedelta(weeks=week, days=2)  # from a Wednesday
                cs.add(TimeOff(p.id, start, start + timedelta(days=days - 1)))
        return cs


@contextmanager
def org_store(org: Org) -> Iterator[SqliteStore]:
    """A fresh embedded store on a temporary file holding `org` (fast enough for hundreds of examples)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "org.sqlite3")
        try:
            store.apply(org.changes())
            yield store
        finally:
            store.close()


def window_body(week: int, weeks: int) -> dict:
    start = HORIZON_START + timedelta(weeks=week)
    end = min(start + timedelta(weeks=weeks, days=-1), HORIZON_START + timedelta(weeks=WEEKS, days=-3))
    return {"start": start.isoformat(), "end": end.isoformat()}


@st.composite
def orgs(draw, min_people: int = 4, max_people: int = 9) -> Org:
    n_dept = draw(st.integers(2, len(DEPARTMENTS)))
    n_skill = draw(st.integers(2, len(SKILLS)))
    depts = tuple(d for d, _ in DEPARTMENTS[:n_dept])
    skills = tuple(s for s, _ in SKILLS[:n_skill])
    people = []
    for i in range(draw(st.integers(min_people, max_people))):
        held = draw(st.lists(st.tuples(st.sampled_from(skills), st.sampled_from([3, 4, 2, 5, 1])),
                             min_size=1, max_size=3, unique_by=lambda t: t[0]))
        bookings = draw(st.lists(st.builds(Booking, st.sampled_from([0.2, 0.5, 0.3, 0.4, 0.6, 0.8]),
                                           st.integers(0, WEEKS - 1), st.integers(1, WEEKS),
                                           st.sampled_from([None, None, 0.2, 0.6, 0.0])), max_size=2))
        # time-phased capacity: a capacity change from some week (0 = parental leave kept as
        # capacity), and time off from a few days to most of the horizon
        periods = draw(st.lists(st.tuples(st.integers(0, WEEKS - 1), st.sampled_from([0.5, 1.0, 0.0, 0.8, 0.3])),
                                max_size=1))
        leave = draw(st.lists(st.tuples(st.integers(0, WEEKS - 1), st.sampled_from([3, 7, 14, 35, 60])),
                              max_size=1))
        people.append(OrgPerson(
            id=f"p{i}", department=draw(st.sampled_from(depts)),
            capacity=draw(st.sampled_from([1.0, 0.8, 0.5, 0.6, 0.9])),
            cost_rate=draw(st.sampled_from([100.0, 50.0, 80.0, 120.0, 150.0])),
            leaver=draw(st.integers(0, 7)) == 7, skills=tuple(held), bookings=tuple(bookings),
            periods=tuple(periods), leave=tuple(leave)))
    return Org(depts, skills, tuple(people))


def _sometimes(draw, quarters: int = 1) -> bool:
    """True with probability quarters/4; shrinks to False (the simpler case)."""
    return draw(st.integers(0, 3)) >= 4 - quarters


@st.composite
def request_bodies(draw, org: Org, name: str = "request", *, with_window: tuple[int, int] | None = None,
                   max_requirements: int = 3, max_size_min: int = 3) -> dict:
    """A valid request body over `org`: every field the parser accepts, in the ranges where the
    rules interact (per-role allocations above and below the base, caps, budgets, busy includes)."""
    a0 = draw(st.sampled_from([0.5, 0.3, 0.2, 0.4, 0.6]))
    week, weeks = with_window or (draw(st.integers(0, 8)), draw(st.integers(2, WEEKS)))
    skill_names = dict(SKILLS)
    reqs = []
    # Skills someone holds, at a level someone reaches: requests nobody could ever meet teach little.
    best: dict[str, int] = {}
    for p in org.people:
        for s, lvl in p.skills if not p.leaver else ():
            best[s] = max(best.get(s, 0), lvl)
    for s in draw(st.lists(st.sampled_from(sorted(best) or org.skills), min_size=1, max_size=max_requirements,
                           unique=True)):
        r = {"skill": skill_names[s], "level": min(best.get(s, 1), draw(st.sampled_from([3, 2, 1, 4]))),
             "count": 2 if _sometimes(draw) else 1}
        if _sometimes(draw, 2):
            r["allocation"] = draw(st.sampled_from([0.2, 0.8, 0.1, 0.3, 0.6, 1.0]))
        reqs.append(r)
    required = draw(st.lists(st.sampled_from(org.departments), max_size=2, unique=True)) if _sometimes(draw, 2) else []
    slots = sum(r["count"] for r in reqs)
    size_min = draw(st.integers(1, max(1, min(max_size_min, slots + len(required)))))
    size_max = min(6, max(size_min, slots, len(required)) + draw(st.integers(0, 2)))
    body = {"name": name, "allocation": a0, "window": window_body(week, weeks),
            "size": {"min": size_min, "max": size_max}, "requirements": reqs}
    caps, per = {}, None
    if _sometimes(draw):
        for d in draw(st.lists(st.sampled_from(org.departments), min_size=1, max_size=2, unique=True)):
            caps[d] = draw(st.integers(1 if d in required else 0, 2))
    if _sometimes(draw):
        per = draw(st.integers(1, 3))
    if required or caps or per is not None:
        body["departments"] = {"required": required, "caps": caps, "max_per_department": per}
    if _sometimes(draw, 2):
        days = 5 * weeks  # the budget is drawn in units of one person's base cost at 100 an hour
        body["budget"] = draw(st.sampled_from([3.0, 2.0, 1.5, 1.0, 4.0])) * 100 * a0 * 8 * days
    people = org.ids
    include = [draw(st.sampled_from(people))] if _sometimes(draw) else []
    if include:
        body["include"] = include
    if _sometimes(draw):
        body["exclude"] = [draw(st.sampled_from([p for p in people if p not in include]))]
    if _sometimes(draw):
        body["max_away"] = draw(st.sampled_from([0.2, 1.0, 0.0, 0.5]))
    return body


@dataclass(frozen=True)
class SingleCase:
    org: Org
    body: dict
    pins: tuple[str, ...]


@st.composite
def single_cases(draw) -> SingleCase:
    org = draw(orgs())
    body = draw(request_bodies(org))
    taken = set(body.get("include", ())) | set(body.get("exclude", ()))
    pins = [draw(st.sampled_from([p for p in org.ids if p not in taken]))] if _sometimes(draw) else []
    return SingleCase(org, body, tuple(pins))


@dataclass(frozen=True)
class PortfolioCase:
    org: Org
    body: dict


@st.composite
def portfolio_cases(draw) -> PortfolioCase:
    """2–3 lighter requests whose windows mostly overlap (each starts within the first 6 weeks
    and runs 3–9 weeks), with or without a load cap."""
    org = draw(orgs(min_people=5, max_people=8))
    n = draw(st.integers(2, 3))
    bodies = [draw(request_bodies(org, f"request {k + 1}", max_requirements=2, max_size_min=2,
                                  with_window=(draw(st.integers(0, 6)), draw(st.integers(3, 9)))))
              for k in range(n)]
    body = {"name": "portfolio", "requests": bodies}
    load = draw(st.one_of(st.none(), st.sampled_from([1.0, 0.8, 0.9, 0.6])))
    if load is not None:
        body["max_load"] = load
    return PortfolioCase(org, body)
