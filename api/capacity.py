"""Heatmaps and HR's capacity view: people × weeks of a proposed team (today and with this plan),
of a portfolio's staffing (HR), of a booking, and departments × weeks with a drill-down to a
department's people; the capacity page.

The grids are the engine's (teamgraph/heatmap.py), cells as the viewer may see them
(teamgraph.present.person_week): sponsors get each week's utilisation before rounded up to 10 %
and whether the plan fits, HR and admins the figures. The department view is HR's.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Flask, render_template

from teamgraph import limits
from teamgraph.api.auth import PEOPLE_DATA, PLANNERS, require, viewer
from teamgraph.api.pages import page
from teamgraph.api.people import window_args
from teamgraph.api.bookings import request_and_members
from teamgraph.api.web import body_field, cached_read, json_body, json_response, service
from teamgraph.errors import FieldProblem, ValidationError

bp = Blueprint("capacity", __name__)

CAPACITY_DAYS = limits.CAPACITY_DAYS


def body_schemas() -> dict:
    """The heatmaps' bodies for the OpenAPI document: a booking's request and members; a list of those."""
    from teamgraph.api.bookings import body_schemas as booking_bodies
    booking = booking_bodies()[("/api/v1/bookings", "post")]["properties"]
    plan = {"required": ["request", "members"], "properties": {"request": booking["request"],
                                                               "members": booking["members"]}}
    return {("/api/v1/teams/heatmap", "post"): plan,
            ("/api/v1/portfolio/heatmap", "post"): {"required": ["plans"], "properties": {"plans": {
                "type": "array", "minItems": 1, "maxItems": limits.MAX_PORTFOLIO_REQUESTS,
                "items": {"type": "object", **plan}}}}}


def capacity_window_args():
    """?start=&end= for the capacity views: 13 weeks from today by default, at most 53 weeks."""
    window = window_args()  # CAPACITY_DAYS from today by default
    if limits.capacity_window_problem(window.start, window.end):
        raise ValidationError(FieldProblem(limits.capacity_window_problem(window.start, window.end), field="end"))
    return window


@bp.post("/api/v1/teams/heatmap")
@require(*PLANNERS)
def team_heatmap():
    """People × weeks of a proposed team: each week today and with this plan (the body of a booking)."""
    request, members = request_and_members(json_body())
    v = viewer()
    return json_response(service().heatmap([service().plan_of(request, members, v)], v))


@bp.post("/api/v1/portfolio/heatmap")
@require(*PEOPLE_DATA)
def portfolio_heatmap():
    """People × weeks of a portfolio's staffing: each week today and with every team of it (HR)."""
    v = viewer()
    plans = body_field(json_body(), "plans", list, required=True)
    return json_response(service().heatmap(service().portfolio_plans(plans, v), v))


@bp.get("/api/v1/bookings/<booking_id>/heatmap")
@require(*PLANNERS)
def booking_heatmap(booking_id: str):
    """People × weeks of a booking you may see: today includes it when load counts it."""
    if len(booking_id) > limits.MAX_NAME_CHARS:
        raise ValidationError(FieldProblem(f"must be at most {limits.MAX_NAME_CHARS} characters", field="booking_id"))
    v = viewer()
    return cached_read(lambda: service().heatmap([service().booking_plan(booking_id, v)], v))


@bp.get("/api/v1/capacity")
@require(*PEOPLE_DATA)
def departments():
    """Departments × weeks: mean and peak utilisation, people over capacity, people away (HR)."""
    window = capacity_window_args()
    return cached_read(lambda: service().department_capacity(window, viewer()))


@bp.get("/api/v1/capacity/<department>")
@require(*PEOPLE_DATA)
def department(department: str):
    """One department's people × weeks: load, capacity, utilisation and away days each week (HR)."""
    window = capacity_window_args()
    return cached_read(lambda: service().department_people(department, window, viewer()))


@bp.get("/capacity")
@page(*PEOPLE_DATA)
def capacity_page():
    """The HR capacity page: departments × weeks, drill down to a department's people."""
    monday = date.today() - timedelta(days=date.today().weekday())
    return render_template("capacity.html", start=monday.isoformat(),
                           end=(monday + timedelta(days=CAPACITY_DAYS)).isoformat())


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
