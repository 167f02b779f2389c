"""Contract: `candidates_many` against an oracle on random small organisations (hypothesis).

The stores read memberships, bookings and calendars once for the union of the asks' people over
the span of their windows and cut each ask from that in memory. The oracle knows nothing of
that: for each ask it takes the people the rule names (active people meeting a need or in a
required department, plus every existing included person), all their skills, and every
membership, counted booking, capacity period, leave and holiday they have, whatever its dates,
and lets graph.load.pieces cut the ask's window. The asks' windows overlap, nest and miss each
other, so anything reaching past one window into another's, or missing from one, shows up.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teamgraph.graph.bookings import BookedMember, Booking
from teamgraph.graph.load import pieces
from teamgraph.graph.model import (
    CapacityPeriod, ChangeSet, Department, Holiday, Membership, Person, PersonSkill, Phase, Project, Skill, TimeOff,
    Window, phased,
)
from teamgraph.graph.reads import CandidateAsk

DAY0 = date(2026, 3, 2)
SKILLS = ("s1", "s2", "s3")
LOCATIONS = ("", "berlin", "oslo")
AT = "2026-03-01T09:00:00Z"


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def window(start: int, length: int) -> Window:
    return Window(day(start), day(start + length - 1))


spans = st.tuples(st.integers(0, 150), st.integers(1, 60))


@st.composite
def memberships_of(draw, pid: str) -> list[Membership]:
    out = []
    for k in range(draw(st.integers(0, 3))):
        project = draw(st.sampled_from(("pr1", "pr2")))
        s, n = draw(spans)
        a = draw(st.sampled_from((0.2, 0.5, 1.0)))
        if draw(st.booleans()):  # phased: two allocations, one after the other
            half = max(1, n // 2)
            out.append(phased(pid, project, (Phase(day(s), day(s + half - 1), a),
                                             Phase(day(s + half), day(s + half + n), draw(st.sampled_from((0.1, 0.3))))),
                              role=f"r{k}"))
        else:
            open_start, open_end = draw(st.booleans()), draw(st.booleans())
            out.append(Membership(pid, project, f"r{k}", a, None if open_start and k == 0 else day(s),
                                  None if open_end and k == 1 else day(s + n - 1)))
    return out


@st.composite
def organisations(draw):
    people, skills, memberships, time_off, periods = [], [], [], [], []
    for q in range(draw(st.integers(1, 6))):
        pid = f"p{q}"
        people.append(Person(pid, f"Person {q}", f"{pid}@example.org", draw(st.sampled_from(("d1", "d2"))),
                             location=draw(st.sampled_from(LOCATIONS)), capacity=draw(st.sampled_from((1.0, 0.5, 0.0))),
                             status=draw(st.sampled_from(("active", "active", "leaver")))))
        for s in draw(st.sets(st.sampled_from(SKILLS))):
            used = draw(st.none() | st.integers(0, 60))
            skills.append(PersonSkill(pid, s, draw(st.integers(1, 5)), last_used=None if used is None else day(-used)))
        memberships += draw(memberships_of(pid))
        for s in sorted(draw(st.sets(st.integers(0, 150), max_size=2))):
            time_off.append(TimeOff(pid, day(s), day(s + draw(st.integers(0, 9)))))
        if draw(st.booleans()):
            s, n = draw(spans)
            periods.append(CapacityPeriod(pid, day(s), draw(st.none() | st.just(day(s + n))), draw(st.sampled_from((0.5, 0.0)))))
    holidays = [Holiday(loc, day(d), "a holiday") for loc in LOCATIONS[1:]
                for d in sorted(draw(st.sets(st.integers(0, 150), max_size=4)))]
    active = [p.id for p in people if p.status == "active"]
    bookings = []
    for b in range(draw(st.integers(0, 2)) if active else 0):
        s, n = draw(spans)
        members = draw(st.lists(st.sampled_from(active), min_size=1, max_size=3, unique=True))
        bookings.append((Booking(id=f"bk-{b}", status=draw(st.sampled_from(("tentative", "confirmed"))),
                                 window=window(s, n), allocation=0.3, project=draw(st.sampled_from((None, "pr1"))),
                                 members=tuple(BookedMember(p, draw(st.sampled_from((0.2, 0.4)))) for p in members),
                                 booked_at=AT), draw(st.sampled_from((None, None, "cancel", "release")))))
    return people, skills, memberships, time_off, periods, holidays, bookings


asks = st.lists(st.builds(
    CandidateAsk,
    st.lists(st.tuples(st.sampled_from(SKILLS), st.integers(1, 5)), max_size=3, unique_by=lambda n: n[0]).map(tuple),
    st.builds(window, st.integers(0, 140), st.integers(1, 70)),
    st.lists(st.sampled_from(("p0", "p2", "p5", "ghost")), max_size=2, unique=True).map(tuple),
    st.lists(st.sampled_from(("d1", "d2", "nowhere")), max_size=1).map(tuple)), min_size=1, max_size=4)


def write(store, org) -> list[Booking]:
    """The organisation into an empty store; the bookings as the store then holds them."""
    people, skills, memberships, time_off, periods, holidays, bookings = org
    store.clear_all()
    store.apply(ChangeSet().add(Department("d1", "One"), Department("d2", "Two"),
                                *(Skill(s, s.upper()) for s in SKILLS),
                                Project("pr1", "Project 1", status="active"), Project("pr2", "Project 2"),
                                *people, *skills, *memberships, *time_off, *periods, *holidays))
    if bookings:
        store.create_bookings([b for b, _ in bookings], allow_overload=True)
    for b, then in bookings:
        if then == "cancel":
            store.change_booking(b.id, "cancel", at=AT, by=None, role="admin")
        elif then == "release":
            store.change_booking(b.id, "release", at=AT, by=None, role="admin", person=b.members[0].person)
    return [store.get_booking(b.id) for b, _ in bookings]


def expected(org, stored: list[Booking], ask: CandidateAsk) -> list[tuple]:
    """(person, skills, load, pieces) per candidate of `ask`, by the rule, from everything they have."""
    people, skills, memberships, time_off, periods, holidays, _ = org
    held = {(ps.person, ps.skill): ps.level for ps in skills}
    chosen = {p.id for p in people if p.status == "active" and (
        p.department in ask.departments or any(held.get((p.id, s), 0) >= lvl for s, lvl in ask.needs))}
    chosen |= {p.id for p in people if p.id in ask.include}
    out = []
    for p in sorted((p for p in people if p.id in chosen), key=lambda p: p.id):
        booked = [Membership(p.id, b.project or b.id, "booked", m.allocation, b.window.start, b.window.end)
                  for b in stored if b.status in ("tentative", "confirmed")
                  for m in b.members if m.person == p.id and m.status == "booked"]
        parts = pieces([m for m in memberships if m.person == p.id] + booked, ask.window, p.capacity,
                       [c for c in periods if c.person == p.id],
                       [t for t in time_off if t.person == p.id] + [h for h in holidays if h.location == p.location])
        out.append((p, {ps.skill: ps for ps in skills if ps.person == p.id},
                    max((x.load for x in parts if not x.away), default=0.0), tuple(parts)))
    return out


def _check(store, org, many):
    stored = write(store, org)
    got = store.candidates_many(many)
    assert [[(c.person, c.skills, c.load, c.pieces) for c in pool] for pool in got] == \
        [expected(org, stored, a) for a in many]
    assert got == [store.candidates(a.needs, a.window, a.include, a.departments) for a in many]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(org=organisations(), many=asks)
def test_candidates_many_matches_the_rule_on_the_embedded_store(tmp_path, org, many):
    from teamgraph.graph.sqlite_store import SqliteStore
    store = SqliteStore(tmp_path / "many.sqlite3")
    try:
        _check(store, org, many)
    finally:
        store.close()


@pytest.mark.neo4j
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(org=organisations(), many=asks)
def test_candidates_many_matches_the_rule_on_neo4j(tmp_path, org, many):
    from tests.conftest import make_store
    store = make_store("neo4j", tmp_path)
    try:
        _check(store, org, many)
    finally:
        store.close()
