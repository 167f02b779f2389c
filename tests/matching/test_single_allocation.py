"""Per-role allocations below the request's base allocation count (defect 4), on tests/tinyorg.py,
window Q1 2026, on every store backend.

Loads in Q1 (hand-computed): ana 0.9, bo 1.0, cy 0.4 of capacity 0.8. With the base 0.5 FTE no
python holder fits (ana 140 %, bo 150 %, cy 112.5 %); on a 0.2 python role cy is at 75 %.
Before, the 0.2 was silently raised to 0.5 and the request came back infeasible.
"""

from __future__ import annotations

import pytest
from tests.matching.teamcheck import violations
from tests.matching.pricing import BUDGETING, PYTHON, pricing_request
from tests.tinyorg import Q1

from teamgraph.matching.engine import suggest
from teamgraph.matching.problem import working_days
from teamgraph.matching.request import resolve_skills

DAYS = working_days(Q1.start, Q1.end)


def request(python_allocation=0.2, **over):
    return pricing_request(**{"allocation": 0.5, "requirements": [{**PYTHON, "allocation": python_allocation},
                                                                  BUDGETING], **over})


def test_smaller_role_allocation_is_what_the_member_gives(tiny_store):
    req = request()
    sug = suggest(tiny_store, req)
    assert sug.status == "optimal" and sorted(sug.team.ids) == ["cy", "fay"]
    cy = next(m for m in sug.team.members if m.id == "cy")
    assert cy.allocation == pytest.approx(0.2)
    assert (cy.load_before, cy.load_after) == (pytest.approx(0.4), pytest.approx(0.6))
    assert cy.util_after == pytest.approx(0.75)
    fay = next(m for m in sug.team.members if m.id == "fay")
    assert fay.allocation == pytest.approx(0.5)  # no role allocation: the base
    assert violations(tiny_store, resolve_skills(req, tiny_store.all("skill")), sug.team) == []


def test_base_allocation_on_every_role_is_infeasible(tiny_store):
    assert suggest(tiny_store, request(python_allocation=None)).status == "infeasible"


def test_budget_charges_the_smaller_allocation(tiny_store):
    # cy (95/h) at 0.2 and fay (110/h) at 0.5, to the cent: feasible exactly at that cost.
    cost = (95 * 0.2 + 110 * 0.5) * 8 * DAYS
    assert suggest(tiny_store, request(budget=cost)).status == "optimal"
    over = suggest(tiny_store, request(budget=cost - 1))
    # gus (85/h) instead of fay costs less: the budget binds and changes the team.
    assert over.status == "optimal" and sorted(over.team.ids) == ["cy", "gus"]
    assert suggest(tiny_store, request(budget=(95 * 0.2 + 85 * 0.5) * 8 * DAYS - 1)).status == "infeasible"


def test_member_with_a_small_and_a_large_role_gives_the_larger(tiny_store):
    # cy covers python (0.2) and sql (0.3): a member gives the largest of their roles.
    req = request(allocation=0.5, size={"min": 1, "max": 3},
                  requirements=[{"skill": "python", "level": 3, "allocation": 0.2},
                                {"skill": "sql", "level": 4, "allocation": 0.3}])
    sug = suggest(tiny_store, req)
    assert sug.team.ids == ["cy"]
    assert sug.team.members[0].allocation == pytest.approx(0.3)
    assert sug.team.members[0].util_after == pytest.approx(0.875)
