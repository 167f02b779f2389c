"""PUT /api/v1/scenarios/{id} with a bad body: a body over the size limit, one nested deeper than
the limit, a body that is not an object and fields of the wrong type each get a 4xx naming the
request field (or the limit), and nothing is written — the saved scenario, its version and its
file stay as they were (README "Limits"; teamgraph.scenario_shelf validates before writing)."""

from __future__ import annotations

import json

import pytest

from teamgraph import limits

from tests.api.test_limits import _error as refused  # status, no traceback, the field named

LEAVES = {"name": "Ana Lima leaves in spring", "changes": [{"remove": {"person": "Ana Lima", "from": "2026-04-01"}}]}
LATER = {"name": "Ana Lima leaves in summer", "changes": [{"remove": {"person": "ana", "from": "2026-07-01"}}]}


@pytest.fixture
def saved(client, auth, settings):
    r = client.post("/api/v1/scenarios", json={"scenario": LEAVES}, headers=auth("hr"))
    assert r.status_code == 201, r.get_json()
    out = r.get_json()
    path = settings.data_dir / "scenarios" / f"{out['id']}.json"
    return out | {"path": path, "bytes": path.read_bytes()}


def put_raw(client, auth, scenario_id: str, data: str):
    return client.put(f"/api/v1/scenarios/{scenario_id}", data=data, content_type="application/json",
                      headers=auth("hr"))


def unchanged(client, auth, saved) -> None:
    kept = client.get(f"/api/v1/scenarios/{saved['id']}", headers=auth("hr")).get_json()
    assert kept["version"] == 1 and kept["scenario"] == LEAVES and kept["status"] == "saved"
    assert "updated_at" not in kept and "updated_by" not in kept
    assert saved["path"].read_bytes() == saved["bytes"]  # not even rewritten as it was


def test_a_body_over_the_size_limit_is_413_naming_the_limit(client, auth, saved):
    data = json.dumps({"scenario": {**LATER, "description": "x" * (limits.MAX_JSON_BODY + 10)}, "version": 1})
    body = refused(put_raw(client, auth, saved["id"], data), 413, "body")
    assert str(limits.MAX_JSON_BODY) in body["message"]
    unchanged(client, auth, saved)


def test_a_deeply_nested_body_is_400_naming_the_depth_limit(client, auth, saved):
    deep = "[" * 1000 + "]" * 1000
    for data in (deep, json.dumps({"scenario": LATER, "version": 1})[:-1] + ', "pad": ' + deep + "}",
                 '{"scenario": {"name": "x", "changes": ' + deep + '}, "version": 1}'):
        body = refused(put_raw(client, auth, saved["id"], data), 400, "body")
        assert str(limits.MAX_JSON_DEPTH) in body["fields"][0]["message"]
    unchanged(client, auth, saved)


@pytest.mark.parametrize("data", ['[{"scenario": {}, "version": 1}]', '"scenario"', "17", "null", "true", "{not json"])
def test_a_body_that_is_not_a_json_object_is_400(client, auth, saved, data):
    body = refused(put_raw(client, auth, saved["id"], data), 400, "body")
    assert "JSON object" in body["fields"][0]["message"]
    unchanged(client, auth, saved)


def test_a_body_that_is_not_json_is_400(client, auth, saved):
    r = client.put(f"/api/v1/scenarios/{saved['id']}", data="scenario=x&version=1",
                   content_type="application/x-www-form-urlencoded", headers=auth("hr"))
    refused(r, 400, "body")
    unchanged(client, auth, saved)


@pytest.mark.parametrize("body,field,words", [
    ({"scenario": LATER, "version": "1"}, "version", "must be an integer, not a string"),
    ({"scenario": LATER, "version": True}, "version", "must be an integer, not true/false"),
    ({"scenario": LATER, "version": 1.5}, "version", "must be an integer, not a number"),
    ({"scenario": LATER, "version": [1]}, "version", "must be an integer, not a list"),
    ({"scenario": LATER, "version": 0}, "version", "at least 1"),
    ({"scenario": LATER, "version": -3}, "version", "at least 1"),
    ({"scenario": LATER}, "version", "is required"),
    ({"scenario": [LATER], "version": 1}, "scenario", "must be a scenario object"),
    ({"scenario": "Ana leaves", "version": 1}, "scenario", "must be a scenario object"),
    ({"version": 1}, "scenario", "must be a scenario object"),
    ({"scenario": {**LATER, "name": {"text": "x"}}, "version": 1}, "scenario.name", "must be text"),
    ({"scenario": {**LATER, "changes": {"remove": {"person": "ana"}}}, "version": 1}, "scenario.changes", "list"),
    ({"scenario": {**LATER, "changes": ["remove ana"]}, "version": 1}, "scenario.changes[0]", ""),
    ({"scenario": {**LATER, "changes": [{"remove": {"person": ["ana"], "from": "2026-07-01"}}]}, "version": 1},
     "scenario.changes[0].remove.person", ""),
    # a name that matches no one is named as apply and run name it (the change's path, its did-you-mean)
    ({"scenario": {**LATER, "changes": [{"remove": {"person": 7, "from": "2026-07-01"}}]}, "version": 1},
     "changes[0].remove.person", "no one called '7'"),  # numbers are written as text (parse_text)
    ({"scenario": {**LATER, "changes": [{"remove": {"person": "ana", "from": {"year": 2026}}}]}, "version": 1},
     "scenario.changes[0].remove.from", ""),
])
def test_wrong_field_types_are_400_naming_the_field(client, auth, saved, body, field, words):
    r = client.put(f"/api/v1/scenarios/{saved['id']}", json=body, headers=auth("hr"))
    out = refused(r, 400, field)
    said = " | ".join(f["message"] for f in out["fields"] if f["field"] == field)
    assert words in said, out["fields"]
    unchanged(client, auth, saved)


def test_after_the_bad_bodies_a_good_edit_still_saves_version_2(client, auth, saved):
    put_raw(client, auth, saved["id"], "[" * 1000 + "]" * 1000)
    client.put(f"/api/v1/scenarios/{saved['id']}", json={"scenario": LATER, "version": "1"}, headers=auth("hr"))
    r = client.put(f"/api/v1/scenarios/{saved['id']}", json={"scenario": LATER, "version": 1}, headers=auth("hr"))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["version"] == 2 and r.get_json()["scenario"] == LATER
