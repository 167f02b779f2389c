"""Bookings on the embedded store (mixed into SqliteStore; rules in graph/bookings.py).

Three tables: `booking` (one row per booking, the request as JSON), `booking_member` (who is
booked, at which allocation, booked or released) and `booking_event` (the audit trail, one row
per change, numbered per booking). Every write runs in the store's `_write` (BEGIN IMMEDIATE:
one writer at a time), so the capacity check and the insert see the same data and two
concurrent bookings of one person cannot both pass the check.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date

from teamgraph.graph.bookings import (
    LIVE, PAST_TENSE, BookedMember, Booking, BookingConflict, BookingEvent, as_memberships, batch_conflicts,
    check_batch_ids, check_people, counted_statuses, forget_in_booking, forget_in_text, overload_detail, transition,
    validate_booking,
)
from teamgraph.graph.integrity import check_kinds
from teamgraph.graph.model import ChangeSet, Membership, Window
from teamgraph.graph.sqlite_schema import CODECS
from teamgraph.graph.sqlite_queries import calendars_in
from teamgraph.errors import FieldProblem, NotFoundError, ValidationError

BOOKING_SCHEMA = """
CREATE TABLE IF NOT EXISTS booking (
    id TEXT PRIMARY KEY, status TEXT NOT NULL, name TEXT NOT NULL, project TEXT,
    request TEXT NOT NULL, start TEXT NOT NULL, "end" TEXT NOT NULL, allocation REAL NOT NULL,
    booked_by TEXT, booked_role TEXT NOT NULL, booked_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS booking_by_project ON booking(project);
CREATE INDEX IF NOT EXISTS booking_by_booker ON booking(booked_by);
CREATE TABLE IF NOT EXISTS booking_member (
    booking TEXT NOT NULL REFERENCES booking(id), person TEXT NOT NULL, allocation REAL NOT NULL,
    status TEXT NOT NULL, PRIMARY KEY (booking, person)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS booking_member_by_person ON booking_member(person, status);
CREATE TABLE IF NOT EXISTS booking_event (
    booking TEXT NOT NULL REFERENCES booking(id), seq INTEGER NOT NULL, at TEXT NOT NULL,
    action TEXT NOT NULL, "by" TEXT, role TEXT NOT NULL, person TEXT, detail TEXT NOT NULL,
    PRIMARY KEY (booking, seq)) WITHOUT ROWID;
"""
BOOKING_TABLES = ("booking_event", "booking_member", "booking")  # children first
_IDS = "(SELECT value FROM json_each(?))"
_COLS = 'b.id, b.status, b.name, b.project, b.request, b.start, b."end", b.allocation, b.booked_by, ' \
        'b.booked_role, b.booked_at, b.updated_at'
_LIVE_MEMBERS = f"""SELECT {_COLS}, m.person, m.allocation, m.status FROM booking_member m
JOIN booking b ON b.id = m.booking
WHERE m.person IN {_IDS} AND m.status = 'booked' AND b.status IN {_IDS}
  AND b.start <= ? AND b."end" >= ? AND b.id <> ?"""


def _booking(row, members=()) -> Booking:
    return Booking(id=row[0], status=row[1], name=row[2], project=row[3], request=json.loads(row[4]),
                   window=Window(date.fromisoformat(row[5]), date.fromisoformat(row[6])), allocation=row[7],
                   booked_by=row[8], booked_role=row[9], booked_at=row[10], updated_at=row[11],
                   members=tuple(members))


def _ids(values: Iterable[str]) -> str:
    return json.dumps(sorted(set(values)), ensure_ascii=False)


class SqliteBookings:
    """Booking ops; needs `_con`, `_guard`, `_write`, `_rows` and `count_tentative` from SqliteStore."""

    count_tentative: bool = True

    # --- reads ------------------------------------------------------------------------------
    def _booked(self, con: sqlite3.Connection, person_ids: Iterable[str], window: Window | None,
                statuses: Iterable[str], exclude: str = "") -> list[Membership]:
        start, end = (window.start, window.end) if window else (date.min, date.max)
        rows = con.execute(_LIVE_MEMBERS, (_ids(person_ids), _ids(statuses), end.isoformat(),
                                           start.isoformat(), exclude)).fetchall()
        return as_memberships(_booking(r[:12], [BookedMember(r[12], r[13], r[14])]) for r in rows)

    def booked_memberships(self, person_ids: Iterable[str], window: Window | None = None,
                           statuses: Iterable[str] | None = None) -> list[Membership]:
        with self._guard():
            return self._booked(self._con(), person_ids, window,
                                counted_statuses(self.count_tentative) if statuses is None else statuses)

    def load_memberships(self, person_ids: Iterable[str]) -> list[Membership]:
        ids = list(person_ids)
        return self.memberships_of(ids) + self.booked_memberships(ids)

    def _read_booking(self, con: sqlite3.Connection, booking_id: str) -> Booking | None:
        row = con.execute(f"SELECT {_COLS} FROM booking b WHERE b.id = ?", (booking_id,)).fetchone()
        if row is None:
            return None
        members = [BookedMember(p, a, s) for p, a, s in con.execute(
            "SELECT person, allocation, status FROM booking_member WHERE booking = ? ORDER BY person",
            (booking_id,))]
        return _booking(row, members)

    def get_booking(self, booking_id: str) -> Booking | None:
        with self._guard():
            return self._read_booking(self._con(), booking_id)

    def list_bookings(self, *, project: str | None = None, person: str | None = None,
                      booked_by: str | None = None, statuses: Iterable[str] | None = None) -> list[Booking]:
        sql = (f"SELECT b.id FROM booking b WHERE (? IS NULL OR b.project = ?) AND (? IS NULL OR b.booked_by = ?) "
               f"AND (? IS NULL OR b.status IN {_IDS}) AND (? IS NULL OR EXISTS (SELECT 1 FROM booking_member m "
               "WHERE m.booking = b.id AND m.person = ?)) ORDER BY b.booked_at DESC, b.id")
        st = None if statuses is None else _ids(statuses)
        with self._guard():
            con = self._con()
            ids = [r[0] for r in con.execute(sql, (project, project, booked_by, booked_by, st, st or "[]",
                                                   person, person))]
            return [self._read_booking(con, i) for i in ids]

    def booking_events(self, booking_id: str) -> list[BookingEvent]:
        rows = self._rows('SELECT booking, seq, at, action, "by", role, person, detail FROM booking_event '
                          "WHERE booking = ? ORDER BY seq", (booking_id,))
        return [BookingEvent(*r) for r in rows]

    # --- writes -----------------------------------------------------------------------------
    def create_booking(self, booking: Booking, *, allow_overload: bool = False) -> Booking:
        """Validate, check capacity against every live booking and membership, write the booking,
        its members and its first event — in one transaction; BookingConflict writes nothing."""
        return self.create_bookings([booking], allow_overload=allow_overload)[0]

    def create_bookings(self, bookings: Sequence[Booking], *, allow_overload: bool = False) -> list[Booking]:
        """Several bookings (a portfolio) in one transaction, all or nothing: each validated and
        checked as `create_booking` does, counting the batch's earlier ones (`batch_conflicts`).
        `allow_overload` writes them over capacity, saying so in each first event."""
        return self.apply_and_book(ChangeSet(), bookings, allow_overload=allow_overload)[1]

    def apply_and_book(self, changes: ChangeSet, bookings: Sequence[Booking], *,
                       allow_overload: bool = False) -> tuple:
        """An ingest ChangeSet and new bookings in ONE transaction, all or nothing (a what-if applied
        with its team booked, teamgraph/scenario_run.py): the changes first, then the bookings checked
        as `create_bookings` checks them, on the organisation as the changes leave it (a planned hire
        exists, a leaver's capacity is 0). Any error — a reference, a BookingConflict — writes nothing.
        Returns (the ApplyReport of both, the bookings as stored)."""
        check_kinds(changes)
        bookings = list(bookings)
        for b in bookings:
            validate_booking(b)
        check_batch_ids(bookings)

        def run(con: sqlite3.Connection):
            written, deleted, touched = self._apply_in(con, changes)
            return {**written, **self._book_in(con, bookings, allow_overload)}, deleted, touched
        report = self._write(run)
        return report, [self.get_booking(b.id) for b in bookings]

    def _book_in(self, con: sqlite3.Connection, bookings: list[Booking], allow_overload: bool) -> dict:
        """Inside a write transaction: check and write `bookings` (see create_bookings); the counts written."""
        for b in bookings:
            if con.execute("SELECT 1 FROM booking WHERE id = ?", (b.id,)).fetchone():
                raise ValidationError(FieldProblem(f"booking {b.id!r} exists", field="id"))
        ids = sorted({m.person for b in bookings for m in b.members})
        people = {p.id: p for p in map(CODECS["person"].decode, con.execute(
            f"{CODECS['person'].select_sql} WHERE t.id IN {_IDS}", (_ids(ids),)))}
        for b in bookings:
            project_ok = b.project is None or con.execute(
                "SELECT 1 FROM project WHERE id = ?", (b.project,)).fetchone() is not None
            check_people(b, people, project_ok)
        w = Window(min(b.window.start for b in bookings), max(b.window.end for b in bookings))
        real = [CODECS["membership"].decode(r) for r in con.execute(
            f"{CODECS['membership'].select_sql} WHERE t.person IN {_IDS} AND (t.start IS NULL OR t.start <= ?) "
            'AND (t."end" IS NULL OR t."end" >= ?)', (_ids(ids), w.end.isoformat(), w.start.isoformat()))]
        found = batch_conflicts(bookings, people, real + self._booked(con, ids, w, LIVE), calendars_in(con, ids, w))
        if found and not allow_overload:
            raise BookingConflict(found)
        for b in bookings:
            self._insert(con, b)
            mine = [c for c in found if c.booking == b.id]
            self._event(con, b.id, b.booked_at, "booked", b.booked_by, b.booked_role, None,
                        overload_detail(b.status, mine, allow_overload))
        return {"booking": len(bookings), "booking_member": sum(len(b.members) for b in bookings)}

    def copy_bookings(self, bookings: Iterable[Booking]) -> None:
        """Write bookings exactly as given — status, members booked or released — in one transaction,
        without the capacity check or an audit event: a copy of another store's bookings for a what-if
        overlay (teamgraph/scenario_run.py), which counts their load as the original store does."""
        rows = list(bookings)

        def run(con: sqlite3.Connection):
            for b in rows:
                self._insert(con, b)
            return ({"booking": len(rows)} if rows else {}), {}, {}
        self._write(run)

    @staticmethod
    def _insert(con: sqlite3.Connection, booking: Booking) -> None:
        w = booking.window
        con.execute("INSERT INTO booking VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
            booking.id, booking.status, booking.name, booking.project,
            booking.request_json(),
            w.start.isoformat(), w.end.isoformat(), booking.allocation, booking.booked_by,
            booking.booked_role, booking.booked_at, booking.updated_at or booking.booked_at))
        con.executemany("INSERT INTO booking_member VALUES (?, ?, ?, ?)",
                        [(booking.id, m.person, m.allocation, m.status) for m in booking.members])

    def change_booking(self, booking_id: str, action: str, *, at: str, by: str | None, role: str,
                       person: str | None = None, note: str = "") -> Booking:
        """confirm | cancel | release `person`, with its event, in one transaction."""
        def run(con: sqlite3.Connection):
            before = self._read_booking(con, booking_id)
            if before is None:
                raise NotFoundError("booking", booking_id)
            after = transition(before, action, person)
            if action == "release":
                con.execute("UPDATE booking_member SET status = 'released' WHERE booking = ? AND person = ?",
                            (booking_id, person))
            con.execute("UPDATE booking SET status = ?, updated_at = ? WHERE id = ?", (after.status, at, booking_id))
            self._event(con, booking_id, at, PAST_TENSE[action], by, role, person, note)
            return {"booking": 1}, {}, {}
        self._write(run)
        return self.get_booking(booking_id)

    def _forget_in_bookings(self, con: sqlite3.Connection, person_id: str, mentions) -> None:
        """Inside forget_person's transaction: no booking keeps the person — not as a member, not
        in its stored request or name, not in an audit note (graph/bookings.forget_in_booking)."""
        mentions = (person_id, *mentions)
        for (bid,) in con.execute("SELECT id FROM booking").fetchall():
            after = forget_in_booking(self._read_booking(con, bid), person_id, mentions)
            if after is not None:
                con.execute("UPDATE booking SET name = ?, request = ? WHERE id = ?",
                            (after.name, after.request_json(), bid))
                con.execute("DELETE FROM booking_member WHERE booking = ? AND person = ?", (bid, person_id))
        for bid, seq, detail in con.execute("SELECT booking, seq, detail FROM booking_event").fetchall():
            scrubbed = forget_in_text(detail, mentions)
            if scrubbed != detail:
                con.execute("UPDATE booking_event SET detail = ? WHERE booking = ? AND seq = ?", (scrubbed, bid, seq))

    def _event(self, con, booking_id, at, action, by, role, person, detail) -> None:
        seq = con.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM booking_event WHERE booking = ?",
                          (booking_id,)).fetchone()[0]
        con.execute("INSERT INTO booking_event VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (booking_id, seq, at, action, by, role, person, detail))

