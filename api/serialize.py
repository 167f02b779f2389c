"""Store read models as JSON-ready dicts, with the role-based redactions applied here, once.

HR/admin see everything. Others see people's skills and projects but not collaboration
ratings, nor someone else's detailed load (per-project allocations, weekly peaks): only an
availability band. Confidential cases never get this far (the store filters them by viewer).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date

from teamgraph.graph.model import Case, Person, Project, Skill
from teamgraph.present import availability, redact, why_not  # noqa: F401  (the API's serialisers)


def plain(record) -> dict:
    """A dataclass record as a dict with ISO dates and lists for tuples."""
    out = {}
    for f in fields(record):
        v = getattr(record, f.name)
        if isinstance(v, date):
            v = v.isoformat()
        elif isinstance(v, tuple):
            v = list(v)
        elif is_dataclass(v):
            v = plain(v)
        out[f.name] = v
    return out


def skill(s: Skill) -> dict:
    return plain(s)


def person(p: Person, *, full: bool) -> dict:
    d = plain(p)
    if not full:
        for k in ("cost_rate", "capacity"):
            d.pop(k, None)
    return d


def case(c: Case) -> dict:
    return plain(c)


def project(p: Project) -> dict:
    return plain(p)


def profile_names(prof, names_of) -> dict[str, dict[str, str]]:
    """The names a profile shows beside ids: `names_of(kind, ids)` (the engine's) per kind."""
    raters = [r.rater for r in prof.ratings or ()]
    projects = [c.project for c in prof.cases] + [r.project for r in prof.ratings or ()]
    return {"skill": names_of("skill", [s.skill for s in prof.skills] + [e.topic for e in prof.expert_in]),
            "person": names_of("person", raters), "project": names_of("project", projects)}


def profile(prof, *, privileged: bool, is_self: bool, names: dict[str, dict[str, str]] | None = None) -> dict:
    """A person profile. Detailed load (numbers, allocations) for HR/admin and the person themself.
    `names` (see profile_names) adds the name beside each skill, case project, rater and rated project."""
    full = privileged or is_self
    names = names or {}
    name = lambda kind, i: names.get(kind, {}).get(i, i) if i else None  # noqa: E731
    out = {
        "person": person(prof.person, full=full),
        "department": plain(prof.department) if prof.department else None,
        "skills": [dict(plain(s), name=name("skill", s.skill)) for s in prof.skills],
        "projects": [],
        "cases": [{"id": c.id, "title": c.title, "project": c.project, "project_name": name("project", c.project),
                   "visibility": c.visibility, "date": c.date.isoformat() if c.date else None}
                  for c in prof.cases],
        "expert_in": [dict(plain(e), topic_name=name("skill", e.topic)) for e in prof.expert_in],
        "window": plain(prof.window) if prof.window else None,
        "availability": availability(prof.utilisation),  # time-phased (capacity periods, leave)
        "away": [{"start": a["start"].isoformat(), "end": a["end"].isoformat()} for a in prof.away],
    }
    for m, pr in prof.memberships:
        row = {"project": pr.id, "name": pr.name, "role": m.role, "status": pr.status,
               "start": m.start.isoformat() if m.start else None, "end": m.end.isoformat() if m.end else None}
        if full:
            row["allocation"] = m.allocation
        out["projects"].append(row)
    if full:
        out["load"] = prof.load
        out["capacity_periods"] = [{"start": c["start"].isoformat(), "end": c["end"].isoformat() if c["end"] else None,
                                    "capacity": c["capacity"]} for c in prof.capacity_periods]
    if privileged and prof.ratings is not None:
        out["ratings"] = [dict(plain(r), mean=round(r.mean, 2), rater_name=name("person", r.rater),
                               project_name=name("project", r.project)) for r in prof.ratings]
    return out


def holder(h, departments: dict[str, str] | None = None) -> dict:
    return {"person": h.person.id, "name": h.person.name, "department": h.person.department,
            "department_name": (departments or {}).get(h.person.department, h.person.department),
            "level": h.level, "evidence": h.evidence,
            "last_used": h.last_used.isoformat() if h.last_used else None}


def neighbourhood(n, departments: dict[str, str] | None = None) -> dict:
    return {
        "skill": skill(n.skill),
        "broader": skill(n.broader) if n.broader else None,
        "narrower": [skill(s) for s in n.narrower],
        "co_occurring": [{"skill": skill(s), "shared": k} for s, k in n.co_occurring],
        "holders": [holder(h, departments) for h in n.holders],
        "supply": n.supply,
        "demand": n.demand,
        "gap": n.demand - n.supply,
    }


def risk(r, departments: dict[str, str] | None = None) -> dict:
    return {"skill": skill(r.skill), "holders": [holder(h, departments) for h in r.holders],
            "bus_factor": len(r.holders)}
