"""The packaged sample organisation ("Meridian Aerospace", ingest/sample/) and its summary.

Built reproducibly by scripts/build_sample.py from real public data (NASA Lessons Learned,
ESCO, O*NET; see ingest/sample/ATTRIBUTION.md). Its "today" is SAMPLE_TODAY: projects active
then give people current allocations, so summaries default to the window starting there.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from teamgraph.graph.model import Window

if TYPE_CHECKING:
    from teamgraph.graph.store import GraphStore
    from teamgraph.ingest.loader import IngestReport

SAMPLE_TODAY = date(2026, 11, 26)


def sample_path() -> Path:
    """The folder holding the sample organisation in the ingest format (package data beside this
    module; resolved from __file__ so a `tests/ingest` namespace folder on sys.path cannot shadow it)."""
    return Path(__file__).resolve().parent / "sample"


def load_sample(store: GraphStore, progress: bool = True) -> IngestReport:
    """Ingest the sample into `store` (validated first; idempotent: a second run writes nothing)."""
    from teamgraph.ingest.loader import ingest_folder

    return ingest_folder(store, sample_path(), progress=progress)


def current_window(today: date | None = None, days: int = 90) -> Window:
    """The next `days` days from `today` (default: the later of SAMPLE_TODAY and the real date)."""
    start = today or max(SAMPLE_TODAY, date.today())
    return Window(start, start + timedelta(days=days))


def summary(store: GraphStore, window: Window | None = None, top: int = 10) -> dict:
    """What the store holds, for `teamgraph demo`: counts, departments (by name) with head
    counts, the busiest active people in `window` (peak time-phased load, bookings and leave
    counted), skills held by only one or two people, and example ids to try next. JSON-ready.
    Head counts and holders are whole-store statistics, so they stream `all`; loads are one
    `candidates` read of the active people; the rest uses the store's lookups."""
    window = window or current_window()
    people = {p.id: p for p in store.all("person")}
    heads: dict[str, int] = {}
    for p in people.values():
        if p.status == "active":
            heads[p.department] = heads.get(p.department, 0) + 1
    departments = [f"{d.name} ({heads.get(d.id, 0)})" for d in store.departments()]
    active = [pid for pid, p in people.items() if p.status == "active"]
    loads = {c.person.id: c.load for c in store.candidates([], window, include=active)} if active else {}
    busiest = sorted(((pid, load) for pid, load in loads.items()
                      if pid in people and people[pid].status == "active" and load > 0),
                     key=lambda x: (-x[1], -x[1] / (people[x[0]].capacity or 1.0), x[0]))[:top]
    at_risk = store.skills_at_risk(max_holders=2)
    holders: dict[str, int] = {}
    for ps in store.all("person_skill"):
        if ps.level >= 3 and people.get(ps.person) and people[ps.person].status == "active":
            holders[ps.skill] = holders.get(ps.skill, 0) + 1
    projects = store.projects(("active", "proposed"))
    return {
        "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
        "counts": store.counts(),
        "departments": departments,
        "busiest": [{"id": pid, "name": people[pid].name, "department": people[pid].department,
                     "load": load, "capacity": people[pid].capacity,
                     "utilisation": round(load / (people[pid].capacity or 1.0), 3)} for pid, load in busiest],
        "at_risk": [{"id": r.skill.id, "name": r.skill.name,
                     "holders": [h.person.name for h in r.holders]} for r in at_risk],
        "example_person": busiest[0][0] if busiest else next(iter(people), None),
        "example_skill": max(sorted(holders), key=holders.get) if holders else None,
        "example_project": next((p.id for p in projects if store.project_needs(p.id)),
                                projects[0].id if projects else None),
    }
