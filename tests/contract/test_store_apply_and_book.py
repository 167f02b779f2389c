"""`apply_and_book` on every store: an ingest ChangeSet and new bookings in one transaction (a what-if
applied with its team booked, teamgraph/scenario_run.py) — the bookings are checked on the organisation
as the changes leave it, and any failure writes neither."""

from __future__ import annotations

from datetime import date

import pytest

from teamgraph.errors import ValidationError
from teamgraph.graph.bookings import BookingConflict
from teamgraph.graph.model import WRITE_ORDER, CapacityPeriod, ChangeSet, Membership, Person
from tests.contract.test_store_bookings import Q2, booking


def dump(store) -> dict:
    out = {kind: sorted(map(repr, store.all(kind))) for kind in WRITE_ORDER}
    out["bookings"] = sorted(repr(b) for b in store.list_bookings())
    out["revision"] = store.revision()
    return out


HIRE = Person("new", "Nia Grant", "new@planned-hire.invalid", "eng", "planned hire", "", "", 1.0, 60)


def test_changes_and_bookings_land_together(tiny_store):
    rev = tiny_store.revision()
    cs = ChangeSet().add(HIRE, Membership("dee", "p-new", "lead", 0.2, Q2.start, Q2.end))
    report, [made] = tiny_store.apply_and_book(cs, [booking(members=(("new", 0.5), ("dee", 0.6)))])
    assert report.written["person"] == 1 and report.written["membership"] == 1
    assert report.written["booking"] == 1 and report.revision == rev + 1 == tiny_store.revision()
    assert tiny_store.get("person", "new") == HIRE  # a booking of a person the same transaction adds
    assert made == tiny_store.get_booking("bk-1") and {m.person for m in made.members} == {"new", "dee"}
    assert [e.action for e in tiny_store.booking_events("bk-1")] == ["booked"]
    tiny_store.create_booking(booking("bk-2", members=(("eli", 0.2),)))
    assert tiny_store.revision() == rev + 2


def test_a_conflict_from_the_changes_writes_neither(tiny_store):
    """The check counts what the changes do: Dee at 0.6 on a new membership, then a 0.6 booking of her."""
    before = dump(tiny_store)
    cs = ChangeSet().add(HIRE, Membership("dee", "p-new", "lead", 0.6, date(2026, 5, 4), Q2.end))
    with pytest.raises(BookingConflict) as e:
        tiny_store.apply_and_book(cs, [booking(members=(("new", 0.5), ("dee", 0.6)))])
    [c] = e.value.conflicts
    assert c.name == "Dee Okafor" and c.weeks[0] == date(2026, 5, 4) and len(c.weeks) == 8
    assert dump(tiny_store) == before  # no hire, no membership, no booking, same revision


def test_a_capacity_the_changes_set_counts(tiny_store):
    """A leaver's capacity 0 from a day (a what-if's remove) conflicts with booking them after it."""
    before = dump(tiny_store)
    cs = ChangeSet().add(CapacityPeriod("eli", date(2026, 6, 1), None, 0.0))
    with pytest.raises(BookingConflict) as e:
        tiny_store.apply_and_book(cs, [booking(members=(("eli", 0.3),))])
    assert e.value.conflicts[0].name == "Eli Novak" and e.value.conflicts[0].weeks[0] == date(2026, 6, 1)
    assert dump(tiny_store) == before
    # and the same booking without the change is fine
    assert tiny_store.apply_and_book(ChangeSet(), [booking(members=(("eli", 0.3),))])[1][0].members[0].person == "eli"


def test_a_bad_change_or_a_bad_booking_writes_neither(tiny_store):
    before = dump(tiny_store)
    with pytest.raises(ValidationError):  # an unknown project in the changes
        tiny_store.apply_and_book(ChangeSet().add(Membership("dee", "p-none", "lead", 0.2, Q2.start, Q2.end)),
                                  [booking(members=(("eli", 0.2),))])
    with pytest.raises(ValidationError) as e:  # an unknown person in the booking, after a good change
        tiny_store.apply_and_book(ChangeSet().add(HIRE), [booking(members=(("nobody", 0.2),))])
    assert "members[0].id" in [p.field for p in e.value.problems]
    assert dump(tiny_store) == before
