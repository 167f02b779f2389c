"""The rule checker (matching.rules.check_team) names each broken rule, and the engine's guard
turns a broken answer into status "invalid" instead of letting it leave as optimal. On
tests/tinyorg.py, window Q1 2026 (loads: ana 0.9, bo 1.0, cy 0.4 of 0.8, hal 0.7), both stores."""

from __future__ import annotations

import pytest
from tests.matching.pricing import pricing_request

from teamgraph.matching import engine
from teamgraph.matching.problem import build_problem
from teamgraph.matching.rules import check_team
from teamgraph.matching.solve import SearchResult, Team

PY, BUDG = 0, 1


def problem(store, pins=(), **over):
    return build_problem(store, pricing_request(**over), pins=pins)


def broken(pb, roles: dict[str, list[int]], **kw) -> list[tuple[str, str | None]]:
    idx = pb.index()
    team = {idx[p]: rs for p, rs in roles.items()}
    return [(v.rule, v.person) for v in check_team(pb, team, team, **kw)]


def test_a_valid_team_breaks_nothing(tiny_store):
    assert broken(problem(tiny_store), {"cy": [PY], "fay": [BUDG]}) == []


@pytest.mark.parametrize("over, roles, expected", [
    ({}, {"cy": [PY], "gus": []}, [("coverage", None)]),  # gus makes the size minimum: no passenger
    ({}, {"cy": [PY], "gus": [BUDG], "fay": [BUDG]}, [("coverage", None)]),  # budgeting filled twice
    ({}, {"ana": [PY], "fay": [BUDG]}, [("capacity", "ana")]),  # 0.9 + 0.3 = 120 %
    ({"size": {"min": 3, "max": 3}}, {"cy": [PY], "fay": [BUDG]}, [("size", None)]),
    ({"departments": {"required": ["ops"]}}, {"cy": [PY], "fay": [BUDG]}, [("department", None)]),
    ({"departments": {"caps": {"fin": 1}}, "size": {"min": 3, "max": 3}},
     {"cy": [PY], "fay": [BUDG], "gus": []}, [("cap", None)]),
    ({"budget": 1000}, {"cy": [PY], "fay": [BUDG]}, [("budget", None)]),
    ({"include": ["gus"]}, {"cy": [PY], "fay": [BUDG]}, [("include", "gus")]),
    ({"exclude": ["fay"]}, {"cy": [PY], "fay": [BUDG]}, [("exclude", "fay")]),
    ({"size": {"min": 2, "max": 4}}, {"cy": [PY], "fay": [BUDG], "gus": []}, [("passenger", "gus")]),
])
def test_each_broken_rule_is_named(tiny_store, over, roles, expected):
    assert sorted(broken(problem(tiny_store, **over), roles), key=str) == sorted(expected, key=str)


def test_level_and_allocation_are_checked(tiny_store):
    pb = problem(tiny_store)
    idx = pb.index()
    # gus holds budgeting 3 but no python: claiming the python slot breaks the level rule.
    team = {idx["gus"]: [PY, BUDG]}
    assert ("level", "gus") in [(v.rule, v.person) for v in check_team(pb, team, team)]
    ok = {idx["cy"]: [PY], idx["fay"]: [BUDG]}
    wrong = check_team(pb, ok, ok, allocations={idx["cy"]: 0.5, idx["fay"]: 0.3})
    assert [(v.rule, v.person) for v in wrong] == [("allocation", "cy")]


def test_forced_overload_is_not_a_violation(tiny_store):
    pb = problem(tiny_store, pins=["ana"])
    assert broken(pb, {"ana": [PY], "fay": [BUDG]}) == []


def test_the_engine_never_lets_a_broken_team_out(tiny_store, monkeypatch):
    """A search that returned a broken team (here: ana over capacity, not forced) gives status
    "invalid" with the violation listed, never "optimal"."""
    class BrokenSearch:
        def __init__(self, pb, **kw):
            self.pb = pb

        def run(self):
            idx = self.pb.index()
            roles = {idx["ana"]: [PY], idx["fay"]: [BUDG]}
            return SearchResult(Team(sorted(roles), roles, 0, 1.2), "optimal", 0, 1)

    monkeypatch.setattr(engine, "Search", BrokenSearch)
    sug = engine.suggest(tiny_store, pricing_request())
    assert sug.status == "invalid" and not sug.proven_optimal
    assert [(v["rule"], v["person"], v["team"]) for v in sug.violations] == [("capacity", "ana", 0)]
    assert "Ana Lima" in sug.violations[0]["message"]
    assert sug.to_dict()["violations"][0]["rule"] == "capacity"
