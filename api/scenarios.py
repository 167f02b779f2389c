"""What-if scenario endpoints: run a request or a portfolio under a scenario, side by side with the
current plan (nothing written); apply a scenario (HR/admin, one transaction); keep named scenarios
(HR/admin: save, list, show, edit, discard — files in the data folder, teamgraph/scenario_shelf.py).

Bodies carry the scenario inline, in the same format as a scenario file (`teamgraph whatif`):
`{"scenario": {"name": …, "changes": [{"delay": {"project": …, "weeks": 4}}, …]}, "request": {…}}`.
Who may do what is the engine's (teamgraph/scenario_run.py): sponsors run what-ifs on their own
requests with changes to their own projects and planned hires; HR and admins run and apply any.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from teamgraph.api.auth import PEOPLE_DATA, PLANNERS, require, viewer
from teamgraph.api.teams import _seed, _time_limit
from teamgraph.api.web import body_field, body_object, json_body, json_response, service
from teamgraph.errors import FieldProblem, ValidationError

bp = Blueprint("scenarios", __name__, url_prefix="/api/v1")


def body_schemas() -> dict:
    """The bodies of these routes for the OpenAPI document (field names from the validator's constants)."""
    from teamgraph.matching.request_schema import portfolio_schema, request_schema
    from teamgraph import limits
    from teamgraph.bookings import MAX_NOTE_CHARS
    from teamgraph.graph.bookings import LIVE
    from teamgraph.scenario_shelf import ID
    from teamgraph.scenarios import CHANGE_FIELDS, MAX_CHANGES, REQUIRED
    change = {"type": "object", "minProperties": 1, "maxProperties": 1, "properties": {
        kind: {"type": "object", "required": list(REQUIRED[kind]), "properties": {f: {} for f in fields},
               "additionalProperties": False} for kind, fields in CHANGE_FIELDS.items()}, "additionalProperties": False}
    scenario = {"type": "object", "required": ["name", "changes"], "properties": {
        "name": {"type": "string"}, "description": {"type": "string"},
        "changes": {"type": "array", "minItems": 1, "maxItems": MAX_CHANGES, "items": change}}}
    members = {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["id"], "properties": {
        "id": {"type": "string"}, "allocation": {"type": "number"}}},
        "description": "the team shown by /scenarios/run (with_scenario), booked as it is"}
    saved = {"type": "string", "pattern": ID.pattern, "description": "a saved scenario's id (instead of scenario)"}
    return {
        ("/api/v1/scenarios/run", "post"): {"properties": {
            "scenario": scenario, "scenario_id": saved, "request": request_schema(), "portfolio": portfolio_schema(),
            "seed": {"type": "integer", "minimum": 0, "maximum": limits.MAX_SEED},
            "time_limit": {"type": "number", "exclusiveMinimum": 0}, "relevance": {"type": "boolean", "default": True}}},
        ("/api/v1/scenarios/apply", "post"): {"properties": {
            "scenario": scenario, "scenario_id": saved, "request": request_schema(), "portfolio": portfolio_schema(),
            "book": {"type": "string", "enum": list(LIVE),
                     "description": "with a request or a portfolio: book the what-if's team(s) in the same transaction"},
            "team": members, "teams": {"type": "array", "items": members,
                                       "description": "one member list per portfolio request (the teams shown)"},
            "allow_overload": {"type": "boolean", "default": False},
            "seed": {"type": "integer", "minimum": 0, "maximum": limits.MAX_SEED},
            "time_limit": {"type": "number", "exclusiveMinimum": 0}, "relevance": {"type": "boolean", "default": True}}},
        ("/api/v1/scenarios", "post"): {"required": ["scenario"], "properties": {"scenario": scenario}},
        ("/api/v1/scenarios/{scenario_id}", "put"): {"required": ["scenario", "version"], "properties": {
            "scenario": scenario, "version": {"type": "integer", "minimum": 1, "description":
                                              "the version you opened (GET /scenarios/{id}); a newer one is 409"}}},
        ("/api/v1/scenarios/{scenario_id}/discard", "post"): {"properties": {
            "note": {"type": "string", "maxLength": MAX_NOTE_CHARS}}},
    }


def _shelf():
    from teamgraph.scenario_shelf import Shelf
    return Shelf(service().settings.data_dir)


def _body(data: dict):
    from teamgraph.scenarios import parse_scenario
    from teamgraph.teams import _prefixed
    body = body_object(data, "scenario", "a scenario object {name, changes}")
    try:
        return body, parse_scenario(body)
    except ValidationError as e:
        raise _prefixed(e, "scenario") from e


def _scenario(data: dict):
    """The body's scenario: inline (`scenario`) or saved (`scenario_id`), one of them."""
    if ("scenario" in data) == ("scenario_id" in data):
        raise ValidationError(FieldProblem("give a scenario object or a saved scenario's id (one of them)",
                                           field="scenario"))
    if "scenario_id" in data:
        return _shelf().scenario(body_field(data, "scenario_id", str), viewer())
    return _body(data)[1]


@bp.post("/scenarios/run")
@require(*PLANNERS)
def run():
    """Run a request (or, HR, a portfolio) now and under a what-if scenario, side by side; nothing is written."""
    from teamgraph import scenario_run
    data = json_body()
    scenario = _scenario(data)
    if ("request" in data) == ("portfolio" in data):
        raise ValidationError(FieldProblem("give a request or a portfolio (one of them)", field="request"))
    work = ({"request": body_object(data, "request", "a team request object")} if "request" in data else
            {"portfolio": body_object(data, "portfolio", "a portfolio object")})
    setting = "SUGGEST_TIME_LIMIT" if "request" in data else "PORTFOLIO_TIME_LIMIT"
    out = scenario_run.run(service(), scenario, viewer(), seed=_seed(data), time_limit=_time_limit(data, setting),
                           relevance=body_field(data, "relevance", bool, True), **work)
    return json_response(out)


@bp.post("/scenarios/apply")
@require(*PEOPLE_DATA)
def apply():
    """Make a scenario real (HR and admins): validated first, then one transaction; nothing half-written.
    With a request (or portfolio) and `book`, the what-if's team(s) are booked in that transaction too:
    `team` (`teams` for a portfolio) books the team shown, else it is solved here; 409 names person and weeks."""
    from teamgraph import scenario_run
    data = json_body()
    booking = {}
    if any(k in data for k in ("request", "portfolio", "book", "team", "teams")):
        if "request" in data and "portfolio" in data:
            raise ValidationError(FieldProblem("give a request or a portfolio (one of them)", field="request"))
        if "team" in data and "teams" in data:
            raise ValidationError(FieldProblem("give team (a request's) or teams (a portfolio's), not both",
                                               field="team"))
        booking = {"book": body_field(data, "book", str, None),
                   "allow_overload": body_field(data, "allow_overload", bool, False), "seed": _seed(data),
                   "relevance": body_field(data, "relevance", bool, True)}
        if "request" in data:
            booking["request"] = body_object(data, "request", "a team request object")
            booking["time_limit"] = _time_limit(data, "SUGGEST_TIME_LIMIT")
        elif "portfolio" in data:
            booking["portfolio"] = body_object(data, "portfolio", "a portfolio object")
            booking["time_limit"] = _time_limit(data, "PORTFOLIO_TIME_LIMIT")
        if "team" in data:
            booking["teams"] = [body_field(data, "team", list)]
        elif "teams" in data:
            booking["teams"] = body_field(data, "teams", list)
    if "scenario_id" in data and "scenario" not in data:
        return json_response(scenario_run.apply_saved(service(), body_field(data, "scenario_id", str), viewer(),
                                                      **booking))
    return json_response(scenario_run.apply(service(), _scenario(data), viewer(), **booking))


@bp.post("/scenarios")
@require(*PEOPLE_DATA)
def save():
    """Keep a named scenario (HR and admins), checked first; run or apply it later by its id."""
    from teamgraph.scenarios import resolve
    data = json_body()
    body, scenario = _body(data)
    resolve(scenario, service())  # names too, so a saved scenario can run
    return json_response(_shelf().save(body, viewer()), 201)


@bp.get("/scenarios")
@require(*PEOPLE_DATA)
def index():
    """Saved scenarios, newest first (HR and admins)."""
    from flask import request

    from teamgraph.scenario_shelf import STATUSES
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise ValidationError(FieldProblem(f"one of {', '.join(STATUSES)}", field="status"))
    return json_response({"scenarios": _shelf().list(viewer(), status)})


@bp.get("/scenarios/<scenario_id>")
@require(*PEOPLE_DATA)
def show(scenario_id: str):
    """One saved scenario with its changes in words."""
    from teamgraph.scenarios import resolve
    shelf = _shelf()
    record = shelf.get(scenario_id, viewer())
    return json_response({**record, **resolve(shelf.scenario(scenario_id, viewer()), service()).to_dict()})


@bp.put("/scenarios/<scenario_id>")
@require(*PEOPLE_DATA)
def update(scenario_id: str):
    """Edit a saved scenario (HR and admins), checked as a new one is; `version` is the one opened:
    409 `scenario_changed` when someone saved a newer one since, `scenario_done` once applied or discarded."""
    from teamgraph.scenarios import resolve
    data = json_body()
    body, scenario = _body(data)
    version = body_field(data, "version", int, required=True)
    if version < 1:  # versions count from 1: a 0 or a negative one was never opened (not a conflict)
        raise ValidationError(FieldProblem(f"must be at least 1 (the version you opened), not {version}", field="version"))
    resolve(scenario, service())  # names too, so the edited scenario can run
    return json_response(_shelf().update(scenario_id, body, version, viewer(), name_of=service().person_name))


@bp.post("/scenarios/<scenario_id>/discard")
@require(*PEOPLE_DATA)
def discard(scenario_id: str):
    """Discard a saved scenario: kept as a record (with an optional note why), never applied."""
    from flask import request
    data = json_body() if request.content_length or request.is_json else {}
    return json_response(_shelf().discard(scenario_id, viewer(), note=body_field(data, "note", str, "")))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
