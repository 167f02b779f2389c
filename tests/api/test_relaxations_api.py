"""An infeasible request over the API (issue 9 item 5): the verified relaxations in the JSON, in
words that name people; HR sees the budget amount, a sponsor the relaxation without it."""

from __future__ import annotations


def _diagnosis(client, auth, body, role):
    r = client.post("/api/v1/teams/suggest", json={"request": body, "alternatives": 0}, headers=auth(role))
    assert r.status_code == 200, r.get_json()
    s = r.get_json()
    assert s["status"] == "infeasible"
    return s["diagnosis"]


def test_hr_gets_the_budget_amount_and_a_sponsor_does_not(client, auth, team_request):
    body = {**team_request, "allocation": 0.5, "size": {"min": 1, "max": 1}, "budget": 1000,
            "requirements": [{"skill": "budgeting", "level": 3}]}
    hr = _diagnosis(client, auth, body, "hr")
    (o,) = [o for o in hr["options"] if o["kind"] == "budget"]
    assert o["verified"] and o["team"] == ["gus"] and o["change"]["budget"] > 1000
    assert o["message"].startswith("raise the budget by ") and "Gus Berg" in o["message"]
    sponsor = _diagnosis(client, auth, body, "sponsor")
    (s,) = [o for o in sponsor["options"] if o["kind"] == "budget"]
    assert s["amount"] is None and s["change"] is None and s["plain"] is None and s["team"] == []
    assert s["message"].startswith("raise the budget (HR can say by how much")
    needed = f"{o['change']['budget']:,.0f}"
    assert needed not in str(sponsor) and needed.replace(",", "") not in str(sponsor)


def test_a_later_start_over_the_api_names_people(client, auth, team_request):
    body = {**team_request, "allocation": 0.5, "size": {"min": 1, "max": 1},
            "window": {"start": "2026-03-01", "end": "2026-09-30"}, "requirements": [{"skill": "k8s", "level": 4}]}
    d = _diagnosis(client, auth, body, "sponsor")
    (o,) = [o for o in d["options"] if o["kind"] == "start_after"]
    assert o["change"]["window.start"] == "2026-07-01" and o["team"] == ["ana"] and "Ana Lima" in o["message"]
    assert " ana " not in f" {o['message']} "
