"""Soft mode's warm start (matching.portfolio_greedy.marginal_staffing) keeps every rule that stays
hard, on random small organisations (tests/matching/oracle_org.py) without includes; and on a
hand-made case it fills the slot the slot-by-slot baseline leaves open."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from tests.matching.oracle_org import PortfolioCase, org_store, portfolio_cases

from teamgraph.matching.portfolio import PortfolioPool, greedy_portfolio, staff
from teamgraph.matching.portfolio_check import check_staffing
from teamgraph.matching.portfolio_greedy import marginal_staffing
from teamgraph.matching.request import parse_portfolio

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(case=portfolio_cases())
def test_the_warm_start_keeps_every_hard_rule(case: PortfolioCase):
    body = dict(case.body, max_load=case.body.get("max_load", 1.0))
    body["requests"] = [{k: v for k, v in r.items() if k != "include"} for r in body["requests"]]
    with org_store(case.org) as store:
        pf = parse_portfolio(body, skills=store.all("skill"))
        pool = PortfolioPool(store, pf, progress=False)
        placed, roles = marginal_staffing(pool, body["max_load"])
        check = check_staffing(pool, placed, roles, limit=body["max_load"], soft=True)
        assert check.violations == []


def test_the_warm_start_keeps_the_versatile_person_for_the_request_only_they_can_do(tiny_store):
    # Two requests over the same quarter at 0.3 FTE under a 90 % cap: "sql" needs sql, "both"
    # needs sql and python. The baseline staffs request by request, best level first, and leaves
    # one of the three slots open; our marginal-gain warm start fills all three.
    q1 = {"start": "2026-01-01", "end": "2026-03-31"}
    body = {"requests": [
        {"name": "sql", "window": q1, "allocation": 0.3, "size": {"min": 1, "max": 2},
         "requirements": [{"skill": "sql", "level": 3}]},
        {"name": "both", "window": q1, "allocation": 0.3, "size": {"min": 1, "max": 2},
         "requirements": [{"skill": "sql", "level": 3}, {"skill": "python", "level": 3}]}]}
    pf = parse_portfolio(body)
    placed, roles = marginal_staffing(PortfolioPool(tiny_store, pf, progress=False), 0.9)
    assert sum(len(rs) for rs in roles.values()) == 3
    base = greedy_portfolio(tiny_store, pf, max_load=0.9)
    assert base.covered == 2
    ours = staff(tiny_store, pf, max_load=0.9, time_limit=20)
    assert ours.violations == [] and ours.covered == 3 and all(t["unmet"] == [] for t in ours.teams)
