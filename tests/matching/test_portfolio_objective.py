"""Soft mode's objective (`objective="fraction"|"slots"`, `teamgraph staff --objective`, the API's
`objective`): the two can staff differently, each answer passes the rule check, and the reported
coverage is the sum over requests of the fraction met, recomputed here by hand.

On tests/tinyorg.py only Fay holds budgeting 5 and negotiation 4, and nobody holds k8s or sql at 5.
At 0.5 FTE each under a 60 % cap she can join one of the two requests (both in Q1, where she has
no other load):
* "Close" needs budgeting 5 — 2 units (the slot, the size minimum);
* "Audit" needs budgeting 5, negotiation 4, k8s 5, sql 5 — 5 units.
Fay on Audit meets 3 of its 5 (two slots and the minimum), on Close 2 of 2; a free person without
a role may still meet the other request's size minimum. Slots: Audit (3 + 1 > 2 + 1). Fraction:
Close (1 + 1/5 > 3/5 + 1/2).
"""

from __future__ import annotations

import json

import pytest

from teamgraph.matching.portfolio import staff
from teamgraph.matching.portfolio_model import met_units, met_weights
from teamgraph.matching.portfolio_pool import PortfolioPool
from teamgraph.matching.request import parse_portfolio

Q1 = {"start": "2026-01-01", "end": "2026-03-31"}
CLOSE = {"name": "Close", "window": Q1, "allocation": 0.5, "size": {"min": 1, "max": 1},
         "requirements": [{"skill": "budgeting", "level": 5}]}
AUDIT = {"name": "Audit", "window": Q1, "allocation": 0.5, "size": {"min": 1, "max": 1},
         "requirements": [{"skill": "budgeting", "level": 5}, {"skill": "negotiation", "level": 4},
                          {"skill": "k8s", "level": 5}, {"skill": "sql", "level": 5}]}
BODY = {"name": "quarter close", "max_load": 0.6, "requests": [CLOSE, AUDIT]}


def fay_on(res) -> str:
    [name] = [t["request"] for t in res.teams if any(m["id"] == "fay" for m in t["members"])]
    return name


def by_hand(res) -> float:
    """Σ over teams of (units − what `unmet` lists) / units, from the answer alone."""
    units = {"Close": 2, "Audit": 5}
    return sum(1 - sum(u.get("missing", 1) for u in t["unmet"]) / units[t["request"]] for t in res.teams)


@pytest.mark.parametrize("objective, fay", [("slots", "Audit"), ("fraction", "Close")])
def test_the_objective_chooses_where_the_scarce_person_goes(tiny_store, objective, fay):
    res = staff(tiny_store, parse_portfolio(BODY), time_limit=20, objective=objective)
    assert res.violations == [] and res.status == "optimal"
    assert res.objective == objective
    assert fay_on(res) == fay
    assert res.coverage == pytest.approx(by_hand(res))
    assert res.to_dict()["coverage"] == pytest.approx(res.coverage)


def test_fraction_weights_are_one_over_units_as_integers(tiny_store):
    pool = PortfolioPool(tiny_store, parse_portfolio(BODY), progress=False)
    assert [met_units(pb) for pb in pool.pbs] == [2, 5]
    assert met_weights(pool, "fraction") == [5, 2]  # lcm 10: 1/2 and 1/5 of it
    assert met_weights(pool, "slots") == [1, 1]
    with pytest.raises(ValueError, match="fraction, slots"):
        met_weights(pool, "people")


def test_staff_cli_takes_the_objective(tmp_path, tiny_data_dir):
    from click.testing import CliRunner

    from teamgraph.matching.cli import staff as staff_cmd
    path = tmp_path / "pf.json"
    path.write_text(json.dumps(BODY))
    runner = CliRunner()
    for objective, fay in (("fraction", "Close"), ("slots", "Audit")):
        out = runner.invoke(staff_cmd, [str(path), "--objective", objective, "--json", "--as-role", "hr"])
        assert out.exit_code == 0, out.output
        data = json.loads(out.stdout)
        assert data["objective"] == objective
        assert [t["request"] for t in data["teams"] if any(m["id"] == "fay" for m in t["members"])] == [fay]
    bad = runner.invoke(staff_cmd, [str(path), "--objective", "people"])
    assert bad.exit_code != 0 and "fraction" in bad.output


def test_each_team_states_its_cost_and_budget_for_hr_only(tiny_store):
    from teamgraph.matching.rules import HOURS_PER_DAY
    from teamgraph.present import redact
    body = {**BODY, "requests": [dict(CLOSE, budget=50000), AUDIT]}
    res = staff(tiny_store, parse_portfolio(body), time_limit=20)
    pool = PortfolioPool(tiny_store, parse_portfolio(body), progress=False)
    for k, team in enumerate(res.teams):
        pb = pool.pbs[k]
        by_id = {c.id: i for i, c in enumerate(pb.people)}
        want = sum(pb.people[by_id[m["id"]]].person.cost_rate * m["allocation"] * HOURS_PER_DAY * pb.duration_days
                   for m in team["members"])
        assert team["cost"] == pytest.approx(want, abs=0.01)
    assert [t["budget"] for t in res.teams] == [50000, None]
    seen = redact(res.to_dict(), "sponsor")
    assert all("cost" not in t and "budget" in t for t in seen["teams"])
    assert all("cost" in t for t in redact(res.to_dict(), "hr")["teams"])
