"""Person, project and case endpoints (visibility and redactions applied per viewer)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Flask, request

from teamgraph.api import serialize
from teamgraph.api.auth import ALL, is_privileged, require, viewer
from teamgraph.api.web import arg_int, cached_read, service
from teamgraph.graph.load import weekly_load
from teamgraph.graph.model import Window
from teamgraph.errors import FieldProblem, NotFoundError, ValidationError

bp = Blueprint("people", __name__, url_prefix="/api/v1")


def window_args(default_days: int = 90) -> Window:
    """?start=&end= as a Window (ISO dates); default: today and the next `default_days` days."""
    def parse(name: str, default: date) -> date:
        raw = request.args.get(name)
        if not raw:
            return default
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(FieldProblem(f"must be an ISO date (YYYY-MM-DD), not {raw!r}", field=name)) from None
    start = parse("start", date.today())
    end = parse("end", start + timedelta(days=default_days))
    if end < start:
        raise ValidationError(FieldProblem("must not be before start", field="end"))
    return Window(start, end)


def profile_dict(person_id: str, window: Window) -> dict:
    v = viewer()
    prof = service().store.person_profile(person_id, window, v)
    if prof is None:
        raise NotFoundError("person", person_id)
    out = serialize.profile(prof, privileged=is_privileged(), is_self=v.person == person_id)
    if "load" in out:  # detailed load, week by week: HR/admin and the person themself only
        out["weekly_load"] = [{"week": w.isoformat(), "load": load} for w, load in
                              weekly_load(service().store.memberships_of([person_id]), window)]
    return out


@bp.get("/people/<person_id>")
@require(*ALL)
def person(person_id: str):
    """A person's profile: skills, projects, cases they wrote (visible ones), expertise, load."""
    window = window_args()
    return cached_read(lambda: profile_dict(person_id, window))


def project_dict(project_id: str) -> dict:
    store, v, privileged = service().store, viewer(), is_privileged()
    project = store.get("project", project_id)
    if project is None:
        raise NotFoundError("project", project_id)
    members = []
    for m in (m for m in store.all("membership") if m.project == project_id):
        p = store.get("person", m.person)
        row = {"person": m.person, "name": p.name if p else None, "role": m.role,
               "start": m.start.isoformat() if m.start else None, "end": m.end.isoformat() if m.end else None}
        if privileged or m.person == v.person:
            row["allocation"] = m.allocation
        members.append(row)
    needs = [serialize.plain(n) for n in store.all("project_need") if n.project == project_id]
    cases = [{"id": c.id, "title": c.title, "visibility": c.visibility}
             for c in store.list_cases(v, project=project_id)]
    return {"project": serialize.project(project), "members": members, "needs": needs, "cases": cases}


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
        for p in sorted(service().store.all("project"), key=lambda p: (p.start or date.min), reverse=True)
        if status is None or p.status == status]})


@bp.get("/cases/<case_id>")
@require(*ALL)
def case(case_id: str):
    """One case, if the viewer may see it (404 otherwise, so existence does not leak)."""
    def compute():
        c = service().store.get_case(case_id, viewer())
        if c is None:
            raise NotFoundError("case", case_id)
        return serialize.case(c)
    return cached_read(compute)


@bp.get("/cases")
@require(*ALL)
def cases():
    """Cases the viewer may see, filtered by department, project, skill or language."""
    f = {k: request.args.get(k) or None for k in ("department", "project", "skill", "language")}
    limit, offset = arg_int("limit", 50, 1, 500), arg_int("offset", 0, 0, 1_000_000)
    return cached_read(lambda: {"cases": [serialize.case(c) for c in service().store.list_cases(
        viewer(), **f, limit=limit, offset=offset)]})


@bp.get("/departments")
@require(*ALL)
def departments():
    """Departments (for filters)."""
    return cached_read(lambda: {"departments": [serialize.plain(d) for d in sorted(
        service().store.all("department"), key=lambda d: d.name)]})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
