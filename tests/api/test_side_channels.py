"""Side channels (issue 12): what a sponsor sees of a team must not give back collaboration
ratings (the cohesion attack: a team of two forced with `include`), and one rule for what a
sponsor may learn about a person's load, however the person got into the answer
(teamgraph/present.py documents both)."""

from __future__ import annotations

import json
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


LOAD_FIGURES = ("load_before", "load_after", "capacity", "util_after", "load", "weekly_load")


def test_an_included_person_shows_a_sponsor_the_rounded_before_and_the_fit_only(client, auth):
    # ana is at 70 % on p-plat in Q2 2026; a sponsor forces her in with include
    request = dict(REQUEST, include=["ana"])
    hr = {m["id"]: m for m in _suggest(client, auth, "hr", request)["team"]["members"]}
    sp = {m["id"]: m for m in _suggest(client, auth, "sponsor", request)["team"]["members"]}
    assert hr["ana"]["forced"] and hr["ana"]["load_before"] == pytest.approx(0.7)
    for m in sp.values():  # forced or proposed by the engine: the same rule
        for k in LOAD_FIGURES:
            assert k not in m, (m["id"], k)
        assert m["util_before"] == rounded_util(hr[m["id"]]["load_before"] / hr[m["id"]]["capacity"])
        assert m["availability_after"] == "within capacity"
    assert sp["ana"]["availability"] == "partly available" and sp["ana"]["util_before"] == 0.7
    assert sp["ana"]["allocation"] == hr["ana"]["allocation"]  # the request's own figure


def test_pins_get_the_same_rule_and_the_overload_has_no_percentage(client, auth):
    request = dict(REQUEST, requirements=[{"skill": "python", "level": 3}])
    hr = _suggest(client, auth, "hr", request, pins=["bo"])
    body = _suggest(client, auth, "sponsor", request, pins=["bo"])
    bo = next(m for m in body["team"]["members"] if m["id"] == "bo")
    assert bo["forced"] and bo["availability"] == "busy" and bo["availability_after"] == "over capacity"
    assert not set(LOAD_FIGURES) & set(bo)
    assert hr["forced_overload"][0]["utilisation"] == pytest.approx(1.3)
    assert body["forced_overload"] == [{"person": "bo", "name": "Bo Chen", "utilisation": None}]
    assert "feasible only with this forced overload: Bo Chen over capacity" in body["notes"]
    assert not any("130" in n for n in body["notes"])
    # the busiest member after joining is an after-figure too: neither the field nor the score term
    assert "max_util" in hr["team"] and "max_util" in hr["team"]["score"]
    assert "max_util" not in body["team"] and "max_util" not in body["team"]["score"]
    assert body["team"]["total"] == pytest.approx(sum(body["team"]["score"].values()), abs=1e-6)


# --- crafted requests (issue 12): however a sponsor brings ana into an answer, what they get
# back is the same whatever her exact capacity, as long as her rounded utilisation before and
# whether the allocation fits stay the same (her capacity 1.0, 1.05, 1.1: 70 % before, fits).

Q2 = {"start": "2026-04-01", "end": "2026-06-30"}
ONLY_ANA = {"name": "Only ana", "window": Q2, "allocation": 0.3, "size": 1,
            "requirements": [{"skill": "k8s", "level": 4}]}  # nobody else holds k8s at 4
SQL_ONE = {"name": "One SQL", "window": Q2, "allocation": 0.3, "size": 1, "requirements": [{"skill": "sql"}]}
CRAFTED = {
    "proposed by the engine": ("/api/v1/teams/suggest", {"request": ONLY_ANA, "alternatives": 0}),
    "include": ("/api/v1/teams/suggest", {"request": dict(SQL_ONE, include=["ana"]), "alternatives": 0}),
    "pins": ("/api/v1/teams/suggest", {"request": SQL_ONE, "pins": ["ana"], "alternatives": 0}),
    "previous": ("/api/v1/teams/resolve", {"request": ONLY_ANA, "previous": ["ana", "cy"]}),
    "why-not": ("/api/v1/teams/why-not", {"request": dict(SQL_ONE, exclude=["ana"]), "person": "ana"}),
    "kickoff": ("/api/v1/kickoff", {"brief": "platform upgrade", "request": ONLY_ANA}),
}


def _set_capacity(store, person: str, capacity: float) -> None:
    from dataclasses import replace
    store.apply(ChangeSet().add(replace(store.get("person", person), capacity=capacity)))


def _answer(client, auth, role: str, path: str, body: dict) -> dict:
    resp = client.post(path, json=body, headers=auth(role))
    assert resp.status_code == 200, resp.get_json()
    return _without_timing(resp.get_json())


def _timeless(data):
    """An answer without its timings (seconds, solves), at any depth (kickoff nests the team)."""
    if isinstance(data, dict):
        return {k: _timeless(v) for k, v in data.items() if k not in ("seconds", "solves")}
    if isinstance(data, list):
        return [_timeless(v) for v in data]
    return data


@pytest.mark.parametrize("route", list(CRAFTED))
def test_no_crafted_request_tells_a_sponsor_a_persons_exact_capacity(client, auth, tiny_store, service, route):
    path, body = CRAFTED[route]
    views = {"hr": [], "sponsor": []}
    for capacity in (1.0, 1.05, 1.1):
        _set_capacity(tiny_store, "ana", capacity)
        service._changed()
        for role in views:
            views[role].append(_timeless(_answer(client, auth, role, path, body)))
    sponsor = views["sponsor"]
    assert sponsor[0] == sponsor[1] == sponsor[2], route
    text = json.dumps(sponsor[0])
    assert '"ana"' in text  # she is in the answer
    assert '"load_before"' not in text and '"capacity"' not in text and '"load_after"' not in text
    if route != "why-not":  # HR's answer does move with the capacity (so the sponsor's could have)
        assert views["hr"][0] != views["hr"][1] != views["hr"][2]


def test_stepping_the_allocation_tells_a_sponsor_only_whether_it_fits(client, auth):
    """Bands or rounded figures after joining would flip at two allocations and give back load and
    capacity exactly (0.5·C − L and 0.85·C − L); the one after-figure shown flips once, at C − L."""
    seen_hr, seen_sponsor = set(), []
    for step in range(1, 21):
        request = dict(SQL_ONE, include=["ana"], allocation=round(0.05 * step, 2))
        hr = _suggest(client, auth, "hr", request)["team"]["members"][0]
        sp = _suggest(client, auth, "sponsor", request)["team"]["members"][0]
        seen_hr.add(round(hr["load_after"], 4))
        seen_sponsor.append({k: v for k, v in sp.items() if k != "allocation"})
    assert len(seen_hr) == 20  # HR sees every step
    rows = [json.dumps(r, sort_keys=True) for r in seen_sponsor]
    assert len(set(rows)) == 2  # before the headroom runs out, and after
    changes = sum(a != b for a, b in zip(rows, rows[1:]))
    assert changes == 1 and seen_sponsor[0]["availability_after"] == "within capacity"
    assert seen_sponsor[-1]["availability_after"] == "over capacity"
    assert {r["util_before"] for r in seen_sponsor} == {0.7}


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
