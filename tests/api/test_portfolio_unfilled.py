"""A portfolio team's unfilled skill slots are named (skill name and level), not counted: the
staffing JSON keeps the skill ids in `uncovered` and carries `unfilled` in words
(matching.render.unfilled_words, the one wording), and a portfolio what-if's columns carry the
same words, with each slot said once (soft mode's unmet lists the other rules only). On
tests/tinyorg.py (both stores): under a 30 % cap nobody holding Python or recruiting fits."""

from __future__ import annotations

Q1 = {"start": "2026-01-01", "end": "2026-03-31"}
SHORT = [  # Operations has free people; Python ≥ 3 and recruiting ≥ 3 stay unfilled under the cap
    {"name": "Q", "window": Q1, "allocation": 0.3, "size": {"min": 1, "max": 3},
     "departments": {"required": ["ops"]}, "requirements": [{"skill": "Python", "level": 3}]},
    {"name": "Hiring", "window": Q1, "allocation": 0.5, "size": {"min": 1, "max": 3},
     "requirements": [{"skill": "recruiting", "level": 3, "count": 2}]}]


def test_staffing_json_names_the_unfilled_slots_and_keeps_their_ids(client, auth):
    r = client.post("/api/v1/portfolio/staff", json={"portfolio": {"requests": SHORT}, "max_load": 0.3},
                    headers=auth("hr"))
    assert r.status_code == 200, r.get_json()
    teams = {t["request"]: t for t in r.get_json()["teams"]}
    assert teams["Q"]["uncovered"] == [{"skill": "python", "label": "Python", "level": 3, "missing": 1}]
    assert teams["Q"]["unfilled"] == "unfilled: Python (level 3)"
    assert teams["Hiring"]["uncovered"] == [{"skill": "recruiting", "label": "Recruiting", "level": 3, "missing": 2}]
    assert teams["Hiring"]["unfilled"] == "unfilled: Recruiting (level 3, 2 people)"  # a bare id reads as its name


def test_a_fully_staffed_team_has_nothing_unfilled(client, auth, team_request):
    r = client.post("/api/v1/portfolio/staff", json={"portfolio": {"requests": [team_request]}}, headers=auth("hr"))
    assert r.status_code == 200, r.get_json()
    [team] = r.get_json()["teams"]
    assert team["uncovered"] == [] and team["unfilled"] == ""


def test_a_portfolio_what_if_names_the_unfilled_slots_once(client, auth):
    body = {"scenario": {"name": "Ana leaves", "changes": [{"remove": {"person": "ana", "from": "2026-01-01"}}]},
            "portfolio": {"requests": SHORT, "max_load": 0.3}}  # soft mode: the cap leaves slots unfilled
    r = client.post("/api/v1/scenarios/run", json=body, headers=auth("hr"))
    assert r.status_code == 200, r.get_json()
    out = r.get_json()
    for side in ("current", "with_scenario"):
        q, hiring = out[side]["teams"]
        assert q["unfilled"] == "unfilled: Python (level 3)"
        assert hiring["unfilled"] == "unfilled: Recruiting (level 3, 2 people)"
        assert q["uncovered"][0]["skill"] == "python"  # ids stay for programs
        for t in (q, hiring):  # the other unmet rules only: a slot short is not said a second time
            assert not any("Python" in m or "Recruiting" in m for m in t["unmet"])
