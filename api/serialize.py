"""Store read models as JSON-ready dicts, with the role-based redactions applied here, once.

HR/admin see everything. Others see people's skills and projects but not collaboration
ratings, nor someone else's detailed load (per-project allocations, weekly peaks): only an
availability band. Confidential cases never get this far (the store filters them by viewer).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date

from teamgraph.graph.model import Case, Person, Project, Skill


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


def availability(load: float, capacity: float = 1.0) -> str:
    """A coarse band that tells a sponsor whom to approach without disclosing the load."""
    used = load / capacity if capacity else 1.0
    return "available" if used < 0.5 else "partly available" if used < 0.85 else "busy"


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


def profile(prof, *, privileged: bool, is_self: bool) -> dict:
    """A person profile. Detailed load (numbers, allocations) for HR/admin and the person themself."""
    full = privileged or is_self
    out = {
        "person": person(prof.person, full=full),
        "department": plain(prof.department) if prof.department else None,
        "skills": [plain(s) for s in prof.skills],
        "projects": [],
        "cases": [{"id": c.id, "title": c.title, "project": c.project, "visibility": c.visibility,
                   "date": c.date.isoformat() if c.date else None} for c in prof.cases],
        "expert_in": [plain(e) for e in prof.expert_in],
        "window": plain(prof.window) if prof.window else None,
        "availability": availability(prof.load, prof.person.capacity),
    }
    for m, pr in prof.memberships:
        row = {"project": pr.id, "name": pr.name, "role": m.role, "status": pr.status,
               "start": m.start.isoformat() if m.start else None, "end": m.end.isoformat() if m.end else None}
        if full:
            row["allocation"] = m.allocation
        out["projects"].append(row)
    if full:
        out["load"] = prof.load
    if privileged and prof.ratings is not None:
        out["ratings"] = [dict(plain(r), mean=round(r.mean, 2)) for r in prof.ratings]
    return out


def holder(h) -> dict:
    return {"person": h.person.id, "name": h.person.name, "department": h.person.department,
            "level": h.level, "evidence": h.evidence,
            "last_used": h.last_used.isoformat() if h.last_used else None}


def neighbourhood(n) -> dict:
    return {
        "skill": skill(n.skill),
        "broader": skill(n.broader) if n.broader else None,
        "narrower": [skill(s) for s in n.narrower],
        "co_occurring": [{"skill": skill(s), "shared": k} for s, k in n.co_occurring],
        "holders": [holder(h) for h in n.holders],
        "supply": n.supply,
        "demand": n.demand,
        "gap": n.demand - n.supply,
    }


def risk(r) -> dict:
    return {"skill": skill(r.skill), "holders": [holder(h) for h in r.holders], "bus_factor": len(r.holders)}


# Keys that carry collaboration ratings (anywhere in matching/retrieval results): HR/admin only.
HR_ONLY_KEYS = frozenset({"ratings", "rating", "mean_rating", "peer_rating", "peer_ratings", "rating_mean",
                          "weekly_load", "weekly", "comment", "comments"})
# A person's load figures: members see an availability band instead.
LOAD_KEYS = frozenset({"load", "load_before", "load_after", "util_before", "util_after", "utilisation",
                       "capacity", "load_discount", "allocation"})


def redact(data, role: str):
    """Apply the role redactions to a JSON-ready matching/retrieval result.

    hr/admin: everything. sponsor: no collaboration ratings; no per-week load figures (which
    weeks, not how loaded); for experts no relevance/load-discount parts (with the score they
    would reveal the rating factor). member: in addition, others' loads become availability bands.
    """
    if role in ("hr", "admin"):
        return data
    if isinstance(data, list):
        return [redact(v, role) for v in data]
    if not isinstance(data, dict):
        return data
    out = {k: redact(v, role) for k, v in data.items() if k not in HR_ONLY_KEYS}
    if "load_discount" in data:  # an expert hit
        out.pop("relevance", None)
        out.pop("load_discount", None)
    weeks = out.get("weeks")
    if isinstance(weeks, list) and weeks and isinstance(weeks[0], dict):
        out["weeks"] = [w.get("week") for w in weeks]
    if role == "member" and "capacity" in data and ("load" in data or "load_before" in data):
        out["availability"] = availability(data.get("load", data.get("load_before")) or 0.0, data["capacity"] or 1.0)
        for k in LOAD_KEYS:
            out.pop(k, None)
    return out


def why_not(d: dict, role: str, name: str) -> dict:
    """A WhyNot for `role`: over-capacity reasons list the weeks without the load figures."""
    if role not in ("hr", "admin") and d.get("kind") == "over_capacity":
        weeks = [w["week"] for w in d.get("details", {}).get("weeks", [])]
        shown = ", ".join(weeks[:8]) + (" …" if len(weeks) > 8 else "")
        d = {**d, "reason": f"{name} would be over capacity with this allocation in {len(weeks)} week(s): {shown}"}
    return redact(d, role)
