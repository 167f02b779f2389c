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


def test_free_time_and_profiles_follow_capacity_periods_and_leave(client, auth, tiny_store):
    # February 2026: cy (capacity 0.8, 0.4 on p-plat) has 0.4 free; at 0.5 FTE from 16 February, 0.1
    tiny_store.apply(ChangeSet().add(CapacityPeriod("cy", date(2026, 2, 16), None, 0.5),
                                     TimeOff("cy", date(2026, 2, 2), date(2026, 2, 6))))
    window = {"start": "2026-02-01", "end": "2026-02-28"}
    def free(min_fte):
        got = client.get("/api/v1/people", query_string={"department": "eng", "min_fte": min_fte, **window},
                         headers=auth("hr")).get_json()
        return {p["id"]: round(p["available_fte"], 6) for p in got["people"]}
    assert "cy" not in free("0.2") and free("0.1")["cy"] == 0.1
    prof = client.get("/api/v1/people/cy", query_string=window, headers=auth("hr")).get_json()
    assert prof["away"] == [{"start": "2026-02-02", "end": "2026-02-06"}]
    assert prof["capacity_periods"] == [{"start": "2026-02-16", "end": None, "capacity": 0.5}]
    member = client.get("/api/v1/people/cy", query_string=window, headers=auth("member")).get_json()
    assert "capacity_periods" not in member and member["availability"] == "partly available"  # 80 %
