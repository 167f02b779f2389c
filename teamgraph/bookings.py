"""The engine's bookings part: keep a suggested team as a tentative or confirmed booking.

Who may do what (the API and the CLI both go through these calls, so the rules live here):
- sponsors, HR and admins book (members never do); a sponsor books their own requests only — a
  request naming a project they sponsor, or a request naming no project — and only tentatively;
  HR and admins book anything, tentative or confirmed;
- HR and admins confirm; whoever may see a booking (HR/admin, the sponsor who booked it, the
  sponsor of its project) may release a person from it or cancel it;
- a booking nobody may see answers 404, as if it did not exist;
- a portfolio's staffing is booked as one booking per request, all or nothing, each request
  checked as a single booking is (a sponsor's: all their own); a conflict for any request names
  the request, person and weeks, and nothing is written;
- over capacity (a pinned or included person the team holds only with, someone booked since):
  refused, unless HR/admin book with `allow_overload` — said in the first audit event, never
  open to sponsors.
The store validates, checks capacity and writes in one transaction (graph/bookings.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from teamgraph.core import PEOPLE_DATA, PLANNERS
from teamgraph.errors import AccessDenied, FieldProblem, NotFoundError, ValidationError
from teamgraph.graph.bookings import BOOKING_STATUSES, LIVE, TRANSITIONS, BookedMember, Booking, BookingEvent
from teamgraph.graph.model import Viewer
from teamgraph.graph.reads import ApplyReport
from teamgraph.writes import Writes

MAX_NOTE_CHARS = 500
MAX_MEMBERS = 64


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class BookingOutcome:
    booking: Booking
    suggestion: object = None  # the Suggestion booked (suggest --book), else None


@dataclass
class PortfolioBooking:
    bookings: list[Booking]  # one per request, in the portfolio's order
    staffing: object = None  # the PortfolioResult booked, when it was solved here


def staffed_teams(portfolio, staffing) -> list[list[dict]]:
    """The member lists of a staffing (PortfolioResult) to book, or ValidationError naming each
    request it leaves short (no staffing, or soft mode's unmet rules) — nothing is booked then."""
    bookable = ("optimal", "feasible", "overloaded")
    if staffing.status not in bookable:
        raise ValidationError(FieldProblem(f"no staffing to book: the portfolio is {staffing.status} "
                                           "(see `staff`)", field="portfolio"))
    problems, teams = [], []
    for k, (request, team) in enumerate(zip(portfolio.requests, staffing.teams)):
        if team.get("uncovered") or team.get("unmet") or not team.get("members"):
            problems.append(FieldProblem(f"{request.name or f'request {k + 1}'} is not fully staffed; "
                                         "nothing was booked", field=f"requests[{k}]"))
        teams.append([{"id": m["id"], "allocation": m["allocation"]} for m in team.get("members", [])])
    if problems:
        raise ValidationError(problems, "the staffing leaves requests short; nothing was booked")
    return teams


class Bookings(Writes):

    # --- who may ----------------------------------------------------------------------------
    def _may_see_booking(self, b: Booking, viewer: Viewer) -> bool:
        if viewer.role in PEOPLE_DATA:
            return True
        if viewer.role != "sponsor" or not viewer.person:
            return False
        if b.booked_by == viewer.person:
            return True
        project = self.store.get("project", b.project) if b.project else None
        return project is not None and project.sponsor == viewer.person

    def _visible_booking(self, booking_id: str, viewer: Viewer) -> Booking:
        b = self.store.get_booking(booking_id)
        if b is None or not self._may_see_booking(b, viewer):
            raise NotFoundError("booking", booking_id)
        return b

    def _check_may_book(self, request, viewer: Viewer, status: str, allow_overload: bool = False) -> None:
        if viewer.role not in PLANNERS:
            raise AccessDenied(f"the {viewer.role} role may not book teams; sponsors, HR and admins may")
        if status not in LIVE:
            raise ValidationError(FieldProblem(f"'tentative' or 'confirmed', not {status!r}", field="status"))
        if viewer.role in PEOPLE_DATA:
            return
        if allow_overload:
            raise AccessDenied("only HR and admins book people over capacity (allow_overload)")
        if status == "confirmed":
            raise AccessDenied("sponsors book tentatively; HR confirms bookings")
        if not viewer.person:
            raise AccessDenied("a sponsor books as a person: sign in with a token that names you")
        if request.project:
            project = self.store.get("project", request.project)
            if project is None:
                raise ValidationError(FieldProblem(f"unknown project {request.project!r}", field="request.project"))
            if project.sponsor != viewer.person:
                raise AccessDenied(f"sponsors book their own requests; {project.name} is sponsored by someone else")

    # --- writes -----------------------------------------------------------------------------
    def book(self, request, members, viewer: Viewer, *, status: str = "tentative",
             allow_overload: bool = False) -> Booking:
        """Book `members` ([id] or [{id, allocation}]; allocation defaults to the request's) for
        `request` (a body or a TeamRequest). BookingConflict (409) when someone is over capacity
        in some week with every live booking counted; nothing is written then. `allow_overload`
        (HR/admin only) books over capacity anyway, said in the audit trail."""
        request = self._request(request)
        self._check_may_book(request, viewer, status, allow_overload)
        made = self.store.create_booking(self._new_booking(request, members, viewer, status),
                                         allow_overload=allow_overload)
        self._booked()
        return made

    def _new_booking(self, request, members, viewer: Viewer, status: str, fld: str = "members") -> Booking:
        stamp = now()
        return Booking(id=f"bk-{secrets.token_hex(5)}", status=status, window=request.window,
                       allocation=request.allocation, request=request.to_dict(),
                       members=self._members(members, request.allocation, fld), project=request.project,
                       name=request.name, booked_by=viewer.person, booked_role=viewer.role, booked_at=stamp,
                       updated_at=stamp)

    def suggest_and_book(self, request, viewer: Viewer, *, status: str = "tentative", allow_overload: bool = False,
                         **options) -> BookingOutcome:
        """Suggest the best team (as `suggest`), then book it; an infeasible request books nothing."""
        request = self._request(request)
        self._check_may_book(request, viewer, status, allow_overload)  # before spending a solve
        result = self.suggest(request, viewer, **options)
        if result.team is None:
            raise ValidationError(FieldProblem("no team to book: the request is infeasible "
                                               "(see the diagnosis of `suggest`)", field="request"))
        members = [{"id": m["id"], "allocation": m["allocation"]} for m in result.to_dict()["team"]["members"]]
        return BookingOutcome(self.book(request, members, viewer, status=status, allow_overload=allow_overload),
                              result)

    def book_portfolio(self, portfolio, viewer: Viewer, *, teams=None, status: str = "tentative",
                       allow_overload: bool = False, **options) -> PortfolioBooking:
        """Book a portfolio's staffing (a body or a Portfolio): one booking per request, all in one
        transaction or none. `teams` (one member list per request, as `book` takes them) books a
        staffing seen before; without it the portfolio is staffed here (`options` go to `staff`).
        Every request is checked as `book` checks one; a staffing that leaves a request short
        (soft mode, infeasible) books nothing; BookingConflict names request, person and weeks."""
        if isinstance(portfolio, dict):
            portfolio = self.portfolio(portfolio)
        for k, request in enumerate(portfolio.requests):
            try:
                self._check_may_book(request, viewer, status, allow_overload)
            except AccessDenied as e:
                raise AccessDenied(f"{request.name or f'request {k + 1}'}: {e}") from e
            except ValidationError as e:
                raise ValidationError([FieldProblem(p.message, p.file, p.line,
                                                    f"requests[{k}].{(p.field or '').removeprefix('request.')}")
                                       for p in e.problems]) from e
        staffing = None
        if teams is None:
            staffing = self.staff(portfolio, viewer, **options)
            teams = staffed_teams(portfolio, staffing)
        elif not isinstance(teams, (list, tuple)) or len(teams) != len(portfolio.requests):
            raise ValidationError(FieldProblem(f"one member list per request ({len(portfolio.requests)})",
                                               field="teams"))
        made = self.store.create_bookings(
            [self._new_booking(q, t, viewer, status, f"teams[{k}]") for k, (q, t) in enumerate(zip(portfolio.requests, teams))],
            allow_overload=allow_overload)
        self._booked()
        return PortfolioBooking(made, staffing)

    def change_booking(self, booking_id: str, action: str, viewer: Viewer, *, person: str | None = None,
                       note: str = "") -> Booking:
        """confirm (HR/admin) | cancel | release `person` (a member id or name), audited."""
        if action not in TRANSITIONS:
            raise ValidationError(FieldProblem(f"one of {', '.join(TRANSITIONS)}, not {action!r}", field="action"))
        if not isinstance(note, str) or len(note) > MAX_NOTE_CHARS:
            raise ValidationError(FieldProblem(f"a note is text of at most {MAX_NOTE_CHARS} characters", field="note"))
        b = self._visible_booking(booking_id, viewer)
        if action == "confirm" and viewer.role not in PEOPLE_DATA:
            raise AccessDenied("HR confirms bookings")
        if action == "release":
            if not person:
                raise ValidationError(FieldProblem("say who to release", field="person"))
            if b.member(person) is None:
                ids = {self.person_name(m.person).casefold(): m.person for m in b.members}
                person = ids.get(person.strip().casefold(), person)
        after = self.store.change_booking(booking_id, action, at=now(), by=viewer.person, role=viewer.role,
                                          person=person, note=note.strip())
        self._booked()
        return after

    def _members(self, members, allocation: float, fld: str = "members") -> tuple[BookedMember, ...]:
        if not isinstance(members, (list, tuple)) or not members or len(members) > MAX_MEMBERS:
            raise ValidationError(FieldProblem(f"a list of 1 to {MAX_MEMBERS} people (ids, or objects with id "
                                               "and allocation)", field=fld))
        out, problems = [], []
        for k, m in enumerate(members):
            if isinstance(m, str):
                m = {"id": m}
            if not isinstance(m, dict) or not isinstance(m.get("id"), str) or not m["id"]:
                problems.append(FieldProblem("a person id, or an object with id and allocation", field=f"{fld}[{k}]"))
                continue
            a = m.get("allocation", allocation)
            if isinstance(a, bool) or not isinstance(a, (int, float)):
                problems.append(FieldProblem("a number in (0, 1]", field=f"{fld}[{k}].allocation"))
                continue
            out.append(BookedMember(m["id"], float(a)))
        if problems:
            raise ValidationError(problems, "invalid members; nothing was written")
        return tuple(out)

    def _booked(self) -> None:
        """A booking changed load: forget cached suggestions and viewers, keep the indexes current
        (nothing to re-encode; the index just moves to the new revision)."""
        self._follow(ApplyReport(written={"booking": 1}, deleted={}, touched={}, revision=self.store.revision()))

    # --- reads ------------------------------------------------------------------------------
    def booking(self, booking_id: str, viewer: Viewer) -> Booking:
        return self._visible_booking(booking_id, viewer)

    def bookings(self, viewer: Viewer, *, project: str | None = None, person: str | None = None,
                 status: str | None = None) -> list[Booking]:
        """Bookings `viewer` may see, newest first, filtered by project, member (id) and status."""
        if viewer.role not in PLANNERS:
            raise AccessDenied(f"the {viewer.role} role may not see bookings; sponsors, HR and admins may")
        if status is not None and status not in BOOKING_STATUSES:
            raise ValidationError(FieldProblem(f"one of {', '.join(BOOKING_STATUSES)}, not {status!r}", field="status"))
        found = self.store.list_bookings(project=project, person=person,
                                         statuses=None if status is None else [status])
        return [b for b in found if self._may_see_booking(b, viewer)]

    def booking_events(self, booking_id: str, viewer: Viewer) -> list[BookingEvent]:
        self._visible_booking(booking_id, viewer)
        return self.store.booking_events(booking_id)

    def booking_view(self, b: Booking, viewer: Viewer, *, events: bool = False) -> dict:
        """A booking as JSON with names beside ids, and its audit trail in words (`events`)."""
        def named(pid):
            return None if pid is None else {"id": pid, "name": self._name_or_gone(pid)}
        project = self.store.get("project", b.project) if b.project else None
        out = b.to_dict()
        out["project"] = {"id": b.project, "name": project.name if project else b.project} if b.project else None
        out["booked_by"] = named(b.booked_by)
        out["members"] = [{**m, "name": self._name_or_gone(m["id"])} for m in out["members"]]
        booked = [m["name"] for m in out["members"] if m["status"] == "booked"]
        out["words"] = (f"{b.status} booking of {', '.join(booked) or 'nobody'} for "
                        f"{b.window.start.isoformat()} to {b.window.end.isoformat()}"
                        + (f" ({out['project']['name']})" if project else ""))
        if events:
            out["events"] = [self._event_view(e) for e in self.store.booking_events(b.id)]
        return out

    def _event_view(self, e: BookingEvent) -> dict:
        article = "an" if e.role[:1] in ("a", "e", "h", "i", "o", "u") else "a"  # an admin, an hr, a sponsor
        who = f"{self._name_or_gone(e.by)} ({e.role})" if e.by else f"{article} {e.role} account"
        words = {"booked": f"{who} booked it ({e.detail})", "confirmed": f"{who} confirmed it",
                 "cancelled": f"{who} cancelled it",
                 "released": f"{who} released {self._name_or_gone(e.person) if e.person else 'someone'}"}
        text = words.get(e.action, e.action)
        if e.detail and e.action != "booked":
            text += f": {e.detail}"
        return {**e.to_dict(), "by_name": self._name_or_gone(e.by) if e.by else None,
                "person_name": self._name_or_gone(e.person) if e.person else None, "words": text}

    def _name_or_gone(self, person_id: str) -> str:
        p = self.store.get("person", person_id)
        return p.name if p else "a person no longer in the organisation"
