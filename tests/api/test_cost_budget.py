"""Every suggestion states the team's cost against the request's budget (issue 9 item 6), for the
roles that may see costs; sponsors see their budget but never a cost or what the budget leaves."""

from __future__ import annotations

import pytest


def _team(client, auth, body, role):
    r = client.post("/api/v1/teams/suggest", json={"request": body, "alternatives": 1}, headers=auth(role))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_hr_sees_cost_against_the_budget(client, auth, team_request):
    answer = _team(client, auth, {**team_request, "budget": 60000}, "hr")
    for team in [answer["team"], *answer["alternatives"]]:
        s = team["summary"]
        assert s["budget"] == 60000 and s["cost"] == pytest.approx(team["cost"]) and team["cost"] <= 60000
        assert s["budget_left"] == pytest.approx(60000 - team["cost"])
        assert f"costs {team['cost']:,.0f} of the 60,000 budget ({s['budget_left']:,.0f} left)" in s["words"]


def test_without_a_budget_hr_is_told_so(client, auth, team_request):
    s = _team(client, auth, team_request, "hr")["team"]["summary"]
    assert s["budget"] is None and s["budget_left"] is None and s["words"].endswith("(no budget set)")


def test_sponsors_see_their_budget_but_no_cost(client, auth, team_request):
    s = _team(client, auth, {**team_request, "budget": 60000}, "sponsor")["team"]["summary"]
    assert s["budget"] == 60000 and s["cost"] is None and s["budget_left"] is None
    assert "costs" not in s["words"] and "left" not in s["words"]
