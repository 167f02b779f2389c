"""The API on time-phased data: a member working at capacity 0 is an infinite utilisation, which
JSON cannot say: the answer is still strict JSON (null), and the words say what happened."""

from __future__ import annotations

import json
from datetime import date

from teamgraph.graph.model import CapacityPeriod, ChangeSet, TimeOff


def test_a_forced_member_at_capacity_0_gives_strict_json(client, auth, tiny_store, team_request):
    tiny_store.apply(ChangeSet().add(CapacityPeriod("ana", date(2026, 1, 1), None, 0.0)))
    body = {"request": dict(team_request, include=["ana"]), "alternatives": 0}
    resp = client.post("/api/v1/teams/suggest", json=body, headers=auth("hr"))
    assert resp.status_code == 200
    data = json.loads(resp.get_data(as_text=True), parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert data["status"] == "overloaded"
    [over] = [o for o in data["forced_overload"] if o["person"] == "ana"]
    assert over["utilisation"] is None
    assert any("Ana Lima working while at capacity 0" in n for n in data["notes"])


def test_why_not_says_away_with_the_dates(client, auth, tiny_store, team_request):
    window = team_request["window"]
    start, end = date.fromisoformat(window["start"]), date.fromisoformat(window["end"])
    tiny_store.apply(ChangeSet().add(TimeOff("ana", start, end)))
    body = {"request": team_request, "person": "ana"}
    got = client.post("/api/v1/teams/why-not", json=body, headers=auth("sponsor")).get_json()
    assert got["kind"] == "away"
    assert got["details"]["away"] == [{"start": start.isoformat(), "end": end.isoformat()}]
    assert f"away {start.day} {start:%b} – {end.day} {end:%b}" in got["reason"]
