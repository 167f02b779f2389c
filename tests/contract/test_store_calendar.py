"""Contract: phased memberships, capacity periods, time off and holidays (tests/tinyorg.py, Q1),
stored and read back alike by every store, and counted in candidates' and profiles' load."""

from __future__ import annotations

import math
from datetime import date

import pytest
from teamgraph.graph.load import peak_utilisation
from teamgraph.graph.model import (
    SYSTEM, CapacityPeriod, ChangeSet, Holiday, Membership, Phase, TimeOff, Window, phased,
)
from teamgraph.errors import ValidationError
from tests.tinyorg import Q1

D = date
# cy (capacity 0.8, engineer on p-plat at 0.4 from 1 Feb to 15 Mar) also gets a phased membership:
# 0.3 in January, 0.6 from February
CY_PHASED = phased("cy", "p-plat", [Phase(D(2026, 1, 1), D(2026, 1, 31), 0.3), Phase(D(2026, 2, 1), None, 0.6)])
CALENDAR = ChangeSet().add(
    CY_PHASED,
    CapacityPeriod("cy", D(2026, 3, 1), None, 0.4),  # cy drops to 0.4 FTE in March
    CapacityPeriod("gus", D(2026, 2, 1), D(2026, 2, 28), 0.0),  # parental leave kept as capacity
    TimeOff("ana", D(2026, 2, 16), D(2026, 2, 22), "leave", "winter break"),
    Holiday("Lisbon", D(2026, 2, 17), "Carnival"),
    Holiday("Seoul", D(2026, 1, 28), "Seollal"),
)


@pytest.fixture
def cal_store(tiny_store):
    tiny_store.apply(CALENDAR)
    return tiny_store


def test_records_read_back_equal_and_rewrites_change_nothing(cal_store):
    assert cal_store.get("membership", ("cy", "p-plat", "member")) == CY_PHASED
    assert CY_PHASED.phases == (Phase(D(2026, 1, 1), D(2026, 1, 31), 0.3), Phase(D(2026, 2, 1), None, 0.6))
    assert cal_store.get("time_off", ("ana", D(2026, 2, 16))) == TimeOff("ana", D(2026, 2, 16), D(2026, 2, 22),
                                                                          "leave", "winter break")
    assert cal_store.get("holiday", ("Lisbon", D(2026, 2, 17))).name == "Carnival"
    assert sorted(cal_store.all("capacity_period"), key=lambda p: p.key) == [
        CapacityPeriod("cy", D(2026, 3, 1), None, 0.4), CapacityPeriod("gus", D(2026, 2, 1), D(2026, 2, 28), 0.0)]
    counts = cal_store.counts()
    assert (counts["capacity_period"], counts["time_off"], counts["holiday"]) == (2, 1, 2)
    before = cal_store.revision()
    report = cal_store.apply(CALENDAR)
    assert report.written == {} and cal_store.revision() == before


def test_a_membership_without_phases_reads_back_without_phases(tiny_store):
    m = tiny_store.get("membership", ("ana", "p-plat", "lead"))
    assert m.phases == () and m.pieces() == (Phase(m.start, m.end, m.allocation),)


def test_calendars_by_person_and_window(cal_store):
    cals = cal_store.calendars(["ana", "cy", "gus", "nobody"], Q1)
    assert sorted(cals) == ["ana", "cy", "gus"]  # unknown ids absent
    assert cals["ana"].time_off[0].note == "winter break"
    assert [h.name for h in cals["ana"].holidays] == ["Carnival"]  # Ana is in Lisbon
    assert [h.name for h in cals["cy"].holidays] == ["Seollal"]
    assert cals["cy"].capacity == 0.8 and [p.capacity for p in cals["cy"].periods] == [0.4]
    jan = cal_store.calendars(["ana", "cy"], Window(D(2026, 1, 1), D(2026, 1, 31)))
    assert jan["ana"].time_off == () and jan["ana"].holidays == () and jan["cy"].periods == ()


def test_candidates_carry_the_time_phased_load(cal_store):
    by_id = {c.person.id: c for c in cal_store.candidates([("python", 3), ("budgeting", 3)], Q1)}
    cy, ana, gus = by_id["cy"], by_id["ana"], by_id["gus"]
    assert cy.load == pytest.approx(1.0)  # February to 15 March: 0.6 + 0.4
    # 1-15 March: 1.0 on a 0.4 capacity; with 0.1 more in January only, (0.3 + 0.1) / 0.8
    assert peak_utilisation(cy.pieces) == pytest.approx(2.5)
    jan = [p for p in cy.pieces if p.end <= D(2026, 1, 31)]
    assert peak_utilisation(jan, 0.1) == pytest.approx(0.5)
    assert any(p.away and p.start == D(2026, 1, 28) for p in cy.pieces)  # Seollal in Seoul
    assert math.isinf(peak_utilisation(gus.pieces, 0.1))  # capacity 0 in February: no division by zero
    away = [(p.start, p.end) for p in ana.pieces if p.away]
    assert away == [(D(2026, 2, 16), D(2026, 2, 22))]  # the holiday falls inside the leave
    assert ana.load == pytest.approx(0.9)


def test_profile_load_is_time_phased(cal_store):
    prof = cal_store.person_profile("cy", Q1, SYSTEM)
    assert prof.load == pytest.approx(1.0)
    assert dict((m.project, m.phases) for m, _ in prof.memberships)["p-plat"] == CY_PHASED.phases


def test_unknown_person_is_refused_and_nothing_is_written(tiny_store):
    before = tiny_store.revision()
    with pytest.raises(ValidationError) as e:
        tiny_store.apply(ChangeSet().add(TimeOff("ghost", D(2026, 1, 5), D(2026, 1, 9)),
                                         Holiday("Oslo", D(2026, 5, 17), "Constitution Day")))
    assert "ghost" in str(e.value)
    assert tiny_store.revision() == before and tiny_store.counts()["holiday"] == 0


def test_deleting_and_forgetting_a_person_drops_their_calendar(cal_store):
    cal_store.apply(ChangeSet().delete("time_off", ("ana", D(2026, 2, 16))))
    assert cal_store.get("time_off", ("ana", D(2026, 2, 16))) is None
    cal_store.apply(ChangeSet().add(TimeOff("ana", D(2026, 3, 2), D(2026, 3, 6))))
    cal_store.forget_person("ana")
    cal_store.apply(ChangeSet().delete("person", ("gus",)))
    assert list(cal_store.all("time_off")) == []
    assert [p.person for p in cal_store.all("capacity_period")] == ["cy"]
    assert cal_store.counts()["holiday"] == 2  # holidays belong to locations, not people


def test_a_membership_phase_change_is_a_write(cal_store):
    changed = phased("cy", "p-plat", [Phase(D(2026, 1, 1), None, 0.3)])
    report = cal_store.apply(ChangeSet().add(changed))
    assert report.written == {"membership": 1}
    assert cal_store.get("membership", ("cy", "p-plat", "member")) == changed
    flat = Membership("cy", "p-plat", "member", 0.3, D(2026, 1, 1), None)
    cal_store.apply(ChangeSet().add(flat))
    assert cal_store.get("membership", ("cy", "p-plat", "member")).phases == ()


def test_booking_conflicts_count_capacity_periods_and_leave(tiny_store):
    from teamgraph.graph.bookings import BookedMember, Booking, BookingConflict
    q2 = Window(D(2026, 4, 6), D(2026, 6, 28))  # 12 weeks from Monday 6 April

    def book(ident, person, fte):
        return Booking(id=ident, status="tentative", window=q2, allocation=fte, project="p-new", name="Pricing",
                       request={"name": "Pricing"}, members=(BookedMember(person, fte),), booked_by="fay",
                       booked_role="sponsor", booked_at="2026-03-01T09:00:00Z")
    tiny_store.apply(ChangeSet().add(
        CapacityPeriod("dee", D(2026, 5, 4), D(2026, 5, 17), 0.3),  # dee at 0.3 FTE for two weeks of May
        Membership("eli", "p-new", "planner", 0.6, D(2026, 4, 6), D(2026, 6, 28)),
        TimeOff("eli", D(2026, 4, 13), D(2026, 6, 28))))  # away from the second week: nothing counts then
    with pytest.raises(BookingConflict) as e:
        tiny_store.create_booking(book("bk-dee", "dee", 0.5))
    [c] = e.value.conflicts
    assert c.person == "dee" and c.weeks == [D(2026, 5, 4), D(2026, 5, 11)]
    assert tiny_store.get_booking("bk-dee") is None
    with pytest.raises(BookingConflict) as e:
        tiny_store.create_booking(book("bk-eli", "eli", 0.5))  # 0.6 + 0.5 in the first week only
    assert e.value.conflicts[0].weeks == [D(2026, 4, 6)]
    tiny_store.apply(ChangeSet().add(TimeOff("eli", D(2026, 4, 6), D(2026, 6, 28))).delete(
        "time_off", ("eli", D(2026, 4, 13))))
    assert tiny_store.create_booking(book("bk-eli", "eli", 0.5)).id == "bk-eli"  # away all along: no overload


def test_profile_lists_capacity_periods_and_away_days_without_reasons(cal_store):
    prof = cal_store.person_profile("ana", Q1, SYSTEM)
    assert prof.away == [{"start": D(2026, 2, 16), "end": D(2026, 2, 22)}]
    assert "winter break" not in str(prof.to_dict())  # the note stays private
    cy = cal_store.person_profile("cy", Q1, SYSTEM)
    assert cy.capacity_periods == [{"start": D(2026, 3, 1), "end": None, "capacity": 0.4}]
    assert [(a["start"], a["end"]) for a in cy.away] == [(D(2026, 1, 28), D(2026, 1, 28))]
