"""Bookings: a suggested team kept as tentative or confirmed memberships (issue 9, item 2).

Plain records and the rules both stores share (no database imports here):

- a `Booking` is one team request kept as state: who booked it and when, the request as JSON,
  its window and allocation, the project it is for (if the request named one) and its people,
  each a `BookedMember` with their allocation and whether they are still booked or released;
- booking status moves tentative → confirmed, and tentative/confirmed → cancelled
  (`TRANSITIONS`); a member moves booked → released. Every change is a `BookingEvent`;
- booked members count in load as memberships (`as_memberships`): the stores add them to the
  memberships their load reads sweep (graph/load.py), so there is one load rule. Suggestions
  count confirmed bookings always and tentative ones unless TEAMGRAPH_COUNT_TENTATIVE=0;
- `conflicts` is the booking-time check: with every tentative and confirmed booking counted
  (a booking reserves capacity whatever suggestions are told to count), a new member must fit
  under their capacity in every week of the window, else the booking is refused, naming them
  and the weeks. Stores run it inside the write transaction that writes the booking, after
  taking the store's write lock, so of two concurrent bookings of one person exactly one wins.
  A portfolio is booked as several bookings in one transaction (`batch_conflicts`: each also
  counts the batch's earlier ones), all or nothing; a conflict names the request too;
- `allow_overload` (HR/admin, checked by the engine) books over capacity anyway; the first
  audit event then says who was booked over capacity and in how many weeks (`overload_detail`);
- forgetting a person (`forget_in_booking`): their member rows go, and every mention of them in
  a booking's stored request (an id in include/exclude, their id, name or e-mail in any text)
  and in its audit notes is removed or replaced by FORGOTTEN.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from teamgraph.errors import ConflictError, FieldProblem, ValidationError
from teamgraph.graph.load import calendar_pieces, ratio, weeks_of
from teamgraph.graph.model import Membership, Person, Window
from teamgraph.matching.request_fields import ALLOCATION  # one bound for requests and bookings

BOOKING_STATUSES: tuple[str, ...] = ("tentative", "confirmed", "cancelled")
MEMBER_STATUSES: tuple[str, ...] = ("booked", "released")
LIVE: tuple[str, ...] = ("tentative", "confirmed")  # bookings that hold capacity
ACTIONS: tuple[str, ...] = ("booked", "confirmed", "released", "cancelled")
# action -> (booking statuses it applies to, the status after)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "confirm": (("tentative",), "confirmed"),
    "cancel": (("tentative", "confirmed"), "cancelled"),
    "release": (("tentative", "confirmed"), None),  # one member; the booking keeps its status
}
PAST_TENSE = {"confirm": "confirmed", "cancel": "cancelled", "release": "released"}
EPS = 1e-6
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class BookedMember:
    person: str
    allocation: float
    status: str = "booked"  # booked | released


@dataclass(frozen=True)
class Booking:
    id: str
    status: str  # tentative | confirmed | cancelled
    window: Window
    allocation: float  # the request's default allocation
    request: Mapping = field(default_factory=dict, hash=False)  # the team request as JSON
    members: tuple[BookedMember, ...] = ()
    project: str | None = None
    name: str = ""
    booked_by: str | None = None  # person id of who booked (None: an account without a person)
    booked_role: str = ""
    booked_at: str = ""  # ISO 8601 UTC
    updated_at: str = ""

    def request_json(self) -> str:
        """The request as both stores keep it: JSON text, keys sorted, dates as ISO strings."""
        return json.dumps(dict(self.request), ensure_ascii=False, sort_keys=True, default=str)

    def member(self, person: str) -> BookedMember | None:
        return next((m for m in self.members if m.person == person), None)

    def to_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "name": self.name, "project": self.project,
                "window": {"start": self.window.start.isoformat(), "end": self.window.end.isoformat()},
                "allocation": self.allocation, "booked_by": self.booked_by, "booked_role": self.booked_role,
                "booked_at": self.booked_at, "updated_at": self.updated_at, "request": dict(self.request),
                "members": [{"id": m.person, "allocation": m.allocation, "status": m.status} for m in self.members]}


@dataclass(frozen=True)
class BookingEvent:
    """One audited change: `action` (booked | confirmed | released | cancelled) by `by` at `at`."""

    booking: str
    seq: int
    at: str
    action: str
    by: str | None = None
    role: str = ""
    person: str | None = None  # the member released (release only)
    detail: str = ""

    def to_dict(self) -> dict:
        return {"booking": self.booking, "seq": self.seq, "at": self.at, "action": self.action, "by": self.by,
                "role": self.role, "person": self.person, "detail": self.detail}


@dataclass
class Conflict:
    person: str
    name: str
    weeks: list[date]
    request: str | None = None  # the booking's name, when several are booked at once
    booking: str | None = field(default=None, repr=False, compare=False)  # its id (not shown: never written)

    def to_dict(self) -> dict:
        return {"person": self.person, "name": self.name, "weeks": [w.isoformat() for w in self.weeks],
                "request": self.request}

    def words(self) -> str:
        shown = ", ".join(w.isoformat() for w in self.weeks[:8]) + (
            f" and {len(self.weeks) - 8} more" if len(self.weeks) > 8 else "")
        where = f" for {self.request!r}" if self.request else ""
        return f"{self.name} would be over capacity{where} in {len(self.weeks)} week(s), the weeks of {shown}"


class BookingConflict(ConflictError):
    """The booking would put people over capacity (someone else booked them meanwhile): HTTP 409."""

    code = "booking_conflict"

    def __init__(self, conflicts: Sequence[Conflict]):
        self.conflicts = list(conflicts)
        super().__init__("cannot book: " + "; ".join(c.words() for c in self.conflicts)
                         + ". They were booked or staffed elsewhere since; nothing was written")

    def to_dict(self) -> dict:
        return {**super().to_dict(), "conflicts": [c.to_dict() for c in self.conflicts]}


class BookingStateError(ConflictError):
    """A change that the booking's status does not allow (confirm a cancelled booking): HTTP 409."""

    code = "booking_state"


def validate_booking(b: Booking) -> None:
    """Shape rules checked before any store work; ValidationError names each field."""
    problems = []
    if not isinstance(b.id, str) or not ID_PATTERN.match(b.id):
        problems.append(FieldProblem("a booking id is 1-64 letters, digits, '.', '_' or '-'", field="id"))
    if b.status not in LIVE:
        problems.append(FieldProblem(f"a new booking is 'tentative' or 'confirmed', not {b.status!r}",
                                     field="status"))
    if b.window.start > b.window.end:
        problems.append(FieldProblem("the window ends before it starts", field="request.window"))
    if not b.members:
        problems.append(FieldProblem("a booking needs at least one person", field="members"))
    problems += member_problems(b.members)
    if problems:
        raise ValidationError(problems, "invalid booking; nothing was written")


def member_problems(members: Sequence[BookedMember]) -> list[FieldProblem]:
    """A team as a booking takes it (a new booking, a heatmap's plan): each person once, an
    allocation within the request's bounds, status 'booked'."""
    problems, seen = [], set()
    for k, m in enumerate(members):
        if m.person in seen:
            problems.append(FieldProblem(f"{m.person!r} is listed twice", field=f"members[{k}]"))
        seen.add(m.person)
        if (not isinstance(m.allocation, (int, float)) or isinstance(m.allocation, bool)
                or not ALLOCATION[0] <= m.allocation <= ALLOCATION[1]):
            problems.append(FieldProblem(f"an allocation is a share of a full-time week from {ALLOCATION[0]:g} "
                                         f"to {ALLOCATION[1]:g}", field=f"members[{k}].allocation"))
        if m.status != "booked":
            problems.append(FieldProblem("a new booking's members are 'booked'", field=f"members[{k}].status"))
    return problems


def check_people(b: Booking, people: Mapping[str, Person], project_exists: bool) -> None:
    """References of a new booking, checked in the write transaction (people and project exist,
    people are active)."""
    problems = []
    for k, m in enumerate(b.members):
        p = people.get(m.person)
        if p is None:
            problems.append(FieldProblem(f"unknown person {m.person!r}", field=f"members[{k}].id"))
        elif p.status != "active":
            problems.append(FieldProblem(f"{p.name} has left ({p.status}) and cannot be booked",
                                         field=f"members[{k}].id"))
    if b.project is not None and not project_exists:
        problems.append(FieldProblem(f"unknown project {b.project!r}", field="request.project"))
    if problems:
        raise ValidationError(problems, "cannot book; nothing was written")


def as_memberships(bookings: Iterable[Booking], statuses: Iterable[str] = LIVE) -> list[Membership]:
    """Booked members of bookings in `statuses` as memberships over the booking's window (what load counts)."""
    wanted = set(statuses)
    return [Membership(m.person, b.project or b.id, f"booked ({b.status}, {b.id})", m.allocation,
                       b.window.start, b.window.end)
            for b in bookings if b.status in wanted for m in b.members if m.status == "booked"]


def counted_statuses(count_tentative: bool) -> tuple[str, ...]:
    """The booking statuses a suggestion's load counts (TEAMGRAPH_COUNT_TENTATIVE)."""
    return LIVE if count_tentative else ("confirmed",)


def conflicts(b: Booking, people: Mapping[str, Person], memberships: Iterable[Membership],
              calendars: Mapping | None = None) -> list[Conflict]:
    """Members of `b` who would be over capacity in some week of its window, given `memberships`
    (their real memberships plus every live booking's, this one excluded) and their `calendars`
    (graph.reads.Calendar: capacity periods, time off, holidays; the time-phased load of
    graph/load.py, as suggestions count it; without one, Person.capacity throughout)."""
    from teamgraph.graph.reads import Calendar
    by_person: dict[str, list[Membership]] = {}
    for m in memberships:
        by_person.setdefault(m.person, []).append(m)
    out = []
    for m in b.members:
        p = people[m.person]
        cal = (calendars or {}).get(m.person) or Calendar(m.person, p.capacity)
        parts = calendar_pieces(by_person.get(m.person, []), b.window, cal)
        weeks = [w.start for w in weeks_of(parts, b.window, cal.capacity, m.allocation)
                 if ratio(w.load + m.allocation, w.capacity) > 1 + EPS]
        if weeks:
            out.append(Conflict(m.person, p.name, weeks))
    return out


def batch_conflicts(bookings: Sequence[Booking], people: Mapping[str, Person],
                    memberships: Iterable[Membership], calendars: Mapping | None = None) -> list[Conflict]:
    """`conflicts` of several bookings written together: each counts `memberships` (real ones and
    live bookings outside the batch) and the batch's earlier bookings; conflicts name the booking
    when there is more than one."""
    counted = list(memberships)
    out = []
    for b in bookings:
        for c in conflicts(b, people, counted, calendars):
            c.request = (b.name or b.id) if len(bookings) > 1 else None
            c.booking = b.id
            out.append(c)
        counted += as_memberships([b])
    return out


def check_batch_ids(bookings: Sequence[Booking]) -> None:
    """Bookings written together have distinct ids and at least one booking."""
    if not bookings:
        raise ValidationError(FieldProblem("nothing to book", field="requests"))
    ids = [b.id for b in bookings]
    if len(set(ids)) != len(ids):
        raise ValidationError(FieldProblem("two bookings of one batch share an id", field="id"))


def overload_detail(status: str, found: Sequence[Conflict], allowed: bool) -> str:
    """The first audit event's detail: the status, and with allow_overload who went over capacity."""
    if not allowed:
        return status
    return status + "; over capacity allowed: " + (", ".join(
        f"{c.name} in {len(c.weeks)} week(s) from {c.weeks[0].isoformat()}" for c in found) or "nobody was over")


FORGOTTEN = "(forgotten person)"  # what stored text says where it named a forgotten person


def mention_pattern(mentions: Iterable[str]):
    """A case-insensitive pattern of a forgotten person's id, name and e-mail (longest first, so
    the e-mail goes before the id inside it), or None when there is nothing to look for."""
    texts = sorted({m for m in mentions if m and m.strip()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in texts), re.IGNORECASE) if texts else None


def scrub(value, person_id: str, pattern):
    """`value` (text, list or mapping, nested) with `person_id` gone from lists and every match of
    `pattern` (a mention_pattern) replaced by FORGOTTEN."""
    if isinstance(value, str):
        return pattern.sub(FORGOTTEN, value)
    if isinstance(value, list):  # include / exclude / pins: the id itself leaves the list
        return [scrub(v, person_id, pattern) for v in value if v != person_id]
    if isinstance(value, dict):
        return {scrub(k, person_id, pattern): scrub(v, person_id, pattern) for k, v in value.items()}
    return value


def forget_in_booking(b: Booking, person_id: str, mentions: Iterable[str]) -> Booking | None:
    """The booking with the person gone from its members and every mention of them (`mentions`:
    id, name, e-mail) gone from its name and stored request; None when nothing mentions them."""
    from dataclasses import replace
    pattern = mention_pattern([person_id, *mentions])
    if pattern is None:
        return None
    members = tuple(m for m in b.members if m.person != person_id)
    request = scrub(dict(b.request), person_id, pattern)
    name = pattern.sub(FORGOTTEN, b.name)
    if members == b.members and request == dict(b.request) and name == b.name:
        return None
    return replace(b, members=members, request=request, name=name)


def forget_in_text(text: str, mentions: Iterable[str]) -> str:
    """`text` (an audit note) with every mention replaced by FORGOTTEN."""
    pattern = mention_pattern(mentions)
    return pattern.sub(FORGOTTEN, text) if pattern is not None and text else text


def transition(b: Booking, action: str, person: str | None = None) -> Booking:
    """The booking after `action` (confirm | cancel | release of `person`), or BookingStateError."""
    from dataclasses import replace
    if action not in TRANSITIONS:
        raise ValidationError(FieldProblem(f"one of {', '.join(TRANSITIONS)}, not {action!r}", field="action"))
    allowed, after = TRANSITIONS[action]
    if b.status not in allowed:
        raise BookingStateError(f"booking {b.id} is {b.status}; it cannot be {PAST_TENSE[action]}")
    if action != "release":
        return replace(b, status=after)
    m = b.member(person) if person else None
    if m is None:
        raise ValidationError(FieldProblem(f"{person!r} is not in booking {b.id}", field="person"))
    if m.status == "released":
        raise BookingStateError(f"{person} was already released from booking {b.id}")
    return replace(b, members=tuple(replace(x, status="released") if x.person == person else x for x in b.members))
