"""Server-rendered pages: home, sponsor request form, kickoff pages, HR skill graph, person pages.

Pages sign in through the session (see api.auth.login). Data comes from the same service calls
as the API; the sponsor form and the skill graph call the JSON API from small scripts.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

from flask import Blueprint, Flask, redirect, render_template, request, session, url_for

from teamgraph.api.auth import ALL, PEOPLE_DATA, PLANNERS, is_privileged, principal, viewer
from teamgraph.api.people import profile_dict, project_dict, window_args
from teamgraph.api.web import service
from teamgraph.errors import AccessDenied, TeamgraphError

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
    projects = sorted(service().projects(("proposed", "active")),
                      key=lambda p: (p.status != "proposed", p.start or date.min))
    return render_template("home.html", projects=projects[:12], counts=service().counts(viewer()))


@bp.get("/sponsor")
@page(*PLANNERS)
def sponsor():
    departments = service().departments()
    # Default window: the next full quarter-ish, from the first of next month for 13 weeks.
    today = date.today()
    start = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    return render_template("sponsor.html", departments=departments, start=start.isoformat(),
                           end=(start + timedelta(days=90)).isoformat())


@bp.get("/kickoff")
@page(*ALL)
def kickoff_index():
    brief = (request.args.get("brief") or "").strip()
    if brief:
        package = service().kickoff(viewer(), brief=brief, k_cases=5, k_experts=5).to_dict()
        return render_template("kickoff.html", package=service().view(package, viewer()),
                               project=None, brief=brief)
    projects = sorted(service().projects(),
                      key=lambda p: ({"proposed": 0, "active": 1}.get(p.status, 2), -(p.start or date.min).toordinal()))
    return render_template("kickoff_index.html", projects=projects)


@bp.get("/projects/<project_id>/kickoff")
@page(*ALL)
def kickoff(project_id: str):
    project = project_dict(project_id)
    package = service().kickoff(viewer(), project_id=project_id, k_cases=5, k_experts=5).to_dict()
    return render_template("kickoff.html", package=service().view(package, viewer()),
                           project=project, brief=None)


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
    q = (request.args.get("q") or "").strip().lower()
    if not q:
        return render_template("people.html", people=[], q="")
    found = service().search_people(q, 50)
    if len(found) == 1:
        return redirect(url_for("pages.person", person_id=found[0].id))
    return render_template("people.html", people=found, q=q)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.filters["pct"] = lambda v: "" if v is None else f"{float(v):.0%}"
