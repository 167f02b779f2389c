"""The portfolio route's `objective` (soft mode's: matching.request_fields.OBJECTIVES): chosen per
call, validated with the same constant the OpenAPI document lists, and echoed in the answer."""

from __future__ import annotations

from teamgraph.matching import request_fields as rf


def test_the_objective_is_chosen_validated_and_described(client, auth, team_request):
    body = {"portfolio": {"requests": [team_request]}, "max_load": 0.9}
    for objective in rf.OBJECTIVES:
        resp = client.post("/api/v1/portfolio/staff", json={**body, "objective": objective}, headers=auth("hr"))
        assert resp.status_code == 200, resp.get_json()
        answer = resp.get_json()
        assert answer["objective"] == objective and 0 <= answer["coverage"] <= 1
    default = client.post("/api/v1/portfolio/staff", json=body, headers=auth("hr")).get_json()
    assert default["objective"] == rf.STAFF_OBJECTIVE
    bad = client.post("/api/v1/portfolio/staff", json={**body, "objective": "people"}, headers=auth("hr"))
    assert bad.status_code == 400
    assert [f["field"] for f in bad.get_json()["fields"]] == ["objective"]
    doc = client.get("/api/v1/openapi.json").get_json()
    schema = doc["paths"]["/api/v1/portfolio/staff"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["objective"]["enum"] == list(rf.OBJECTIVES)
