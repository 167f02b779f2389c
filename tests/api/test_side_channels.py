"""Side channels (issue 12): what a sponsor sees of a team must not give back collaboration
ratings (the cohesion attack: a team of two forced with `include`), and one rule for what a
sponsor may learn about a person's load, however the person got into the answer
(teamgraph/present.py documents both)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from teamgraph.graph.model import ChangeSet, CollaborationRating

from tests.api.api_samples import REQUEST

# ana and gus worked together once (p-crm) and rated each other; both hold sql 3. Q3 2026: both free.
PAIR = {"name": "Pair", "window": {"start": "2026-07-01", "end": "2026-09-30"}, "allocation": 0.3,
        "requirements": [{"skill": "sql", "level": 3, "count": 2}], "size": {"min": 2, "max": 2},
        "include": ["ana", "gus"]}
TIMES = 1  # projects together


def rounded_util(u):
    """A utilisation rounded up to the next 10 % (what present.rounded_util promises)."""
    return u if u is None else round(math.ceil(u * 10 - 1e-6) / 10, 1)


def _suggest(client, auth, role, request=PAIR, **extra):
    resp = client.post("/api/v1/teams/suggest", json={"request": request, "alternatives": 0, **extra},
                       headers=auth(role))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def _attack(team: dict) -> float:
    """The issue's formula: rating = 3 + 4·(cohesion/0.3 − min(t,3)/6)."""
    return 3 + 4 * (team["score"]["cohesion"] / 0.3 - min(TIMES, 3) / 6)


def _rate(store, score: int) -> None:
    store.apply(ChangeSet().add(
        CollaborationRating("ana", "gus", "p-crm", date(2025, 7, 1), score, score, score, ""),
        CollaborationRating("gus", "ana", "p-crm", date(2025, 7, 1), score, score, score, "")))


def _without_timing(body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in ("seconds", "solves")}


def test_the_cohesion_attack_recovers_the_rating_for_hr_but_not_for_a_sponsor(client, auth):
    hr = _suggest(client, auth, "hr")
    assert sorted(hr["team"]["ids"] if "ids" in hr["team"] else [m["id"] for m in hr["team"]["members"]]) == [
        "ana", "gus"]
    # ana→gus 4.33, gus→ana 4.67: mean 4.5, exactly what HR's cohesion term gives back
    assert _attack(hr["team"]) == pytest.approx(4.5, abs=0.01)
    sponsor = _suggest(client, auth, "sponsor")
    assert _attack(sponsor["team"]) == pytest.approx(3.0, abs=1e-6)  # the neutral rating: nothing learnt
    assert sponsor["team"]["total"] == pytest.approx(sum(sponsor["team"]["score"].values()), abs=1e-6)
    assert "cohesion_together" not in sponsor["team"]


def test_a_sponsors_view_is_the_same_whatever_the_pair_rated_each_other(client, auth, tiny_store):
    hr, sponsor = _suggest(client, auth, "hr"), _suggest(client, auth, "sponsor")
    _rate(tiny_store, 1)
    hr_low, sponsor_low = _suggest(client, auth, "hr"), _suggest(client, auth, "sponsor")
    assert hr_low["team"]["score"]["cohesion"] < hr["team"]["score"]["cohesion"]  # the rating did change
    assert _without_timing(sponsor_low) == _without_timing(sponsor)
    _rate(tiny_store, 5)
    assert _without_timing(_suggest(client, auth, "sponsor")) == _without_timing(sponsor)


def test_a_sponsor_does_not_see_the_busy_term_and_the_total_adds_up(client, auth):
    hr = _suggest(client, auth, "hr", REQUEST)
    sponsor = _suggest(client, auth, "sponsor", REQUEST)
    assert "busy" in hr["team"]["score"] and "busy" not in sponsor["team"]["score"]
    assert sponsor["team"]["total"] == pytest.approx(sum(sponsor["team"]["score"].values()), abs=1e-6)


def test_an_included_person_shows_a_sponsor_a_band_not_their_load(client, auth):
    # ana is at 70 % on p-plat in Q2 2026; a sponsor forces her in with include
    request = dict(REQUEST, include=["ana"])
    hr = {m["id"]: m for m in _suggest(client, auth, "hr", request)["team"]["members"]}
    sp = {m["id"]: m for m in _suggest(client, auth, "sponsor", request)["team"]["members"]}
    assert hr["ana"]["forced"] and hr["ana"]["load_before"] == pytest.approx(0.7)
    ana = sp["ana"]
    for k in ("load_before", "load_after", "capacity", "util_before", "util_after"):
        assert k not in ana, k
    assert ana["availability"] == "partly available" and ana["availability_after"] == "busy"
    assert ana["allocation"] == hr["ana"]["allocation"]  # the request's own figure
    # members the engine proposed keep the load arithmetic (README: peak utilisation of those proposed)
    proposed = [m for m in sp.values() if not m["forced"]]
    assert proposed and all("load_before" in m and "capacity" in m for m in proposed)


def test_pins_get_the_same_rule_and_the_overload_is_rounded(client, auth):
    body = _suggest(client, auth, "sponsor", dict(REQUEST, requirements=[{"skill": "python", "level": 3}]),
                    pins=["bo"])
    bo = next(m for m in body["team"]["members"] if m["id"] == "bo")
    assert bo["forced"] and "load_before" not in bo and "capacity" not in bo and bo["availability"] == "busy"
    assert [o["person"] for o in body["forced_overload"]] == ["bo"]
    for o in body["forced_overload"]:
        assert o["utilisation"] == rounded_util(o["utilisation"])
    assert body["team"]["max_util"] == rounded_util(body["team"]["max_util"])


def test_why_not_and_experts_follow_the_same_rule(client, auth):
    body = {"request": dict(REQUEST, requirements=[{"skill": "python", "level": 3}]), "person": "bo"}
    sp = client.post("/api/v1/teams/why-not", json=body, headers=auth("sponsor")).get_json()
    assert sp["kind"] == "over_capacity" and "capacity" not in sp["details"]
    experts = client.get("/api/v1/experts?q=kubernetes+platform+upgrade&k=5", headers=auth("sponsor")).get_json()
    for e in experts["experts"]:
        assert "load" not in e and "capacity" not in e
        assert e["utilisation"] is None or e["utilisation"] == rounded_util(e["utilisation"])


def test_why_not_cost_has_no_figures_for_a_sponsor(client, auth):
    body = {"request": PAIR | {"include": [], "size": {"min": 2, "max": 3}}, "person": "ana"}
    hr = client.post("/api/v1/teams/why-not", json=body, headers=auth("hr")).get_json()
    sp = client.post("/api/v1/teams/why-not", json=body, headers=auth("sponsor")).get_json()
    assert hr["kind"] == sp["kind"] == "cost" and "replacing Gus Berg" in sp["reason"]
    assert "cost" in hr["details"] and "score" in hr["details"]
    assert not {"cost", "score", "scale"} & set(sp["details"]) and "scores lower" in sp["reason"]
    assert not any(ch.isdigit() for ch in sp["reason"])


def test_rounded_utilisation_keeps_over_and_within_capacity():
    from teamgraph.present import rounded_util
    assert rounded_util(0.91) == 1.0 and rounded_util(1.0) == 1.0 and rounded_util(1.04) == 1.1
    assert rounded_util(0.3 + 0.7) == 1.0 and rounded_util(0.0) == 0.0 and rounded_util(None) is None
