"""Retrieval endpoints: similar cases, experts, and the kickoff package (project or ad-hoc brief).

Visibility is enforced inside retrieval (the viewer is passed down); these views only shape
requests and apply the role redactions (loads as availability bands for non-HR viewers).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Flask, request

from teamgraph import limits
from teamgraph.api.auth import ALL, require, viewer
from teamgraph.api.web import arg_int, arg_required, body_field, cached_read, json_body, json_response, service
from teamgraph.errors import FieldProblem, ValidationError

bp = Blueprint("knowledge", __name__, url_prefix="/api/v1")


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw[:32])
    except ValueError:
        raise ValidationError(FieldProblem(f"must be an ISO date (YYYY-MM-DD), not {raw[:32]!r}",
                                           field=name)) from None
    if limits.date_problem(value):
        raise ValidationError(FieldProblem(limits.date_problem(value), field=name))
    return value


def _text(name: str, value: str, limit: int) -> str:
    if limits.text_problem(value, limit):
        raise ValidationError(FieldProblem(limits.text_problem(value, limit), field=name))
    return value


def _filters() -> dict:
    f = {k: request.args.get(k) or None for k in ("department", "process", "language")}
    for k, v in f.items():
        if v is not None:
            _text(k, v, limits.MAX_NAME_CHARS)
    f["since"], f["until"] = _date_arg("since"), _date_arg("until")
    skills = [s for s in (request.args.get("skills") or "").split(",") if s.strip()]
    if len(skills) > limits.MAX_KICKOFF_SKILLS:
        raise ValidationError(FieldProblem(f"at most {limits.MAX_KICKOFF_SKILLS} skills", field="skills"))
    for s in skills:
        _text("skills", s.strip(), limits.MAX_NAME_CHARS)
    f["skills"] = [s.strip() for s in skills] or None
    return {k: v for k, v in f.items() if v is not None}


def _redacted(data):
    return service().view(data, viewer())


@bp.get("/cases/similar")
@require(*ALL)
def similar_cases():
    """Cases similar to a brief (?q=), each with why it matched; filters: department, process,
    since, until, language, skills (comma-separated)."""
    q, k, f = _text("q", arg_required("q"), limits.MAX_BRIEF_CHARS), arg_int("k", 5, 1, 50), _filters()
    return cached_read(lambda: _redacted({"query": q, "cases": [
        h.to_dict() for h in service().similar_cases(q, viewer(), k=k, **f)]}))


@bp.get("/experts")
@require(*ALL)
def experts():
    """People ranked by evidence relevant to a brief (?q=), with their load."""
    q, k = _text("q", arg_required("q"), limits.MAX_BRIEF_CHARS), arg_int("k", 5, 1, 50)
    return cached_read(lambda: _redacted({"query": q, "experts": [
        h.to_dict() for h in service().experts(q, viewer(), k=k)]}))


@bp.get("/projects/<project_id>/kickoff")
@require(*ALL)
def project_kickoff(project_id: str):
    """The kickoff package of a project: similar cases, lessons to read first, experts, the suggested team."""
    kc, ke = arg_int("k_cases", 5, 1, limits.MAX_KICKOFF_K), arg_int("k_experts", 5, 1, limits.MAX_KICKOFF_K)
    return cached_read(lambda: _redacted(service().kickoff(
        viewer(), project_id=project_id, k_cases=kc, k_experts=ke).to_dict()))


@bp.post("/kickoff")
@require(*ALL)
def brief_kickoff():
    """The kickoff package of an ad-hoc brief (`{"brief": "...", "skills"?, "department"?, "process"?,
    "request"?: a team request for the suggested team}`)."""
    data = json_body()
    brief = body_field(data, "brief", str, required=True).strip()
    if not brief:
        raise ValidationError(FieldProblem("must not be empty", field="brief"))
    _text("brief", brief, limits.MAX_BRIEF_CHARS)
    kc, ke = body_field(data, "k_cases", int, 5), body_field(data, "k_experts", int, 5)
    for name, v in (("k_cases", kc), ("k_experts", ke)):
        if not 1 <= v <= limits.MAX_KICKOFF_K:
            raise ValidationError(FieldProblem(f"must be between 1 and {limits.MAX_KICKOFF_K}", field=name))
    team_request = body_field(data, "request", dict, None)
    skills = body_field(data, "skills", list, [])
    if len(skills) > limits.MAX_KICKOFF_SKILLS:
        raise ValidationError(FieldProblem(f"at most {limits.MAX_KICKOFF_SKILLS} skills, not {len(skills)}",
                                           field="skills"))
    if not all(isinstance(s, str) and len(s) <= limits.MAX_NAME_CHARS for s in skills):
        raise ValidationError(FieldProblem(f"must be a list of skill names (each at most "
                                           f"{limits.MAX_NAME_CHARS} characters)", field="skills"))
    department = body_field(data, "department", str, None)
    process = body_field(data, "process", str, None)
    for name, v in (("department", department), ("process", process)):
        if v is not None:
            _text(name, v, limits.MAX_NAME_CHARS)
    return json_response(_redacted(service().kickoff(
        viewer(), brief=brief, k_cases=kc, k_experts=ke, team_request=team_request,
        skills=skills, department=department, process=process).to_dict()))


@bp.get("/index/status")
@require(*ALL)
def index_status():
    """Whether the retrieval indexes exist and match the store revision."""
    return json_response(service().index_status(viewer()))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
