"""Bookings on every store (graph/bookings.py): write, read, load, conflicts, concurrency, audit."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from teamgraph.errors import NotFoundError, ValidationError
from teamgraph.graph.bookings import BookedMember, Booking, BookingConflict, BookingStateError
from teamgraph.graph.model import SYSTEM, Window

Q2 = Window(date(2026, 4, 6), date(2026, 6, 28))  # 12 whole weeks, Monday to Sunday
AT = "2026-03-01T09:00:00Z"


def booking(ident="bk-1", members=(("dee", 0.6),), status="tentative", window=Q2, project="p-new", by="fay"):
    return Booking(id=ident, status=status, window=window, allocation=0.5, project=project, name="Pricing team",
                   request={"name": "Pricing team", "window": {"start": window.start.isoformat(),
                                                               "end": window.end.isoformat()}},
                   members=tuple(BookedMember(p, a) for p, a in members), booked_by=by, booked_role="sponsor",
                   booked_at=AT)


def load_of(store, person, window=Q2):
    return {c.person.id: c.load for c in store.candidates([], window, include=[person])}[person]


def test_a_booking_round_trips_with_its_first_event(tiny_store):
    rev = tiny_store.revision()
    made = tiny_store.create_booking(booking(members=(("eli", 0.5), ("dee", 0.6))))
    assert made == tiny_store.get_booking("bk-1")
    assert made.status == "tentative" and made.project == "p-new" and made.booked_by == "fay"
    assert [(m.person, m.allocation, m.status) for m in made.members] == [("dee", 0.6, "booked"),
                                                                            ("eli", 0.5, "booked")]
    assert made.window == Q2 and made.request["name"] == "Pricing team" and made.booked_at == AT
    assert tiny_store.revision() > rev
    [event] = tiny_store.booking_events("bk-1")
    assert (event.seq, event.action, event.by, event.role, event.at, event.detail) == (
        1, "booked", "fay", "sponsor", AT, "tentative")
    assert tiny_store.get_booking("nope") is None and tiny_store.booking_events("nope") == []


def test_list_filters_and_order(tiny_store):
    tiny_store.create_booking(booking("bk-a", members=(("dee", 0.2),)))
    tiny_store.create_booking(Booking(**{**booking("bk-b", members=(("eli", 0.2),), project=None,
                                                   by="ana").__dict__, "booked_at": "2026-03-02T09:00:00Z"}))
    assert [b.id for b in tiny_store.list_bookings()] == ["bk-b", "bk-a"]  # newest first
    assert [b.id for b in tiny_store.list_bookings(project="p-new")] == ["bk-a"]
    assert [b.id for b in tiny_store.list_bookings(person="eli")] == ["bk-b"]
    assert [b.id for b in tiny_store.list_bookings(booked_by="fay")] == ["bk-a"]
    assert [b.id for b in tiny_store.list_bookings(statuses=["confirmed"])] == []


def test_booked_people_are_busy_in_every_load_read(tiny_store):
    assert load_of(tiny_store, "dee") == 0.0
    tiny_store.create_booking(booking(members=(("dee", 0.6),)))
    assert load_of(tiny_store, "dee") == 0.6
    assert tiny_store.person_profile("dee", Q2, SYSTEM).load == 0.6
    assert [m.project for m, _ in tiny_store.person_profile("dee", Q2, SYSTEM).memberships] == ["p-wms"]
    assert [(m.project, m.allocation) for m in tiny_store.load_memberships(["dee"])] == [("p-wms", 0.6),
                                                                                         ("p-new", 0.6)]
    assert tiny_store.memberships_of(["dee"])[-1].project == "p-wms"  # real memberships unchanged
    # outside the booking's window nothing changes
    assert load_of(tiny_store, "dee", Window(date(2026, 7, 1), date(2026, 7, 31))) == 0.0


def test_tentative_bookings_can_be_left_out_of_load(tiny_store):
    tiny_store.create_booking(booking("bk-t", members=(("dee", 0.6),)))
    tiny_store.create_booking(booking("bk-c", members=(("dee", 0.3),), status="confirmed"))
    assert load_of(tiny_store, "dee") == 0.9
    tiny_store.count_tentative = False
    try:
        assert load_of(tiny_store, "dee") == 0.3
        assert tiny_store.person_profile("dee", Q2, SYSTEM).load == 0.3
        assert [m.allocation for m in tiny_store.load_memberships(["dee"]) if m.project == "p-new"] == [0.3]
    finally:
        tiny_store.count_tentative = True


def test_a_conflict_names_person_and_weeks_and_writes_nothing(tiny_store):
    tiny_store.create_booking(booking("bk-1", members=(("dee", 0.6),), window=Window(date(2026, 5, 4), Q2.end)))
    rev = tiny_store.revision()
    with pytest.raises(BookingConflict) as e:
        tiny_store.create_booking(booking("bk-2", members=(("eli", 0.5), ("dee", 0.6))))
    [c] = e.value.conflicts
    assert c.name == "Dee Okafor" and c.weeks[0] == date(2026, 5, 4) and len(c.weeks) == 8
    assert "Dee Okafor" in str(e.value) and "2026-05-04" in str(e.value)
    assert e.value.http_status == 409 and e.value.to_dict()["conflicts"][0]["person"] == "dee"
    assert tiny_store.get_booking("bk-2") is None and tiny_store.booking_events("bk-2") == []
    assert load_of(tiny_store, "eli") == 0.0 and tiny_store.revision() == rev
    # what is left of her week still fits: exactly to capacity
    assert tiny_store.create_booking(booking("bk-3", members=(("dee", 0.4),))).status == "tentative"


def test_real_memberships_count_in_the_check(tiny_store):
    # ana: 0.7 on p-plat until June 30 (and 0.2 on p-hire until February 28)
    with pytest.raises(BookingConflict) as e:
        tiny_store.create_booking(booking(members=(("ana", 0.5),)))
    assert e.value.conflicts[0].name == "Ana Lima" and len(e.value.conflicts[0].weeks) == 12
    assert tiny_store.create_booking(booking(members=(("ana", 0.3),))).members[0].person == "ana"


@pytest.mark.parametrize("bad, field", [
    (booking(members=(("nobody", 0.5),)), "members[0].id"),
    (booking(members=(("jon", 0.5),)), "members[0].id"),  # a leaver
    (booking(project="p-none"), "request.project"),
    (booking(members=(("dee", 0.0),)), "members[0].allocation"),
    (booking(members=(("dee", 1.5),)), "members[0].allocation"),
    (booking(members=()), "members"),
    (booking(members=(("dee", 0.2), ("dee", 0.2))), "members[1]"),
    (booking(status="cancelled"), "status"),
    (booking(ident="has space"), "id"),
])
def test_invalid_bookings_name_the_field_and_write_nothing(tiny_store, bad, field):
    rev = tiny_store.revision()
    with pytest.raises(ValidationError) as e:
        tiny_store.create_booking(bad)
    assert field in [p.field for p in e.value.problems]
    assert tiny_store.list_bookings() == [] and tiny_store.revision() == rev


def test_a_booking_id_is_used_once(tiny_store):
    tiny_store.create_booking(booking(members=(("dee", 0.2),)))
    with pytest.raises(ValidationError):
        tiny_store.create_booking(booking(members=(("eli", 0.2),)))
    assert [m.person for m in tiny_store.get_booking("bk-1").members] == ["dee"]


def test_confirm_release_cancel_are_audited(tiny_store):
    tiny_store.create_booking(booking(members=(("dee", 0.6), ("eli", 0.5))))
    b = tiny_store.change_booking("bk-1", "confirm", at="2026-03-02T10:00:00Z", by="ivy", role="hr")
    assert b.status == "confirmed" and b.updated_at == "2026-03-02T10:00:00Z"
    with pytest.raises(BookingStateError):
        tiny_store.change_booking("bk-1", "confirm", at=AT, by="ivy", role="hr")
    b = tiny_store.change_booking("bk-1", "release", at="2026-03-03T10:00:00Z", by="fay", role="sponsor",
                                  person="eli", note="needed elsewhere")
    assert {m.person: m.status for m in b.members} == {"dee": "booked", "eli": "released"}
    assert load_of(tiny_store, "eli") == 0.0 and load_of(tiny_store, "dee") == 0.6
    with pytest.raises(BookingStateError):
        tiny_store.change_booking("bk-1", "release", at=AT, by="fay", role="sponsor", person="eli")
    with pytest.raises(ValidationError):
        tiny_store.change_booking("bk-1", "release", at=AT, by="fay", role="sponsor", person="ana")
    b = tiny_store.change_booking("bk-1", "cancel", at="2026-03-04T10:00:00Z", by="fay", role="sponsor")
    assert b.status == "cancelled" and load_of(tiny_store, "dee") == 0.0
    with pytest.raises(BookingStateError):
        tiny_store.change_booking("bk-1", "confirm", at=AT, by="ivy", role="hr")
    with pytest.raises(NotFoundError):
        tiny_store.change_booking("nope", "cancel", at=AT, by="ivy", role="hr")
    trail = [(e.seq, e.action, e.by, e.role, e.person, e.detail) for e in tiny_store.booking_events("bk-1")]
    assert trail == [(1, "booked", "fay", "sponsor", None, "tentative"),
                     (2, "confirmed", "ivy", "hr", None, ""),
                     (3, "released", "fay", "sponsor", "eli", "needed elsewhere"),
                     (4, "cancelled", "fay", "sponsor", None, "")]
    # a cancelled booking frees the capacity for someone else
    assert tiny_store.create_booking(booking("bk-2", members=(("dee", 1.0),))).status == "tentative"


def test_two_concurrent_bookings_of_one_person_exactly_one_wins(tiny_store):
    """Each round two threads (two connections / two driver sessions) book Dee at 0.6 at once."""
    for rnd in range(4):
        barrier = threading.Barrier(2)
        outcome: dict[str, object] = {}

        def book(ident, rnd=rnd, barrier=barrier, outcome=outcome):
            barrier.wait()
            try:
                outcome[ident] = tiny_store.create_booking(
                    booking(ident, members=(("eli", 0.4), ("dee", 0.6)) if ident.endswith("a")
                            else (("dee", 0.6), ("gus", 0.3))))
            except BookingConflict as refused:
                outcome[ident] = refused
        ids = [f"bk-{rnd}a", f"bk-{rnd}b"]
        threads = [threading.Thread(target=book, args=(i,)) for i in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        won = [i for i in ids if isinstance(outcome[i], Booking)]
        lost = [i for i in ids if isinstance(outcome[i], BookingConflict)]
        assert len(won) == 1 and len(lost) == 1, outcome
        assert tiny_store.get_booking(lost[0]) is None and tiny_store.booking_events(lost[0]) == []
        assert [e.action for e in tiny_store.booking_events(won[0])] == ["booked"]
        assert load_of(tiny_store, "dee") == 0.6
        others = {"eli", "gus"} & {m.person for m in tiny_store.get_booking(won[0]).members}
        loser_only = ({"eli"} if lost[0].endswith("a") else {"gus"}) - others
        assert all(load_of(tiny_store, p) == 0.0 for p in loser_only)  # nothing half-written
        tiny_store.change_booking(won[0], "cancel", at=AT, by="ivy", role="hr")


def test_forgetting_a_person_drops_their_bookings_and_mentions(tiny_store):
    tiny_store.create_booking(booking(members=(("dee", 0.6), ("eli", 0.5)), by="eli"))
    tiny_store.change_booking("bk-1", "release", at=AT, by="eli", role="sponsor", person="dee")
    tiny_store.forget_person("eli")
    b = tiny_store.get_booking("bk-1")
    assert [m.person for m in b.members] == ["dee"] and b.booked_by is None
    assert all(e.by is None for e in tiny_store.booking_events("bk-1"))
    tiny_store.forget_person("dee")
    assert tiny_store.get_booking("bk-1").members == ()
    assert all(e.person is None for e in tiny_store.booking_events("bk-1"))


def test_forgetting_a_person_leaves_nothing_of_them_in_a_bookings_request_or_notes(tiny_store):
    """Their id in the stored request's include/exclude lists, their name or e-mail in its text,
    the booking's name or an audit note: all gone (the id from lists, mentions replaced)."""
    b = booking(members=(("dee", 0.6),))
    request = {**b.request, "name": "Pricing with Eli Novak", "brief": "ask ELI@example.org first",
               "include": ["dee"], "exclude": ["eli", "gus"]}
    tiny_store.create_booking(Booking(**{**b.__dict__, "request": request, "name": "Pricing with Eli Novak"}))
    tiny_store.change_booking("bk-1", "confirm", at=AT, by="ivy", role="hr", note="Eli Novak agreed")
    tiny_store.forget_person("eli")
    kept = tiny_store.get_booking("bk-1")
    assert kept.request["exclude"] == ["gus"] and kept.request["include"] == ["dee"]
    assert kept.request["name"] == kept.name == "Pricing with (forgotten person)"
    assert kept.request["brief"] == "ask (forgotten person) first"
    assert [e.detail for e in tiny_store.booking_events("bk-1")] == ["tentative", "(forgotten person) agreed"]
    text = repr((kept, tiny_store.booking_events("bk-1"))).lower()
    assert "novak" not in text and "eli@" not in text and "'eli'" not in text


def test_a_portfolio_is_booked_all_or_nothing(tiny_store):
    rev = tiny_store.revision()
    first = booking("bk-p1", members=(("dee", 0.6), ("eli", 0.5)))
    second = Booking(**{**booking("bk-p2", members=(("gus", 0.3), ("dee", 0.6))).__dict__, "name": "Audit team"})
    with pytest.raises(BookingConflict) as refused:  # Dee at 0.6 twice over the same weeks
        tiny_store.create_bookings([first, second])
    (c,) = refused.value.conflicts
    assert (c.person, c.request, len(c.weeks)) == ("dee", "Audit team", 12)
    assert "Dee Okafor would be over capacity for 'Audit team' in 12 week(s)" in str(refused.value)
    assert refused.value.to_dict()["conflicts"][0]["request"] == "Audit team"
    assert tiny_store.get_booking("bk-p1") is None and tiny_store.get_booking("bk-p2") is None
    assert tiny_store.revision() == rev and load_of(tiny_store, "eli") == 0.0  # nothing half-written
    second = Booking(**{**second.__dict__, "members": (BookedMember("gus", 0.3), BookedMember("dee", 0.4))})
    made = tiny_store.create_bookings([first, second])
    assert [b.id for b in made] == ["bk-p1", "bk-p2"] and load_of(tiny_store, "dee") == 1.0
    assert [e.detail for e in tiny_store.booking_events("bk-p2")] == ["tentative"]
    with pytest.raises(ValidationError):
        tiny_store.create_bookings([booking("bk-p3"), booking("bk-p3")])


def test_two_concurrent_portfolio_bookings_of_one_person_exactly_one_wins(tiny_store):
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def book(tag):
        barrier.wait()
        try:
            outcome[tag] = tiny_store.create_bookings([booking(f"bk-{tag}1", members=((f"{'eli' if tag == 'a' else 'gus'}",
                                                                                        0.3),)),
                                                       booking(f"bk-{tag}2", members=(("dee", 0.6),))])
        except BookingConflict as refused:
            outcome[tag] = refused
    threads = [threading.Thread(target=book, args=(t,)) for t in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    won = [t for t in "ab" if isinstance(outcome[t], list)]
    lost = [t for t in "ab" if isinstance(outcome[t], BookingConflict)]
    assert len(won) == 1 and len(lost) == 1, outcome
    assert tiny_store.get_booking(f"bk-{lost[0]}1") is None and tiny_store.get_booking(f"bk-{lost[0]}2") is None
    assert load_of(tiny_store, "dee") == 0.6 and load_of(tiny_store, "eli" if lost[0] == "a" else "gus") == 0.0


def test_an_allowed_overload_is_written_and_said_in_the_audit_event(tiny_store):
    tiny_store.create_booking(booking("bk-1", members=(("dee", 0.6),)))
    with pytest.raises(BookingConflict):
        tiny_store.create_booking(booking("bk-2", members=(("dee", 0.6),)))
    made = tiny_store.create_booking(booking("bk-2", members=(("dee", 0.6),)), allow_overload=True)
    assert made.status == "tentative" and load_of(tiny_store, "dee") == 1.2
    [event] = tiny_store.booking_events("bk-2")
    assert event.detail == "tentative; over capacity allowed: Dee Okafor in 12 week(s) from 2026-04-06"
    tiny_store.create_booking(booking("bk-3", members=(("gus", 0.2),)), allow_overload=True)
    assert [e.detail for e in tiny_store.booking_events("bk-3")] == ["tentative; over capacity allowed: nobody was over"]
