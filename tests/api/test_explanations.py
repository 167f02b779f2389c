"""Explanations in business terms on a suggestion: requirements met (n of m, who at which level),
skill fit %, load before → after, cost; what an alternative changes and what it costs in score;
the score's parts with their meaning — computed after the role redactions, so a sponsor's words
hold only figures a sponsor may see."""

from __future__ import annotations

import pytest


def _suggest(client, auth, body, role="sponsor"):
    resp = client.post("/api/v1/teams/suggest", json=body, headers=auth(role))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def test_team_summary_counts_requirements_met_with_who_and_levels(client, auth, team_request):
    s = _suggest(client, auth, {"request": team_request, "alternatives": 2})
    team = s["team"]
    summary = team["summary"]
    assert summary["requirements_total"] == 2 and summary["requirements_met"] == 2
    by_label = {r["label"]: r for r in summary["requirements"]}
    assert set(by_label) == {"SQL", "Budgeting"}  # the id "sql" was typed: the skill's name is shown
    sql = by_label["SQL"]
    covering = {(m["name"], c["level"]) for m in team["members"] for c in m["covers"] if c["skill"] == "sql"}
    assert {(f["name"], f["level"]) for f in sql["filled"]} == covering and len(covering) >= 2
    assert sql["words"].startswith("SQL ≥ 3 × 2: ")
    assert summary["words"].startswith("covers 2 of 2 requirements, skill fit ")
    assert 0 < summary["fit_pct"] <= 1
    assert "cost" not in team and summary["cost"] is None and "costs" not in summary["words"]  # HR only
    hr = _suggest(client, auth, {"request": team_request}, "hr")["team"]
    assert hr["summary"]["cost"] == pytest.approx(hr["cost"]) and hr["cost"] > 0
    assert f"costs {hr['cost']:,.0f}" in hr["summary"]["words"]


def test_member_explain_says_what_they_cover_and_their_load(client, auth, team_request):
    team = _suggest(client, auth, {"request": team_request}, "hr")["team"]
    for m in team["members"]:
        if m["covers"]:
            c = m["covers"][0]
            assert f"covers {c['label']} at level {c['level']} (needs {c['required_level']})" in m["explain"]
        before, after = (round(m[k] / m["capacity"] * 100) for k in ("load_before", "load_after"))
        assert f"load {before} % → {after} % of capacity" in m["explain"]
    # a sponsor gets the words for the figures a sponsor has (teamgraph.present), never the load after
    for m in _suggest(client, auth, {"request": team_request})["team"]["members"]:
        if "load_after" in m:  # the figures a sponsor was given
            assert "% of capacity" in m["explain"]
        else:
            before = ("free before joining" if m["util_before"] == 0 else
                      f"{round(m['util_before'] * 100)} % of capacity in use before joining")
            assert f"{before}, {m['availability_after']} after" in m["explain"] and "→" not in m["explain"]


def test_score_parts_have_meanings_and_add_up_to_what_the_viewer_sees(client, auth, team_request):
    for role in ("sponsor", "hr"):
        team = _suggest(client, auth, {"request": team_request}, role)["team"]
        parts = team["score_parts"]
        assert {p["term"] for p in parts} == set(team["score"])
        assert all(p["meaning"] and p["words"].startswith(p["label"]) for p in parts)
        assert sum(p["value"] for p in parts) == pytest.approx(team["total"], abs=1e-3)
        size = next(p for p in parts if p["term"] == "members")
        assert size["label"] == "team size" and "commitment" in size["meaning"]
    sponsor = {p["term"] for p in _suggest(client, auth, {"request": team_request})["team"]["score_parts"]}
    assert "busy" not in sponsor  # withheld from sponsors (teamgraph.present), so not put into words either


@pytest.mark.parametrize("role", ["hr", "sponsor"])
def test_an_alternative_says_whom_it_swaps_and_what_it_costs(client, auth, team_request, role):
    s = _suggest(client, auth, {"request": team_request, "alternatives": 2}, role)
    best = {m["id"]: m["name"] for m in s["team"]["members"]}
    assert s["alternatives"]
    for alt in s["alternatives"]:
        v = alt["versus_best"]
        ids = {m["id"] for m in alt["members"]}
        assert {p["id"] for p in v["added"]} == ids - set(best)
        assert {p["id"] for p in v["removed"]} == set(best) - ids
        assert v["score_delta"] == pytest.approx(alt["total"] - s["team"]["total"], abs=1e-3)
        if role == "hr":
            assert v["score_delta"] <= 1e-9  # the suggested team is the best (on every part, all shown to HR)
        elif v["score_delta"] > 0:  # a sponsor's total leaves parts out: the words say so
            assert "lower overall" in v["words"] and "not shown" in v["words"]
        if v["added"] and v["removed"]:
            assert v["words"].startswith("swaps " + v["removed"][0]["name"])
            assert v["added"][-1]["name"] in v["words"].split(";")[0]
        if v["score_delta"] < -0.005:
            assert f"scores {abs(v['score_delta']):.2f} lower" in v["words"]


def test_an_infeasible_request_says_the_smallest_change_in_plain_words(client, auth, team_request):
    team_request["requirements"] = [{"skill": "sql", "level": 3}]
    team_request["size"] = {"min": 5, "max": 5}
    team_request["departments"] = {"max_per_department": 1}  # four departments: at most four people
    s = _suggest(client, auth, {"request": team_request})
    assert s["status"] == "infeasible"
    changes = [r["message"] for r in s["diagnosis"]["relaxation"]]
    assert changes and all(m == "accept a team smaller than 5" or
                           m.startswith("allow more than 1 person from ") for m in changes), changes
    assert "team size ≥ 5" in s["diagnosis"]["conflict"]


def test_an_alternative_ahead_on_the_parts_shown_is_said_to_lose_on_the_parts_not_shown():
    from teamgraph.matching.explain import versus
    best = {"members": [{"id": "a", "name": "Ann Lee"}, {"id": "b", "name": "Bo Chen"}], "total": 1.0,
            "score": {"skill_fit": 2.0, "members": -1.0}}
    alt = {"members": [{"id": "a", "name": "Ann Lee"}, {"id": "c", "name": "Cy Park"}], "total": 1.2,
           "score": {"skill_fit": 2.2, "members": -1.0}}
    v = versus(alt, best)
    assert v["added"] == [{"id": "c", "name": "Cy Park"}] and v["removed"] == [{"id": "b", "name": "Bo Chen"}]
    assert v["words"] == ("swaps Bo Chen for Cy Park; scores 0.20 higher on the parts shown here (skill fit +0.20), "
                          "but lower overall: the suggested team also wins on parts of the score you are not shown "
                          "(load and ratings)")
    worse = versus(dict(alt, total=0.7, score={"skill_fit": 1.7, "members": -1.0}), best)
    assert worse["words"] == "swaps Bo Chen for Cy Park; scores 0.30 lower (skill fit -0.30)"
