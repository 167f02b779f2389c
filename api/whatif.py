"""The what-if page (issue 9 item 4): compose a scenario over the request (or, HR, the portfolio)
handed over from the sponsor page, run it beside the current plan, then save, discard or apply it;
HR open a saved scenario, edit its changes and save it again (the API's version rule).

The page holds no scenario logic: its script sends the scenario to the scenario endpoints
(api/scenarios.py → teamgraph/scenario_run.py), which check who may do what and answer as the
viewer may see it. What the page offers follows the engine's rules, read from where they live:
the kinds of change a sponsor may compose (`scenario_run.SPONSOR_CHANGES`), the booking statuses
(`graph.bookings.LIVE`), and the roles that may save, apply and see costs (`core.PEOPLE_DATA`).
"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from teamgraph.api.auth import PEOPLE_DATA, PLANNERS, viewer
from teamgraph.api.pages import page
from teamgraph.api.web import service

bp = Blueprint("whatif", __name__)

CHANGE_LABELS = {"delay": "Delay a project", "hire": "Add a planned hire", "remove": "Remove a person",
                 "reassign": "Reassign a person", "allocation": "Change an allocation"}


def saved_scenarios(v) -> list[dict]:
    """HR's saved scenarios still open, newest first, with who saved (and last changed) them by name."""
    from teamgraph.scenario_shelf import Shelf
    rows = Shelf(service().settings.data_dir).list(v, "saved")
    name = service().person_name
    return [{**r, "saved_by_name": name(r["saved_by"]) if r.get("saved_by") else None,
             "updated_by_name": name(r["updated_by"]) if r.get("updated_by") else None} for r in rows]


@bp.get("/whatif")
@page(*PLANNERS)
def whatif_page():
    """The what-if page: the scenario composer, the side-by-side result and, for HR, saved scenarios."""
    from teamgraph.graph.bookings import LIVE
    from teamgraph.scenario_run import SPONSOR_CHANGES
    from teamgraph.scenarios import CHANGE_FIELDS, DELAY_WEEKS
    v = viewer()
    hr = v.role in PEOPLE_DATA
    kinds = [k for k in CHANGE_FIELDS if hr or k in SPONSOR_CHANGES]
    return render_template("whatif.html", kinds=[(k, CHANGE_LABELS[k]) for k in kinds], hr=hr,
                           departments=service().departments(), book_statuses=LIVE, delay_weeks=DELAY_WEEKS,
                           saved=saved_scenarios(v) if hr else [])


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
