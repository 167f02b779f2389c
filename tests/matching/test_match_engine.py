"""The team engine on tests/tinyorg.py (window Q1 2026), on every store backend.

Loads in Q1 (hand-computed): ana 0.9, bo 1.0, cy 0.4 of capacity 0.8, hal 0.7, everyone else 0.
With 0.3 FTE only cy can take python (ana → 1.2, bo → 1.3); budgeting: fay (5, confirmed, recent)
or gus (3, self-declared).
"""

from __future__ import annotations

import pytest
from tests.matching.teamcheck import violations
from tests.matching.pricing import PYTHON, pricing_request
from tests.tinyorg import Q1

from teamgraph.graph.model import Viewer
from teamgraph.matching.engine import resolve, suggest, why_not


def request(**over):
    return pricing_request(**{"brief": "pricing engine", "requirements": [PYTHON, {"skill": "预算编制", "level": 3}],
                              **over})


def resolved(store, req):
    from teamgraph.matching.request import resolve_skills
    return resolve_skills(req, store.all("skill"))


# Hand-computed objective of {cy, fay} (× 1/1000): cy python fit 0.7 (self-declared) × 0.8 (last
# used 3 years before the window) = 560; fay budgeting 1.0 × 1.0 × (1 + 0.25·2) = 1500;
# busy: cy at 0.4/0.8 = 50 % × 0.3 FTE = −150; members 2 × −200; max utilisation
# (0.4 + 0.3)/0.8 = 0.875 → −2 × 875 = −1750. Total −240 → −0.24.
def test_known_optimum_and_independent_check(tiny_store):
    req = request()
    sug = suggest(tiny_store, req)
    assert sug.status == "optimal" and sug.proven_optimal and sug.gap == 0
    assert sorted(sug.team.ids) == ["cy", "fay"]
    assert sug.team.score["skill_fit"] == pytest.approx(2.06)
    assert sug.team.score["busy"] == pytest.approx(-0.15)
    assert sug.team.total == pytest.approx(-0.24)
    assert sug.team.max_util == pytest.approx(0.875)
    assert violations(tiny_store, resolved(tiny_store, req), sug.team) == []
    cy = next(m for m in sug.team.members if m.id == "cy")
    assert (cy.load_before, cy.load_after) == (pytest.approx(0.4), pytest.approx(0.7))
    assert [c["skill"] for c in cy.covers] == ["python"]
    assert "relevance term is 0" in sug.notes[0]


def test_budget_changes_the_optimum(tiny_store):
    from teamgraph.matching.problem import working_days
    days = working_days(Q1.start, Q1.end)
    budget = (95 + 85) * 0.3 * 8 * days + 1  # cy + gus fit, cy + fay (110/h) does not
    req = request(budget=budget)
    sug = suggest(tiny_store, req)
    assert sorted(sug.team.ids) == ["cy", "gus"]
    assert violations(tiny_store, resolved(tiny_store, req), sug.team) == []


def test_relevance_is_pluggable(tiny_store):
    calls = []

    def rel(brief, ids):
        calls.append((brief, sorted(ids)))
        return {"gus": 1.0}

    sug = suggest(tiny_store, request(), relevance=rel)
    assert calls and calls[0][0] == "pricing engine"
    assert "gus" in sug.team.ids and sug.team.score["relevance"] == pytest.approx(1.0)


def test_infeasible_request_is_diagnosed(tiny_store):
    req = request(allocation=0.5, size={"min": 1, "max": 3},
                  requirements=[{"skill": "Kubernetes", "level": 4, "count": 2}])
    sug = suggest(tiny_store, req)
    assert sug.status == "infeasible" and sug.team is None
    d = sug.diagnosis
    msg = d.requirements[0]["message"]
    # ana is the only k8s ≥ 4 holder; she is at 0.9 until Feb 28 and 0.7 until Jun 30.
    assert msg == ("Kubernetes ≥ 4 needs 2 people: 0 qualified people are available; "
                   "1 more is over capacity until 2026-07-01")
    assert any("Kubernetes ≥ 4" in c for c in d.conflict)
    kinds = sorted(r.kind for r in d.relaxation)
    assert kinds == ["capacity", "coverage"]  # let ana go over capacity and ask for one person
    assert "ask for 1 instead of 2" in str(d) and sug.to_dict()["diagnosis"]["relaxation"]


def test_department_cap_conflict_is_named(tiny_store):
    # Both budgeting holders (fay, gus) are in fin, which is capped at one member.
    req = request(requirements=[{"skill": "budgeting", "level": 3, "count": 2}], departments={"caps": {"fin": 1}})
    sug = suggest(tiny_store, req)
    assert sug.status == "infeasible"
    assert sug.diagnosis.requirements[0]["satisfiable_alone"]
    assert sug.diagnosis.conflict == ["requirement: Budgeting ≥ 3 needs 2 people", "at most 1 from Finance"]
    assert [r.kind for r in sug.diagnosis.relaxation] == ["cap"]


def test_why_not(tiny_store):
    req = request()
    sug = suggest(tiny_store, req)
    bo = why_not(tiny_store, req, "bo", suggestion=sug)
    assert bo.kind == "over_capacity" and not bo.feasible
    assert bo.details["weeks"][0]["week"] == "2026-01-15" and len(bo.details["weeks"]) == 11
    assert why_not(tiny_store, req, "hal", suggestion=sug).kind == "missing_level"
    assert why_not(tiny_store, req, "jon", suggestion=sug).kind == "leaver"
    assert why_not(tiny_store, req, "cy", suggestion=sug).kind == "in_team"
    assert why_not(tiny_store, request(exclude=["gus"]), "gus").kind == "excluded"
    gus = why_not(tiny_store, req, "gus", suggestion=sug)
    # Best team with gus is {cy, gus}: gus covers budgeting instead of fay (a third member covering
    # nothing would be a passenger): fit 0.7 instead of 1.5, so 0.8 lower.
    assert gus.kind == "cost" and gus.feasible
    assert gus.details["cost"] == pytest.approx(0.8) and gus.details["replaces"] == ["fay"]
    assert "replacing Fay Wong" in gus.reason
    capped = request(include=["fay"], departments={"caps": {"fin": 1}})
    why = why_not(tiny_store, capped, "gus")
    assert why.kind == "department_cap" and "at most 1 from Finance" in why.reason


def test_pin_and_resolve_diff(tiny_store):
    req = request()
    first = suggest(tiny_store, req)
    again = resolve(tiny_store, req, pins=["gus"], previous=first)
    assert sorted(again.team.ids) == ["cy", "fay", "gus"]
    assert again.diff.added == ["gus"] and again.diff.removed == []
    # Change a requirement as well: sql ≥ 4 only cy has; pinned gus stays.
    changed = request(requirements=[{"skill": "sql", "level": 4}, {"skill": "budgeting", "level": 3}])
    third = resolve(tiny_store, changed, pins=["gus"], previous=again)
    assert "gus" in third.team.ids and "cy" in third.team.ids
    assert violations(tiny_store, resolved(tiny_store, changed), third.team, pins=["gus"]) == []


def test_deterministic(tiny_store):
    a = suggest(tiny_store, request(), alternatives=2, seed=7).to_dict()
    b = suggest(tiny_store, request(), alternatives=2, seed=7).to_dict()
    a.pop("seconds"), b.pop("seconds")
    assert a == b


def test_alternatives_differ_and_are_valid(tiny_store):
    req = request(size={"min": 2, "max": 4})
    sug = suggest(tiny_store, req, alternatives=3, min_diff=1)
    teams = [sug.team] + sug.alternatives
    assert len(teams) >= 2
    for k, t in enumerate(teams):
        assert violations(tiny_store, resolved(tiny_store, req), t) == []
        for earlier in teams[:k]:
            assert len(set(earlier.ids) - set(t.ids)) >= 1
    assert [t.total for t in teams] == sorted([t.total for t in teams], reverse=True)


def test_ratings_and_cases_follow_the_viewer(tiny_store):
    req = request(requirements=[{"skill": "sql", "level": 3, "count": 2}], size={"min": 2, "max": 2})
    member = suggest(tiny_store, req, viewer=Viewer(role="member", person="hal"))
    hr = suggest(tiny_store, req, viewer=Viewer(role="hr"))
    assert all(m.ratings is None for m in member.team.members)
    assert any(m.ratings for m in hr.team.members)
    for m in member.team.members:
        assert {c["id"] for c in m.cases} <= {"c-1", "c-4", "c-5"}  # public only


def test_unknown_person_in_include_names_the_field(tiny_store):
    from teamgraph.errors import ValidationError
    with pytest.raises(ValidationError) as e:
        suggest(tiny_store, request(include=["zed"]))
    assert e.value.problems[0].field == "include" and "zed" in e.value.problems[0].message
