"""Bookings on Neo4j (mixed into Neo4jStore; rules in graph/bookings.py, Cypher in
graph/cypher_bookings.py). Same semantics as graph/sqlite_bookings.py, pinned by
tests/contract/test_store_bookings.py. Every write is one `_write` transaction, which first
takes the store's write lock (the Meta node), so the capacity check and the write see the same
data and two concurrent bookings of one person cannot both pass the check.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date

from teamgraph.graph import cypher_bookings as q
from teamgraph.graph import cypher_reads as qr
from teamgraph.graph.bookings import (
    LIVE, PAST_TENSE, BookedMember, Booking, BookingConflict, BookingEvent, as_memberships, batch_conflicts,
    check_batch_ids, check_people, counted_statuses, forget_in_booking, forget_in_text, overload_detail, transition,
    validate_booking,
)
from teamgraph.graph.integrity import check_kinds
from teamgraph.graph.model import ChangeSet, Membership, Window
from teamgraph.graph.neo4j_codec import as_date, decode
from teamgraph.graph.neo4j_reads import calendars_in
from teamgraph.errors import FieldProblem, NotFoundError, ValidationError


def _booking(b: dict, members: Iterable[dict]) -> Booking:
    return Booking(id=b["id"], status=b["status"], name=b.get("name", ""), project=b.get("project"),
                   request=json.loads(b["request"]), window=Window(as_date(b["start"]), as_date(b["end"])),
                   allocation=float(b["allocation"]), booked_by=b.get("booked_by"),
                   booked_role=b.get("booked_role", ""), booked_at=b["booked_at"],
                   updated_at=b.get("updated_at", ""),
                   members=tuple(sorted((BookedMember(m["person"], float(m["allocation"]), m["status"])
                                         for m in members if m), key=lambda m: m.person)))


def listed(rows) -> list[Booking]:
    """Rows of q.LIST as bookings, newest first, then by id (both stores' order)."""
    out = [_booking(r["b"], r["members"]) for r in rows]
    out.sort(key=lambda b: b.id)
    out.sort(key=lambda b: b.booked_at, reverse=True)
    return out


class Neo4jBookings:
    """Booking ops; needs `_read`, `_write`, `memberships_of` and `count_tentative` from Neo4jStore."""

    count_tentative: bool = True

    # --- reads --------------------------------------------------------------------------------
    @staticmethod
    def _booked_rows(run, person_ids, window: Window | None, statuses, exclude: str = "") -> list[Membership]:
        start, end = (window.start, window.end) if window else (date.min, date.max)
        rows = run(q.LIVE_MEMBERS, ids=sorted(set(person_ids)), statuses=list(statuses), start=start, end=end,
                   exclude=exclude)
        return as_memberships(_booking(r["b"], r["members"]) for r in rows)

    def booked_memberships(self, person_ids: Iterable[str], window: Window | None = None,
                           statuses: Iterable[str] | None = None) -> list[Membership]:
        return self._booked_rows(self._read, person_ids, window,
                                 counted_statuses(self.count_tentative) if statuses is None else statuses)

    def load_memberships(self, person_ids: Iterable[str]) -> list[Membership]:
        ids = list(person_ids)
        return self.memberships_of(ids) + self.booked_memberships(ids)

    def get_booking(self, booking_id: str) -> Booking | None:
        rows = self._read(q.GET, id=booking_id)
        return _booking(rows[0]["b"], rows[0]["members"]) if rows else None

    def list_bookings(self, *, project: str | None = None, person: str | None = None,
                      booked_by: str | None = None, statuses: Iterable[str] | None = None) -> list[Booking]:
        return listed(self._read(q.LIST, project=project, person=person, booked_by=booked_by,
                                 statuses=None if statuses is None else list(statuses)))

    def booking_events(self, booking_id: str) -> list[BookingEvent]:
        return [BookingEvent(e["booking"], e["seq"], e["at"], e["action"], e.get("by"), e.get("role", ""),
                             e.get("person"), e.get("detail", ""))
                for e in (r["e"] for r in self._read(q.EVENTS, id=booking_id))]

    # --- writes -------------------------------------------------------------------------------
    def create_booking(self, booking: Booking, *, allow_overload: bool = False) -> Booking:
        """See graph/sqlite_bookings.py: validate, check capacity, write — one transaction."""
        return self.create_bookings([booking], allow_overload=allow_overload)[0]

    def create_bookings(self, bookings: Sequence[Booking], *, allow_overload: bool = False) -> list[Booking]:
        """See graph/sqlite_bookings.py: several bookings in one transaction, all or nothing."""
        return self.apply_and_book(ChangeSet(), bookings, allow_overload=allow_overload)[1]

    def apply_and_book(self, changes: ChangeSet, bookings: Sequence[Booking], *,
                       allow_overload: bool = False) -> tuple:
        """See graph/sqlite_bookings.py: an ingest ChangeSet, then new bookings checked on the
        organisation as it leaves it, in ONE write transaction; any error writes nothing."""
        check_kinds(changes)
        bookings = list(bookings)
        for b in bookings:
            validate_booking(b)
        check_batch_ids(bookings)

        def body(tx):
            written, deleted, touched = self._apply_in(tx, changes)
            return {**written, **self._book_in(tx, bookings, allow_overload)}, deleted, touched
        report = self._write(body)
        return report, [self.get_booking(b.id) for b in bookings]

    def _book_in(self, tx, bookings: list[Booking], allow_overload: bool) -> dict:
        """Inside a write transaction: check and write `bookings` (see create_bookings); the counts written."""
        def run(query, **params):
            return list(tx.run(query, params))
        for b in bookings:
            if run(q.EXISTS, id=b.id)[0]["found"]:
                raise ValidationError(FieldProblem(f"booking {b.id!r} exists", field="id"))
        ids = sorted({m.person for b in bookings for m in b.members})
        people = {p.id: p for p in (decode("person", r["row"]) for r in run(qr.PEOPLE_BY_IDS, ids=ids))}
        for b in bookings:
            check_people(b, people, b.project is None or run(q.PROJECT_EXISTS, id=b.project)[0]["found"])
        w = Window(min(b.window.start for b in bookings), max(b.window.end for b in bookings))
        real = [decode("membership", r["row"])
                for r in run(qr.MEMBERSHIPS_IN_WINDOW, ids=ids, start=w.start, end=w.end)]
        found = batch_conflicts(bookings, people, real + self._booked_rows(run, ids, w, LIVE), calendars_in(run, ids, w))
        if found and not allow_overload:
            raise BookingConflict(found)
        for b in bookings:
            props = {"id": b.id, "status": b.status, "name": b.name, "project": b.project,
                     "request": b.request_json(), "start": b.window.start, "end": b.window.end,
                     "allocation": float(b.allocation), "booked_by": b.booked_by, "booked_role": b.booked_role,
                     "booked_at": b.booked_at, "updated_at": b.updated_at or b.booked_at}
            run(q.CREATE, props={k: v for k, v in props.items() if v is not None},
                members=[{"person": m.person, "allocation": float(m.allocation), "status": m.status}
                         for m in b.members])
            self._event(run, b.id, b.booked_at, "booked", b.booked_by, b.booked_role, None,
                        overload_detail(b.status, [c for c in found if c.booking == b.id], allow_overload))
        return {"booking": len(bookings), "booking_member": sum(len(b.members) for b in bookings)}

    @staticmethod
    def forget_in_bookings(run, person_id: str, mentions) -> None:
        """Inside forget_person's transaction (before the person's BOOKED relationships go with
        the node): no booking's stored request, name or audit note keeps a mention of them."""
        mentions = (person_id, *mentions)
        for r in run(q.ALL):
            after = forget_in_booking(_booking(r["b"], r["members"]), person_id, mentions)
            if after is not None:
                run(q.SET_REQUEST, id=after.id, name=after.name, request=after.request_json())
        for r in run(q.ALL_EVENT_DETAILS):
            scrubbed = forget_in_text(r["detail"], mentions)
            if scrubbed != r["detail"]:
                run(q.SET_EVENT_DETAIL, booking=r["booking"], seq=r["seq"], detail=scrubbed)

    def change_booking(self, booking_id: str, action: str, *, at: str, by: str | None, role: str,
                       person: str | None = None, note: str = "") -> Booking:
        def body(tx):
            def run(query, **params):
                return list(tx.run(query, params))
            rows = run(q.GET, id=booking_id)
            if not rows:
                raise NotFoundError("booking", booking_id)
            after = transition(_booking(rows[0]["b"], rows[0]["members"]), action, person)
            if action == "release":
                run(q.RELEASE, id=booking_id, person=person)
            run(q.SET_STATUS, id=booking_id, status=after.status, at=at)
            self._event(run, booking_id, at, PAST_TENSE[action], by, role, person, note)
            return {"booking": 1}, {}, {}
        self._write(body)
        return self.get_booking(booking_id)

    @staticmethod
    def _event(run, booking_id, at, action, by, role, person, detail) -> None:
        seq = run(q.NEXT_SEQ, id=booking_id)[0]["seq"]
        props = {"booking": booking_id, "seq": seq, "at": at, "action": action, "by": by, "role": role,
                 "person": person, "detail": detail}
        run(q.EVENT, props={k: v for k, v in props.items() if v is not None})
