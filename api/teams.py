"""Team endpoints: suggest, why-not, pin-and-re-solve, and portfolio staffing.

Bodies wrap the team request (the same format as `teamgraph suggest REQUEST.yaml`) with options:
`{"request": {...}, "alternatives": 2}`. An infeasible request is an answer, not an error:
200 with `status: "infeasible"` and the diagnosis.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app

from teamgraph import limits
from teamgraph.api.auth import PEOPLE_DATA, PLANNERS, require, viewer
from teamgraph.api.web import body_field, body_object, json_body, json_response, service
from teamgraph.errors import FieldProblem, ValidationError
from teamgraph.matching.request_fields import OBJECTIVES, STAFF_OBJECTIVE

bp = Blueprint("teams", __name__, url_prefix="/api/v1")


def _request(data: dict) -> dict:
    return body_object(data, "request", "a team request object")


def _ids(data: dict, name: str) -> list[str]:
    value = body_field(data, name, list, [])
    problem = limits.names_problem(value)
    if problem:
        raise ValidationError(FieldProblem(problem, field=name))
    if not all(isinstance(x, str) and x for x in value):
        raise ValidationError(FieldProblem("must be a list of person ids", field=name))
    return value


def _seed(data: dict) -> int:
    seed = body_field(data, "seed", int, 0)
    if not 0 <= seed <= limits.MAX_SEED:
        raise ValidationError(FieldProblem(f"must be a whole number from 0 to {limits.MAX_SEED}", field="seed"))
    return seed


def _options(data: dict) -> dict:
    alternatives = body_field(data, "alternatives", int, 2)
    min_diff = body_field(data, "min_diff", int, 1)
    if not 0 <= alternatives <= limits.MAX_ALTERNATIVES:
        raise ValidationError(FieldProblem(f"must be between 0 and {limits.MAX_ALTERNATIVES}", field="alternatives"))
    if min_diff < 1:
        raise ValidationError(FieldProblem("must be at least 1", field="min_diff"))
    return {"alternatives": alternatives, "min_diff": min_diff, "seed": _seed(data),
            "time_limit": _time_limit(data)}


def _time_limit(data: dict, setting: str = "SUGGEST_TIME_LIMIT") -> float:
    cap = float(current_app.config[setting])
    value = body_field(data, "time_limit", (int, float), cap)
    if isinstance(value, bool) or not 0 < value <= cap:
        raise ValidationError(FieldProblem(f"must be a number of seconds in (0, {cap:g}]", field="time_limit"))
    return float(value)


def _answer(result) -> object:
    return json_response(service().view(result.to_dict(), viewer()))


@bp.post("/teams/suggest")
@require(*PLANNERS)
def suggest():
    """Suggest the best team for a request, with diverse alternatives and explanations."""
    data = json_body()
    return _answer(service().suggest(_request(data), viewer(), pins=_ids(data, "pins"), **_options(data)))


@bp.post("/teams/why-not")
@require(*PLANNERS)
def why_not():
    """Why is this person not in the suggested team: the binding reason, or the cost of swapping them in."""
    data = json_body()
    person = body_field(data, "person", str, required=True)
    if len(person) > limits.MAX_NAME_CHARS:
        raise ValidationError(FieldProblem(f"must be at most {limits.MAX_NAME_CHARS} characters", field="person"))
    options = _options(data)  # alternatives and min_diff are checked but do not change the answer
    result = service().why_not(_request(data), person, viewer(), seed=options["seed"],
                               time_limit=options["time_limit"])
    return json_response(service().view_why_not(result, viewer()))


@bp.post("/teams/resolve")
@require(*PLANNERS)
def resolve():
    """Pin members, change the request, re-solve; returns the new team and the diff to `previous`."""
    data = json_body()
    return _answer(service().resolve(_request(data), viewer(), pins=_ids(data, "pins"),
                                     previous=_ids(data, "previous"), time_limit=_time_limit(data)))


@bp.post("/portfolio/staff")
@require(*PEOPLE_DATA)
def staff():
    """Staff many requests at once from one pool, minimising the organisation-wide peak load."""
    data = json_body()
    portfolio = body_object(data, "portfolio", "a portfolio object")
    max_load = body_field(data, "max_load", (int, float), None)
    if max_load is not None and (isinstance(max_load, bool) or not 0 < max_load <= limits.MAX_STAFF_LOAD):
        raise ValidationError(FieldProblem(f"must be a number in (0, {limits.MAX_STAFF_LOAD:g}]", field="max_load"))
    objective = body_field(data, "objective", str, STAFF_OBJECTIVE)
    if objective not in OBJECTIVES:
        raise ValidationError(FieldProblem(f"must be one of {', '.join(OBJECTIVES)}, not {objective!r}",
                                           field="objective"))
    return _answer(service().staff(portfolio, viewer(), max_load=max_load,
                                   time_limit=_time_limit(data, "PORTFOLIO_TIME_LIMIT"),
                                   seed=_seed(data), objective=objective))


def init_app(app: Flask) -> None:
    app.config.setdefault("PORTFOLIO_TIME_LIMIT", 30.0)
    app.register_blueprint(bp)
