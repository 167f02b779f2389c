"""Person, project and case endpoints (visibility and redactions applied per viewer)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Flask, request

from teamgraph import limits
from teamgraph.api import serialize
from teamgraph.api.auth import ALL, is_privileged, require, viewer
from teamgraph.api.web import arg_int, cached_read, service
from teamgraph.graph.model import Window
from teamgraph.errors import FieldProblem, ValidationError

bp = Blueprint("people", __name__, url_prefix="/api/v1")


def window_args(default_days: int = 90) -> Window:
    """?start=&end= as a Window (ISO dates); default: today and the next `default_days` days."""
    def parse(name: str, default: date) -> date:
        raw = request.args.get(name)
        if not raw:
            return default
        try:
            value = date.fromisoformat(raw[:32])
        except ValueError:
            raise ValidationError(FieldProblem(f"must be an ISO date (YYYY-MM-DD), not {raw[:32]!r}",
                                               field=name)) from None
        if limits.date_problem(value):
            raise ValidationError(FieldProblem(limits.date_problem(value), field=name))
        return value
    start = parse("start", date.today())
    end = parse("end", min(start + timedelta(days=default_days), date(limits.MAX_YEAR, 12, 31)))
    if end < start:
        raise ValidationError(FieldProblem("must not be before start", field="end"))
    if limits.window_problem(start, end):
        raise ValidationError(FieldProblem(limits.window_problem(start, end), field="end"))
    return Window(start, end)


def profile_dict(person_id: str, window: Window) -> dict:
    v = viewer()
    prof = service().person_profile(person_id, window, v)
    out = serialize.profile(prof, privileged=is_privileged(), is_self=v.person == person_id)
    if "load" in out:  # detailed load, week by week: HR/admin and the person themself only
        out["weekly_load"] = [{"week": w.isoformat(), "load": load}
                              for w, load in service().weekly_load(person_id, window)]
    return out


@bp.get("/people/<person_id>")
@require(*ALL)
def person(person_id: str):
    """A person's profile: skills, projects, cases they wrote (visible ones), expertise, load."""
    window = window_args()
    return cached_read(lambda: profile_dict(person_id, window))


def project_dict(project_id: str) -> dict:
    return service().project(project_id, viewer())


@bp.get("/people")
@require(*ALL)
def people():
    """Search active people by name, id or title (?q=), for pickers."""
    q, limit = request.args.get("q", ""), arg_int("limit", 10, 1, 100)
    return cached_read(lambda: {"people": [
        {"id": p.id, "name": p.name, "department": p.department, "title": p.title}
        for p in service().search_people(q, limit)]})


@bp.get("/projects/<project_id>")
@require(*ALL)
def project(project_id: str):
    """A project with its members, open skill needs and the cases the viewer may see."""
    return cached_read(lambda: project_dict(project_id))


@bp.get("/projects")
@require(*ALL)
def projects():
    """Projects, optionally filtered by status (proposed, active, closed, cancelled)."""
    status = request.args.get("status") or None
    return cached_read(lambda: {"projects": [
        {"id": p.id, "name": p.name, "status": p.status, "department": p.department,
         "start": p.start.isoformat() if p.start else None, "end": p.end.isoformat() if p.end else None}
        for p in service().projects([status] if status else None)]})


@bp.get("/cases/<case_id>")
@require(*ALL)
def case(case_id: str):
    """One case, if the viewer may see it (404 otherwise, so existence does not leak)."""
    return cached_read(lambda: serialize.case(service().get_case(case_id, viewer())))


@bp.get("/cases")
@require(*ALL)
def cases():
    """Cases the viewer may see, filtered by department, project, skill or language."""
    f = {k: request.args.get(k) or None for k in ("department", "project", "skill", "language")}
    limit, offset = arg_int("limit", 50, 1, 500), arg_int("offset", 0, 0, 1_000_000)
    return cached_read(lambda: {"cases": [serialize.case(c) for c in service().list_cases(
        viewer(), **f, limit=limit, offset=offset)]})


@bp.get("/departments")
@require(*ALL)
def departments():
    """Departments (for filters)."""
    return cached_read(lambda: {"departments": [serialize.plain(d) for d in service().departments()]})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
