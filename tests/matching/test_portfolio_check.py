"""Each broken rule names its instance (matching.rules.Violation.key), and soft mode's unmet
entries come from that key (matching.portfolio_check), not from the checker's order. On
tests/tinyorg.py, window Q1 2026, both stores."""

from __future__ import annotations

from tests.matching.pricing import pricing_request

from teamgraph.matching.portfolio import PortfolioPool
from teamgraph.matching.portfolio_check import check_staffing
from teamgraph.matching.problem import build_problem
from teamgraph.matching.request import parse_portfolio
from teamgraph.matching.rules import check_team

Q1 = {"start": "2026-01-01", "end": "2026-03-31"}
PY, BUDG = 0, 1


def keys(pb, roles: dict[str, list[int]]) -> set[tuple]:
    idx = pb.index()
    team = {idx[p]: rs for p, rs in roles.items()}
    return {(v.rule, v.key) for v in check_team(pb, team, team)}


def test_each_violation_names_its_instance(tiny_store):
    pb = build_problem(tiny_store, pricing_request(
        size={"min": 3, "max": 3}, departments={"required": ["ops", "hr"], "caps": {"fin": 1}},
        include=["dee"], exclude=["gus"]))
    # gus (excluded) and fay fill budgeting twice (cap fin 1); nobody fills python; dee (included) missing.
    found = keys(pb, {"fay": [BUDG], "gus": [BUDG]})
    assert found == {("coverage", PY), ("coverage", BUDG), ("size", "min"), ("department", "ops"),
                     ("department", "hr"), ("cap", "fin"), ("exclude", "gus"), ("include", "dee")}
    over = build_problem(tiny_store, pricing_request(size={"min": 1, "max": 1}))
    assert keys(over, {"cy": [PY], "fay": [BUDG]}) == {("size", "max")}
    assert keys(over, {"ana": [PY]}) >= {("capacity", "ana"), ("coverage", BUDG)}


def test_violation_dict_carries_the_key(tiny_store):
    pb = build_problem(tiny_store, pricing_request(departments={"required": ["ops"]}))
    idx = pb.index()
    team = {idx["cy"]: [PY], idx["fay"]: [BUDG]}
    [v] = check_team(pb, team, team, request="Pricing")
    assert v.to_dict() == {"rule": "department", "message": "required department Operations has no member",
                           "person": None, "request": "Pricing", "key": "ops"}


def test_soft_unmet_follows_the_key_and_overfilling_stays_a_violation(tiny_store):
    pool = PortfolioPool(tiny_store, parse_portfolio({"requests": [
        {"name": "P", "window": Q1, "allocation": 0.2, "size": {"min": 1, "max": 3},
         "departments": {"required": ["hr", "ops"]},
         "requirements": [{"skill": "python", "level": 3}, {"skill": "budgeting", "level": 3}]}]}), False)
    g = pool.gidx
    # budgeting filled twice (a violation even in soft mode), python not at all (unmet), ops missing.
    placed = {(g["fay"], 0): 0.2, (g["gus"], 0): 0.2, (g["hal"], 0): 0.2}
    roles = {(g["fay"], 0): [BUDG], (g["gus"], 0): [BUDG]}
    check = check_staffing(pool, placed, roles, limit=1.0, soft=True)
    assert [(u["rule"], u.get("skill"), u.get("department")) for u in check.unmet[0]] == [
        ("coverage", "python", None), ("department", None, "ops")]
    assert check.unmet[0][0]["missing"] == 1 and check.unmet[0][1]["department_name"] == "Operations"
    assert [(v["rule"], v["key"]) for v in check.violations] == [("coverage", BUDG)]
