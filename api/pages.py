"""Server-rendered pages: home, sponsor request form, kickoff pages, HR skill graph, person pages.

Pages sign in through the session (see api.auth.login). Data comes from the same service calls
as the API; the sponsor form and the skill graph call the JSON API from small scripts.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

from flask import Blueprint, Flask, redirect, render_template, request, session, url_for

from teamgraph.api.auth import ALL, PEOPLE_DATA, PLANNERS, is_privileged, principal, viewer
from teamgraph.api import people as people_api
from teamgraph.api.people import profile_dict, project_dict, window_args
from teamgraph.api.web import service
from teamgraph.errors import AccessDenied, TeamgraphError, ValidationError

bp = Blueprint("pages", __name__)


def page(*roles: str):
    """Like api.auth.require, but sends anonymous visitors to the login page."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            p = principal()
            if p is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if p.role not in roles:
                raise AccessDenied(f"this page is for {', '.join(roles)}; you are signed in as {p.role}")
            return view(*args, **kwargs)
        wrapper.roles = roles
        return wrapper
    return decorate


@bp.app_context_processor
def inject_user():
    try:
        p = principal() if request.endpoint and not request.endpoint.startswith("static") else None
    except TeamgraphError:  # rendering the error page for bad credentials: show it signed out
        p = None
    name = service().person_name(p.person) if p is not None and p.person else None
    return {"user": p, "user_name": name, "csrf": session.get("csrf", ""),
            "can_plan": p is not None and p.role in PLANNERS,
            "can_people": p is not None and p.role in PEOPLE_DATA}


@bp.get("/")
@page(*ALL)
def home():
    index = people_api.project_index({"query": "", "statuses": ["proposed", "active"], "department": None,
                                      "skill": None, "limit": 12, "offset": 0})
    return render_template("home.html", index=index, counts=service().counts(viewer()))


@bp.get("/sponsor")
@page(*PLANNERS)
def sponsor():
    departments = service().departments()
    # Default window: the next full quarter-ish, from the first of next month for 13 weeks.
    today = date.today()
    start = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    return render_template("sponsor.html", departments=departments, start=start.isoformat(),
                           end=(start + timedelta(days=90)).isoformat())


def kickoff_names(package: dict) -> dict:
    """Names for the ids a kickoff package carries (case and expert departments, shared skills)."""
    skills = {sid for c in package.get("cases", []) for sid in (c.get("why") or {}).get("shared_skills", [])}
    return {"department": {d.id: d.name for d in service().departments()},
            "skill": {sid: s.name for sid, s in service().skills_by_id(skills).items()}}


def render_kickoff(package: dict, project: dict | None, brief: str | None):
    package = service().view(package, viewer())
    return render_template("kickoff.html", package=package, project=project, brief=brief, names=kickoff_names(package))


def listing(read_args, read) -> tuple[dict | None, dict]:
    """A directory page's data from pages-data's args reader and query (the JSON routes use the
    same two), or None and the problems by query field, to show beside the filters."""
    try:
        return read(read_args()), {}
    except ValidationError as e:
        return None, {p.field or "": p.to_dict() for p in e.problems}


def paging(data: dict | None) -> dict | None:
    """Previous/next links for a page of `data` (offset, limit, total), keeping the filters."""
    if not data:
        return None
    offset, limit, total = data["offset"], data["limit"], data["total"]
    here = request.args.to_dict()

    def link(at: int) -> str:
        return url_for(request.endpoint, **{**here, "offset": at})
    return {"first": offset + 1 if total else 0, "last": min(total, offset + limit), "total": total,
            "page": offset // limit + 1, "pages": max(1, -(-total // limit)),
            "prev": link(max(0, offset - limit)) if offset > 0 else None,
            "next": link(offset + limit) if offset + limit < total else None}


@bp.get("/kickoff")
@page(*ALL)
def kickoff_index():
    brief = (request.args.get("brief") or "").strip()
    if brief:
        return render_kickoff(service().kickoff(viewer(), brief=brief, k_cases=5, k_experts=5).to_dict(), None, brief)
    data, errors = listing(people_api.project_index_args, people_api.project_index)
    return render_template("kickoff_index.html", data=data, errors=errors, paging=paging(data),
                           departments=service().departments(), args=request.args), 400 if errors else 200


@bp.get("/projects/<project_id>/kickoff")
@page(*ALL)
def kickoff(project_id: str):
    project = project_dict(project_id)
    return render_kickoff(service().kickoff(viewer(), project_id=project_id, k_cases=5, k_experts=5).to_dict(),
                          project, None)


@bp.get("/graph")
@page(*PLANNERS)
def graph():
    departments = service().departments()
    start = request.args.get("skill") or ""
    return render_template("graph.html", departments=departments, start_skill=start)


@bp.get("/people/<person_id>")
@page(*ALL)
def person(person_id: str):
    prof = profile_dict(person_id, window_args())
    skills = service().skills_by_id(s["skill"] for s in prof["skills"])
    return render_template("person.html", prof=prof, skills=skills, privileged=is_privileged())


@bp.get("/people")
@page(*ALL)
def people():
    """The people directory: filters as GET fields, one page of people with the total."""
    data, errors = listing(people_api.directory_args, people_api.directory)
    only_text = set(request.args) <= {"q"} and (request.args.get("q") or "").strip()
    if data and only_text and data["total"] == 1:  # a name search with one answer opens the profile
        return redirect(url_for("pages.person", person_id=data["people"][0]["id"]))
    return render_template("people.html", data=data, errors=errors, paging=paging(data),
                           departments=service().departments(), args=request.args,
                           fte_steps=people_api.FTE_STEPS), 400 if errors else 200


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico before reading the page's icon link."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


def short_date(iso: str) -> str:
    """'2026-01-05' → '5 Jan' (chart ticks)."""
    d = date.fromisoformat(iso)
    return f"{d.day} {d:%b}"


def week_ticks(weeks: list[dict], gap: int = 3) -> list[str]:
    """A tick label per week of a weekly chart: the first week and the first week of each month,
    none closer than `gap` weeks to the one before; '' elsewhere."""
    out, last = [], -gap
    for i, w in enumerate(weeks):
        d = date.fromisoformat(w["week"])
        if (i == 0 or d.day <= 7) and i - last >= gap:
            out.append(short_date(w["week"]))
            last = i
        else:
            out.append("")
    return out


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.filters["pct"] = lambda v: "" if v is None else f"{float(v):.0%}"
    app.jinja_env.filters["shortdate"] = short_date
    app.jinja_env.filters["week_ticks"] = week_ticks
