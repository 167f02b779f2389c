"""The oracle itself, on tests/tinyorg.py where every answer is computed by hand, so the property
tests rest on an oracle that is known to be right.

Loads in Q1 2026: ana 0.9, bo 1.0, cy 0.4 (capacity 0.8; booked 0.4 on p-plat from Feb 1 to
Mar 15 only), hal 0.7, everyone else 0. Python ≥ 3: ana, bo, cy (jon is a leaver); budgeting ≥ 3:
fay, gus. At 0.3 FTE only cy fits a python role (ana → 1.2, bo → 1.3).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.matching.oracle import staffing_exists, valid_teams
from tests.tinyorg import PEOPLE, Q1

from teamgraph.graph.model import Window
from teamgraph.matching.problem import working_days
from teamgraph.matching.request import Portfolio, parse_request, resolve_skills

IDS = [p.id for p in PEOPLE]


def pricing(store, window: Window = Q1, **over):
    body = {"name": "Pricing", "allocation": 0.3, "size": {"min": 2, "max": 3},
            "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
            "requirements": [{"skill": "python", "level": 3}, {"skill": "budgeting", "level": 3}]}
    return resolve_skills(parse_request({**body, **over}), store.all("skill"))


def teams(store, request, pins=()):
    return sorted((t.roles, sorted(t.forced_over)) for t in valid_teams(store, request, IDS, pins))


def test_only_cy_fits_python_and_a_third_member_would_be_a_passenger(tiny_store):
    assert teams(tiny_store, pricing(tiny_store)) == [
        ((("cy", (0,)), ("fay", (1,))), []),
        ((("cy", (0,)), ("gus", (1,))), []),
    ]


def test_budget_leaves_the_cheaper_finance_member(tiny_store):
    days = working_days(Q1.start, Q1.end)
    budget = (95 + 85) * 0.3 * 8 * days + 1  # cy + gus; cy + fay costs (95 + 110) × …
    assert teams(tiny_store, pricing(tiny_store, budget=budget)) == [((("cy", (0,)), ("gus", (1,))), [])]


def test_a_pinned_busy_person_is_a_forced_overload_and_may_go_without_a_role(tiny_store):
    assert teams(tiny_store, pricing(tiny_store), pins=["ana"]) == [
        ((("ana", ()), ("cy", (0,)), ("fay", (1,))), ["ana"]),
        ((("ana", ()), ("cy", (0,)), ("gus", (1,))), ["ana"]),
        ((("ana", (0,)), ("fay", (1,))), ["ana"]),
        ((("ana", (0,)), ("gus", (1,))), ["ana"]),
    ]


def test_a_smaller_role_allocation_lets_a_busier_person_fill_it(tiny_store):
    req = pricing(tiny_store)
    small = replace(req, requirements=(replace(req.requirements[0], allocation=0.1), req.requirements[1]))
    # ana: 0.9 + 0.1 = 1.0 fits now; bo stays at 1.1; cy fits either way.
    assert {t.roles[0] for t in valid_teams(tiny_store, small, IDS)} == {("ana", (0,)), ("cy", (0,))}


def test_overlapping_requests_add_up_day_by_day(tiny_store):
    both_q1 = Portfolio((pricing(tiny_store, name="A"), pricing(tiny_store, name="B")))
    # cy would be at 0.4 + 0.3 + 0.3 = 1.0 > 0.8 while p-plat runs; nobody else fits python.
    assert staffing_exists(tiny_store, both_q1, IDS) is None
    # B overlaps Q1 only after cy's p-plat booking ends (Mar 15), so cy can take python in both:
    # 0 + 0.3 + 0.3 in the overlap. Counting cy's Q1 peak (0.4) there would wrongly forbid it.
    later = Window(date(2026, 3, 16), date(2026, 5, 29))
    b = pricing(tiny_store, later, name="B", exclude=["ana", "bo"])  # ana would fit python in B
    found = staffing_exists(tiny_store, Portfolio((pricing(tiny_store, name="A"), b)), IDS)
    assert found is not None and all(("cy", (0,)) in t.roles for t in found)
