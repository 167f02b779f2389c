"""Skill endpoints: search (autocomplete), a skill's graph, skills at risk (bus factor)."""

from __future__ import annotations

from flask import Blueprint, Flask, request

from teamgraph import limits
from teamgraph.api import serialize
from teamgraph.api.auth import ALL, PEOPLE_DATA, PLANNERS, require
from teamgraph.api.web import arg_int, cached_read, service
from teamgraph.errors import FieldProblem, ValidationError

bp = Blueprint("skills", __name__, url_prefix="/api/v1/skills")


def _department_arg() -> str | None:
    return service().department_arg(request.args.get("department"))


def _department_names() -> dict[str, str]:
    return {d.id: d.name for d in service().departments()}


@bp.get("")
@require(*ALL)
def search():
    """The skill picker: skills someone holds or an open project needs whose name, id or an alias
    (any language) matches `q`, then skills of related meaning; each with `holders`, `needed_by`,
    `matched` (the alias, group or "related meaning" that matched), `broader_skill`, `narrower`;
    `did_you_mean` [{id, name}] when nothing matches literally."""
    q, limit = request.args.get("q", ""), arg_int("limit", 10, 1, 100)
    if limits.text_problem(q, limits.MAX_NAME_CHARS):
        raise ValidationError(FieldProblem(limits.text_problem(q, limits.MAX_NAME_CHARS), field="q"))
    return cached_read(lambda: service().skill_search(q, limit))


def graph_of(n) -> dict:
    """Nodes and edges for drawing: the skill, its broader/narrower/co-occurring skills, its
    holders (with levels) and their departments."""
    nodes, edges = [], []
    names = _department_names()
    center = n.skill.id
    nodes.append({"id": f"skill:{center}", "kind": "skill", "label": n.skill.name, "center": True})
    if n.broader:
        nodes.append({"id": f"skill:{n.broader.id}", "kind": "skill", "label": n.broader.name})
        edges.append({"source": f"skill:{center}", "target": f"skill:{n.broader.id}", "kind": "broader"})
    for s in n.narrower:
        nodes.append({"id": f"skill:{s.id}", "kind": "skill", "label": s.name})
        edges.append({"source": f"skill:{s.id}", "target": f"skill:{center}", "kind": "broader"})
    seen = {x["id"] for x in nodes}
    for s, shared in n.co_occurring:
        if f"skill:{s.id}" not in seen:
            nodes.append({"id": f"skill:{s.id}", "kind": "skill", "label": s.name, "co": True})
            seen.add(f"skill:{s.id}")
        edges.append({"source": f"skill:{center}", "target": f"skill:{s.id}", "kind": "co-occurs", "weight": shared})
    for h in n.holders:
        nodes.append({"id": f"person:{h.person.id}", "kind": "person", "label": h.person.name, "level": h.level})
        edges.append({"source": f"person:{h.person.id}", "target": f"skill:{center}", "kind": "has-skill",
                      "level": h.level})
        dept = f"department:{h.person.department}"
        if dept not in seen:
            nodes.append({"id": dept, "kind": "department",
                          "label": names.get(h.person.department, h.person.department)})
            seen.add(dept)
        edges.append({"source": f"person:{h.person.id}", "target": dept, "kind": "member-of"})
    return {"nodes": nodes, "edges": edges}


@bp.get("/<skill_id>/graph")
@require(*PLANNERS)
def skill_graph(skill_id: str):
    """A skill's neighbourhood: broader/narrower, co-occurring skills, holders with levels, supply vs demand.
    The skill may be given by id, name or alias. Holders come a page at a time (?limit=, ?offset=),
    with `holders_total` (every active holder, of ?department= when given) for "n of N"."""
    dept, limit, offset = _department_arg(), arg_int("limit", 25, 1, 200), arg_int("offset", 0, 0, 10_000)

    def compute():
        n, total = service().skill_holders_page(skill_id, department=dept, limit=limit, offset=offset)
        return {**serialize.neighbourhood(n, _department_names()), "department": dept, "graph": graph_of(n),
                "holders_total": total, "offset": offset, "limit": limit}
    return cached_read(compute)


@bp.get("/at-risk")
@require(*PEOPLE_DATA)
def at_risk():
    """Skills held at level 3 or more by only one or two active people (bus factor)."""
    dept, max_holders = _department_arg(), arg_int("max_holders", 2, 1, 10)
    def compute():
        names = _department_names()
        return {"department": dept, "max_holders": max_holders, "skills": [
            serialize.risk(r, names) for r in service().skills_at_risk(max_holders=max_holders, department=dept)]}
    return cached_read(compute)


@bp.get("/supply-demand")
@require(*PLANNERS)
def supply_demand():
    """Skills asked for by proposed and active projects: supply vs demand, largest shortfall first."""
    dept, limit = _department_arg(), arg_int("limit", 25, 1, 200)
    return cached_read(lambda: {"department": dept, "skills": service().supply_demand(dept, limit)})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
