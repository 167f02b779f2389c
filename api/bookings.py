"""Booking endpoints: keep a suggested team as a tentative or confirmed booking, list and read
bookings with their audit trail, confirm (HR), cancel, release a person.

Who may do what is the engine's (teamgraph/bookings.py); these routes only parse bodies. A
booking that would put someone over capacity (booked or staffed elsewhere since the suggestion)
is 409 `booking_conflict` with `conflicts: [{person, name, weeks, request}]`, and nothing is
written. `POST /bookings/portfolio` books a portfolio's staffing (staffed here, or the `teams`
seen before), one booking per request, all or nothing. `allow_overload: true` (HR/admin only;
403 for sponsors) books over capacity anyway, said in the audit trail.
"""

from __future__ import annotations

from flask import Blueprint, Flask, request

from teamgraph import limits
from teamgraph.api.auth import PEOPLE_DATA, PLANNERS, require, viewer
from teamgraph.api.web import body_field, body_object, json_body, json_response, service
from teamgraph.bookings import MAX_MEMBERS, MAX_NOTE_CHARS
from teamgraph.errors import FieldProblem, ValidationError
from teamgraph.graph.bookings import BOOKING_STATUSES, LIVE
from teamgraph.matching.request_fields import ALLOCATION

bp = Blueprint("bookings", __name__, url_prefix="/api/v1")


def body_schemas() -> dict:
    """The bodies of these routes for the OpenAPI document (bounds from the validators' constants)."""
    from teamgraph.matching.request_schema import request_schema, text
    member = {"oneOf": [text(), {"type": "object", "required": ["id"], "properties": {
        "id": text(), "allocation": {"type": "number", "minimum": ALLOCATION[0], "maximum": ALLOCATION[1]}}}]}
    note = {"type": "string", "maxLength": MAX_NOTE_CHARS}
    overload = {"type": "boolean", "default": False,
                "description": "book even if someone goes over capacity (HR and admins; audited)"}
    return {
        ("/api/v1/bookings", "post"): {"required": ["request", "members"], "properties": {
            "request": request_schema(),
            "members": {"type": "array", "minItems": 1, "maxItems": MAX_MEMBERS, "items": member},
            "status": {"enum": list(LIVE), "default": "tentative"}, "allow_overload": overload}},
        ("/api/v1/bookings/portfolio", "post"): {"required": ["portfolio"], "properties": {
            "portfolio": {"type": "object", "description": "a portfolio, as POST /api/v1/portfolio/staff takes it"},
            "teams": {"type": "array", "description": "one member list per request (a staffing seen before); "
                      "without it the portfolio is staffed first",
                      "items": {"type": "array", "minItems": 1, "maxItems": MAX_MEMBERS, "items": member}},
            "status": {"enum": list(LIVE), "default": "tentative"}, "allow_overload": overload,
            "time_limit": {"type": "number", "exclusiveMinimum": 0}, "seed": {"type": "integer", "minimum": 0}}},
        ("/api/v1/bookings/{booking_id}/release", "post"): {"required": ["person"], "properties": {
            "person": text(), "note": note}},
        ("/api/v1/bookings/{booking_id}/cancel", "post"): {"properties": {"note": note}},
        ("/api/v1/bookings/{booking_id}/confirm", "post"): {"properties": {"note": note}},
    }


def request_and_members(data: dict) -> tuple[dict, list]:
    """A booking body's team request and members (the team heatmap takes the same body)."""
    return body_object(data, "request", "a team request object"), body_field(data, "members", list, required=True)


def _optional_body() -> dict:
    return json_body() if request.content_length or request.is_json else {}


def _note(data: dict) -> str:
    return body_field(data, "note", str, "")


def _view(b, status: int = 200, events: bool = False):
    return json_response(service().booking_view(b, viewer(), events=events), status)


@bp.post("/bookings")
@require(*PLANNERS)
def create():
    """Book a suggested team for a request (sponsors: their own requests, tentatively; HR: also confirmed)."""
    data = json_body()
    req, members = request_and_members(data)
    status = body_field(data, "status", str, "tentative")
    return _view(service().book(req, members, viewer(), status=status,
                                allow_overload=body_field(data, "allow_overload", bool, False)), 201, events=True)


@bp.post("/bookings/portfolio")
@require(*PLANNERS)
def book_portfolio():
    """Book a portfolio's staffing, one booking per request, all or nothing (409 names request, person, weeks)."""
    from teamgraph.api.teams import _seed, _time_limit
    data = json_body()
    portfolio = body_object(data, "portfolio", "a portfolio object")
    teams = body_field(data, "teams", list, None)
    options = {} if teams is not None else {"time_limit": _time_limit(data, "PORTFOLIO_TIME_LIMIT"),
                                            "seed": _seed(data)}
    made = service().book_portfolio(portfolio, viewer(), teams=teams, status=body_field(data, "status", str, "tentative"),
                                    allow_overload=body_field(data, "allow_overload", bool, False), **options)
    return json_response({"bookings": [service().booking_view(b, viewer(), events=True) for b in made.bookings]}, 201)


@bp.get("/bookings")
@require(*PLANNERS)
def index():
    """The bookings you may see (HR: all; sponsors: those they booked or whose project they sponsor), newest first."""
    status = request.args.get("status") or None
    if status is not None and status not in BOOKING_STATUSES:
        raise ValidationError(FieldProblem(f"one of {', '.join(BOOKING_STATUSES)}", field="status"))
    args = {k: (request.args.get(k) or None) for k in ("project", "person")}
    for k, v in args.items():
        if v is not None and len(v) > limits.MAX_NAME_CHARS:
            raise ValidationError(FieldProblem(f"must be at most {limits.MAX_NAME_CHARS} characters", field=k))
    found = service().bookings(viewer(), status=status, **args)
    return json_response({"bookings": [service().booking_view(b, viewer()) for b in found]})


@bp.get("/bookings/<booking_id>")
@require(*PLANNERS)
def show(booking_id: str):
    """One booking with its audit trail (who did what when, in words)."""
    return _view(service().booking(booking_id, viewer()), events=True)


@bp.post("/bookings/<booking_id>/confirm")
@require(*PEOPLE_DATA)
def confirm(booking_id: str):
    """Confirm a tentative booking (HR and admins)."""
    data = _optional_body()
    return _view(service().change_booking(booking_id, "confirm", viewer(), note=_note(data)), events=True)


@bp.post("/bookings/<booking_id>/cancel")
@require(*PLANNERS)
def cancel(booking_id: str):
    """Cancel a booking: its people stop counting in load."""
    data = _optional_body()
    return _view(service().change_booking(booking_id, "cancel", viewer(), note=_note(data)), events=True)


@bp.post("/bookings/<booking_id>/release")
@require(*PLANNERS)
def release(booking_id: str):
    """Release one person (id or name) from a booking; the rest stay booked."""
    data = json_body()
    person = body_field(data, "person", str, required=True)
    if len(person) > limits.MAX_NAME_CHARS:
        raise ValidationError(FieldProblem(f"must be at most {limits.MAX_NAME_CHARS} characters", field="person"))
    return _view(service().change_booking(booking_id, "release", viewer(), person=person, note=_note(data)),
                 events=True)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
