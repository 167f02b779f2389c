"""Person, project and case endpoints (visibility and redactions applied per viewer)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Flask, request

from teamgraph import limits
from teamgraph.api import serialize
from teamgraph.api.auth import ALL, PLANNERS, is_privileged, require, viewer
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
    out = serialize.profile(prof, privileged=is_privileged(), is_self=v.person == person_id,
                            names=serialize.profile_names(prof, service().names_of))
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


FTE_STEPS = tuple(round(0.1 * k, 1) for k in range(1, 11))  # the free-time filter's values (0.1 … 1.0 FTE)


def _text_arg(name: str, raw: str | None) -> str:
    value = (raw or "").strip()
    if limits.text_problem(value, limits.MAX_NAME_CHARS):
        raise ValidationError(FieldProblem(limits.text_problem(value, limits.MAX_NAME_CHARS), field=name))
    return value


def directory_args() -> dict:
    """The people directory's filters from the query string (?q=&skill=&min_level=&department=
    &min_fte=&start=&end=&limit=&offset=), checked; a skill may be given by name or alias."""
    args = {"query": _text_arg("q", request.args.get("q")),
            "department": service().department_arg(request.args.get("department")),
            "skill": None, "min_level": arg_int("min_level", 1, 1, 5), "min_fte": None,
            "limit": arg_int("limit", 50, 1, 200), "offset": arg_int("offset", 0, 0, 1_000_000)}
    skill = _text_arg("skill", request.args.get("skill"))
    if skill:
        args["skill"] = service().resolve_skill(skill, field="skill").id
    raw = request.args.get("min_fte")
    if raw:
        try:
            value = round(float(raw), 6)
        except ValueError:
            value = None
        if value not in FTE_STEPS:
            raise ValidationError(FieldProblem("must be one of " + ", ".join(f"{v:g}" for v in FTE_STEPS)
                                               + " (FTE free)", field="min_fte"))
        # Free time to a tenth of an FTE is a planner's view (teamgraph.present: members see bands).
        if viewer().role not in PLANNERS:
            raise ValidationError(FieldProblem("filtering by free time is for sponsors, HR and admins",
                                               field="min_fte"))
        args["min_fte"] = value
    args["window"] = window_args()
    return args


def directory(args: dict) -> dict:
    """The people directory for the signed-in viewer (the JSON route and the /people page)."""
    out = service().people_directory(viewer(), **args)
    w = args["window"]
    out["filters"] = {"q": args["query"], "skill": args["skill"], "min_level": args["min_level"],
                      "department": args["department"], "min_fte": args["min_fte"],
                      "start": w.start.isoformat(), "end": w.end.isoformat()}
    return out


@bp.get("/people")
@require(*ALL)
def people():
    """The people directory and person picker: active people by name, filtered by ?q= (name, id
    or title; names that look like it when nothing contains it), ?skill= (id, name or alias) at
    ?min_level=, ?department=, ?min_fte= free in ?start=..?end=; paged (?limit=, ?offset=) with
    `total`."""
    args = directory_args()
    return cached_read(lambda: directory(args))


def project_index_args() -> dict:
    statuses = [s for s in (request.args.get("status") or "").split(",") if s.strip()]
    args = {"query": _text_arg("q", request.args.get("q")), "statuses": [s.strip() for s in statuses] or None,
            "department": service().department_arg(request.args.get("department")), "skill": None,
            "limit": arg_int("limit", 50, 1, 200), "offset": arg_int("offset", 0, 0, 1_000_000)}
    skill = _text_arg("skill", request.args.get("skill"))
    if skill:
        args["skill"] = service().resolve_skill(skill, field="skill").id
    return args


def project_index(args: dict) -> dict:
    """The project index (the JSON route and the kickoff page): filtered, newest first, paged."""
    out = service().project_index(**args)
    out["filters"] = {"q": args["query"], "status": ",".join(args["statuses"] or ()),
                      "department": args["department"], "skill": args["skill"]}
    return out


@bp.get("/projects/<project_id>")
@require(*ALL)
def project(project_id: str):
    """A project with its members, open skill needs and the cases the viewer may see."""
    return cached_read(lambda: project_dict(project_id))


@bp.get("/projects")
@require(*ALL)
def projects():
    """Projects newest first, filtered by ?q= (name or id), ?status= (comma-separated: proposed,
    active, closed, cancelled), ?department=, ?skill= (a need); paged with `total`."""
    args = project_index_args()
    return cached_read(lambda: project_index(args))


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
