"""Team endpoints through the test client: suggest, alternatives, why-not, pin and re-solve,
diagnosis of infeasible requests, portfolio staffing."""

from __future__ import annotations

import pytest


def _ids(team) -> set[str]:
    return {m["id"] for m in team["members"]}


def test_suggest_returns_a_team_that_meets_the_request(client, auth, team_request):
    resp = client.post("/api/v1/teams/suggest", json={"request": team_request, "alternatives": 2},
                       headers=auth("hr"))  # HR sees the load arithmetic; a sponsor its rounded form
    assert resp.status_code == 200
    s = resp.get_json()
    assert s["status"] == "optimal" and s["proven_optimal"]
    team = s["team"]
    # coverage, re-checked here from what the API returned
    covered = [c["skill"] for m in team["members"] for c in m["covers"]]
    assert covered.count("sql") >= 2 and covered.count("budgeting") >= 1
    assert all(c["level"] >= c["required_level"] for m in team["members"] for c in m["covers"])
    assert 2 <= len(team["members"]) <= 4
    # nobody overloaded, and the load arithmetic is shown
    for m in team["members"]:
        assert m["load_after"] == pytest.approx(m["load_before"] + m["allocation"])
        assert m["load_after"] <= m["capacity"] + 1e-9
    assert set(team["score"]) >= {"skill_fit", "cohesion", "max_util"}
    # alternatives differ from the team and from each other
    teams = [_ids(team)] + [_ids(a) for a in s["alternatives"]]
    assert len(s["alternatives"]) >= 1
    assert len({frozenset(t) for t in teams}) == len(teams)


def test_suggest_is_deterministic(client, auth, team_request):
    body = {"request": team_request, "alternatives": 1, "seed": 7}
    a = client.post("/api/v1/teams/suggest", json=body, headers=auth("sponsor")).get_json()
    b = client.post("/api/v1/teams/suggest", json=body, headers=auth("sponsor")).get_json()
    assert [m["id"] for m in a["team"]["members"]] == [m["id"] for m in b["team"]["members"]]
    assert a["team"]["total"] == b["team"]["total"]


def test_infeasible_request_is_diagnosed_not_an_error(client, auth, team_request):
    team_request["requirements"] = [{"skill": "k8s", "level": 4, "count": 2}]
    resp = client.post("/api/v1/teams/suggest", json={"request": team_request}, headers=auth("sponsor"))
    assert resp.status_code == 200
    s = resp.get_json()
    assert s["status"] == "infeasible" and s["team"] is None
    d = s["diagnosis"]
    assert d["summary"] and d["requirements"][0]["satisfiable_alone"] is False
    assert "Kubernetes" in d["requirements"][0]["message"]


def test_why_not_gives_the_binding_reason(client, auth, team_request):
    resp = client.post("/api/v1/teams/why-not", json={"request": team_request, "person": "hal"},
                       headers=auth("sponsor"))
    w = resp.get_json()
    assert resp.status_code == 200 and w["kind"] == "missing_level" and not w["in_team"]
    team = client.post("/api/v1/teams/suggest", json={"request": team_request}, headers=auth("sponsor")).get_json()
    member = team["team"]["members"][0]["id"]
    w = client.post("/api/v1/teams/why-not", json={"request": team_request, "person": member},
                    headers=auth("sponsor")).get_json()
    assert w["in_team"] and w["kind"] == "in_team"


def test_why_not_unknown_person_is_400(client, auth, team_request):
    resp = client.post("/api/v1/teams/why-not", json={"request": team_request, "person": "zed"},
                       headers=auth("sponsor"))
    assert resp.status_code == 400 and resp.get_json()["fields"][0]["field"] == "person"
    resp = client.post("/api/v1/teams/why-not", json={"request": team_request}, headers=auth("sponsor"))
    assert resp.status_code == 400 and resp.get_json()["fields"][0]["field"] == "person"


def test_pin_and_resolve_keeps_the_pins_and_reports_the_diff(client, auth, team_request):
    first = client.post("/api/v1/teams/suggest", json={"request": team_request}, headers=auth("sponsor")).get_json()
    before = [m["id"] for m in first["team"]["members"]]
    pin = next(p for p in ("gus", "cy", "fay") if p not in before) if set(before) != {"gus", "cy", "fay"} else "ana"
    team_request["size"] = {"min": 2, "max": 5}
    resp = client.post("/api/v1/teams/resolve", json={"request": team_request, "pins": [pin], "previous": before},
                       headers=auth("sponsor"))
    assert resp.status_code == 200
    again = resp.get_json()
    after = [m["id"] for m in again["team"]["members"]]
    assert pin in after and again["pins"] == [pin]
    diff = again["diff"]
    assert set(diff["added"]) == set(after) - set(before) and set(diff["removed"]) == set(before) - set(after)
    assert set(diff["kept"]) == set(after) & set(before)


def test_portfolio_staffing_for_hr(client, auth, team_request):
    other = dict(team_request, name="Hiring", requirements=[{"skill": "recruiting", "level": 3}],
                 size={"min": 1, "max": 2})
    resp = client.post("/api/v1/portfolio/staff", json={"portfolio": {"requests": [team_request, other]}},
                       headers=auth("hr"))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["covered"] == body["required"] == 4  # 2 sql + 1 budgeting + 1 recruiting
    assert len(body["teams"]) == 2
    assert all(p["load_after"] <= p["capacity"] + 1e-9 for p in body["people"])
    assert body["max_util"] <= body["baseline_max_util"] + 1e-9
