"""No passengers (defect 8) and required departments in the pool (defect 3), on tests/tinyorg.py,
window Q1 2026, on every store backend.

Before, a team was padded towards its maximum size with members who covered nothing (a little
relevance or cohesion outweighed the member cost), and a required department whose people hold
none of the requested skills was declared infeasible. Now a member without a role is there only
for the size minimum or as the one member of a required department, and says which.
"""

from __future__ import annotations

from tests.matching.teamcheck import violations
from tests.matching.pricing import pricing_request

from teamgraph.matching.engine import suggest
from teamgraph.matching.render import suggestion_text
from teamgraph.matching.request import resolve_skills


def request(**over):
    return pricing_request(**{"brief": "pricing engine", "size": {"min": 2, "max": 5}, **over})


def everyone_relevant(brief, ids):
    return {p: 1.0 for p in ids}


def test_relevant_people_do_not_pad_the_team(tiny_store):
    # Relevance 1.0 each outweighs the 0.2 member cost: before, the team grew to 5.
    req = request()
    sug = suggest(tiny_store, req, relevance=everyone_relevant)
    assert sug.status == "optimal" and len(sug.team.ids) == 2
    assert all(m.covers for m in sug.team.members)
    assert violations(tiny_store, resolve_skills(req, tiny_store.all("skill")), sug.team) == []


def test_alternatives_have_no_passengers_either(tiny_store):
    sug = suggest(tiny_store, request(), relevance=everyone_relevant, alternatives=2)
    for team in [sug.team, *sug.alternatives]:
        assert len(team.ids) == 2 and all(m.covers for m in team.members)


def test_size_minimum_member_says_so(tiny_store):
    req = request(size={"min": 3, "max": 5})
    sug = suggest(tiny_store, req, relevance=everyone_relevant)
    assert sug.status == "optimal" and len(sug.team.ids) == 3
    idle = [m for m in sug.team.members if not m.covers]
    assert len(idle) == 1 and idle[0].needed_for == "needed for the team size minimum of 3"
    assert "needed for the team size minimum of 3" in suggestion_text(sug)
    assert sug.to_dict()["team"]["members"][[m.id for m in sug.team.members].index(idle[0].id)]["needed_for"]


def test_required_department_without_the_skills_is_represented(tiny_store):
    # Operations (dee, eli) hold neither python nor budgeting; before: "infeasible".
    req = request(departments={"required": ["ops"]})
    sug = suggest(tiny_store, req)
    assert sug.status == "optimal"
    ops = [m for m in sug.team.members if m.department == "ops"]
    assert len(ops) == 1 and ops[0].needed_for == "represents required department Operations"
    assert len(sug.team.ids) == 3
    assert violations(tiny_store, resolve_skills(req, tiny_store.all("skill")), sug.team) == []


def test_role_fillers_have_no_needed_for(tiny_store):
    sug = suggest(tiny_store, request(departments={"required": ["fin"]}))
    assert sorted(sug.team.ids) == ["cy", "fay"]  # fay covers budgeting and represents finance
    assert all(m.needed_for is None for m in sug.team.members)
