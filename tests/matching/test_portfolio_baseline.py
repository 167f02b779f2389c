"""The slot-by-slot baseline (matching.baseline, also the portfolio's greedy and warm start) gives
a member the allocation rule's allocation (matching.rules.allocation): a per-role allocation
below the base counts. On tests/tinyorg.py, window Q1 2026, both stores: with the base 0.5 FTE no
python holder fits (ana 140 %, bo 150 %, cy 112.5 %); on a 0.2 python role cy is at 75 %."""

from __future__ import annotations

import pytest
from tests.matching.pricing import BUDGETING, PYTHON, pricing_request

from teamgraph.matching.baseline import greedy_team
from teamgraph.matching.portfolio import greedy_portfolio
from teamgraph.matching.request import Portfolio


def request(python_allocation):
    return pricing_request(allocation=0.5, requirements=[{**PYTHON, "allocation": python_allocation}, BUDGETING])


def test_greedy_fills_a_small_role_with_its_own_allocation(tiny_store):
    pb, gt = greedy_team(tiny_store, request(0.2))
    ids = {pb.people[i].id: i for i in gt.members}
    assert gt.feasible and not gt.uncovered and "cy" in ids
    assert gt.roles[ids["cy"]] == [0]
    assert gt.max_util(pb) == pytest.approx(0.75)  # cy 0.4 + 0.2 of 0.8; fay at 0.5


def test_greedy_at_the_base_allocation_finds_no_python_holder(tiny_store):
    pb, gt = greedy_team(tiny_store, request(None))
    assert not gt.feasible and [r for r, _ in gt.uncovered] == [0]


def test_portfolio_baseline_places_the_role_allocation(tiny_store):
    res = greedy_portfolio(tiny_store, Portfolio(requests=(request(0.2),)))
    [cy] = [m for m in res.teams[0]["members"] if m["id"] == "cy"]
    assert cy["allocation"] == pytest.approx(0.2) and cy["covers"] == ["python"]
    assert res.teams[0]["unmet"] == [] and res.violations == []
