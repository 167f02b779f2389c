"""Editing a saved scenario (PUT /api/v1/scenarios/{id}) and a portfolio what-if as the what-if page
shows it, on each store: the edit is checked as a new scenario is, names the version it was made
from (a newer one saved meanwhile is 409 `scenario_changed` naming who, and nothing is written),
is HR's and admins' only, and what is applied afterwards is the edited scenario."""

from __future__ import annotations

import threading

import pytest

LEAVES = {"name": "Ana Lima leaves in spring", "changes": [{"remove": {"person": "Ana Lima", "from": "2026-04-01"}}]}
LATER = {"name": "Ana Lima leaves in summer", "changes": [{"remove": {"person": "ana", "from": "2026-07-01"}},
                                                          {"delay": {"project": "Platform upgrade", "weeks": 2}}]}


@pytest.fixture
def saved(client, auth):
    r = client.post("/api/v1/scenarios", json={"scenario": LEAVES}, headers=auth("hr"))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def put(client, headers, scenario_id, body):
    return client.put(f"/api/v1/scenarios/{scenario_id}", json=body, headers=headers)


def test_open_edit_and_save_again(client, auth, saved):
    opened = client.get(f"/api/v1/scenarios/{saved['id']}", headers=auth("hr")).get_json()
    assert opened["version"] == 1 and saved["version"] == 1
    change = opened["changes"][0]
    assert change["remove"]["person"] == "ana" and change["labels"] == {"ana": "Ana Lima"}  # the editor shows names
    r = put(client, auth("hr"), saved["id"], {"scenario": LATER, "version": 1})
    assert r.status_code == 200, r.get_json()
    out = r.get_json()
    assert out["id"] == saved["id"] and out["version"] == 2 and out["name"] == "Ana Lima leaves in summer"
    assert out["updated_by"] == "ivy" and out["scenario"] == LATER and out["saved_at"] == saved["saved_at"]
    again = client.get(f"/api/v1/scenarios/{saved['id']}", headers=auth("hr")).get_json()
    assert [c["words"] for c in again["changes"]] == ["Ana Lima leaves on 2026-07-01",
                                                      "Platform upgrade later by 2 week(s)"]
    listed = client.get("/api/v1/scenarios", headers=auth("hr")).get_json()["scenarios"]
    assert [(s["id"], s["version"], s["name"]) for s in listed] == [(saved["id"], 2, LATER["name"])]


def test_an_edit_from_an_old_version_is_refused_naming_who_saved_the_newer_one(client, auth, saved):
    assert put(client, auth("hr"), saved["id"], {"scenario": LATER, "version": 1}).status_code == 200
    stale = put(client, auth("admin"), saved["id"], {"scenario": {**LEAVES, "name": "Mine"}, "version": 1})
    assert stale.status_code == 409
    err = stale.get_json()
    assert err["code"] == "scenario_changed" and err["version"] == 2
    assert "changed by Ivy Diaz" in err["message"] and "version 2" in err["message"] and "ivy" not in err["message"]
    kept = client.get(f"/api/v1/scenarios/{saved['id']}", headers=auth("hr")).get_json()
    assert kept["name"] == LATER["name"] and kept["version"] == 2  # nothing written
    assert put(client, auth("admin"), saved["id"], {"scenario": LEAVES, "version": 2}).status_code == 200


def test_two_edits_of_one_version_at_once_exactly_one_wins(client, auth, saved, app):
    results = []
    barrier = threading.Barrier(2)

    def edit(name):
        c = app.test_client()
        barrier.wait()
        results.append(put(c, auth("hr"), saved["id"], {"scenario": {**LEAVES, "name": name}, "version": 1}))

    threads = [threading.Thread(target=edit, args=(n,)) for n in ("First edit", "Second edit")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [200, 409]
    won = next(r.get_json() for r in results if r.status_code == 200)
    kept = client.get(f"/api/v1/scenarios/{saved['id']}", headers=auth("hr")).get_json()
    assert kept["version"] == 2 and kept["name"] == won["name"]


def test_an_edit_is_checked_as_a_new_scenario_and_nothing_is_written_on_error(client, auth, saved):
    bad = put(client, auth("hr"), saved["id"], {"scenario": {"name": "Typo", "changes": [
        {"remove": {"person": "Ana Lma", "from": "2026-04-01"}}]}, "version": 1})
    assert bad.status_code == 400
    fields = {f["field"]: f for f in bad.get_json()["fields"]}
    assert "Ana Lima" in fields["changes[0].remove.person"]["message"]  # did you mean, by name
    malformed = put(client, auth("hr"), saved["id"], {"scenario": {"name": "x", "changes": [{"remove": {}}]},
                                                      "version": 1})
    assert malformed.status_code == 400
    assert {f["field"] for f in malformed.get_json()["fields"]} == {"scenario.changes[0].remove.person",
                                                                    "scenario.changes[0].remove.from"}
    no_version = put(client, auth("hr"), saved["id"], {"scenario": LATER})
    assert no_version.status_code == 400 and no_version.get_json()["fields"][0]["field"] == "version"
    kept = client.get(f"/api/v1/scenarios/{saved['id']}", headers=auth("hr")).get_json()
    assert kept["version"] == 1 and kept["scenario"] == LEAVES
    assert put(client, auth("hr"), "sc-nobody-000000", {"scenario": LATER, "version": 1}).status_code == 404


def test_only_hr_and_admins_edit_and_never_a_done_scenario(client, auth, saved):
    for role in ("sponsor", "member"):
        assert put(client, auth(role), saved["id"], {"scenario": LATER, "version": 1}).status_code == 403, role
    client.post(f"/api/v1/scenarios/{saved['id']}/discard", json={}, headers=auth("hr"))
    done = put(client, auth("hr"), saved["id"], {"scenario": LATER, "version": 1})
    assert done.status_code == 409 and done.get_json()["code"] == "scenario_done"


def test_applying_an_edited_scenario_writes_the_edit(client, auth, saved, service):
    assert put(client, auth("hr"), saved["id"], {"scenario": LATER, "version": 1}).status_code == 200
    r = client.post("/api/v1/scenarios/apply", json={"scenario_id": saved["id"]}, headers=auth("hr"))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["saved"]["status"] == "applied" and r.get_json()["saved"]["version"] == 2
    periods = service.store.calendars(["ana"])["ana"].periods
    assert [(p.start.isoformat(), p.capacity) for p in periods if p.end is None] == [("2026-07-01", 0.0)]


def test_an_edit_arriving_during_an_apply_waits_and_finds_it_applied(client, auth, saved, app, monkeypatch):
    """What is marked applied is what was applied: an edit sent while the apply runs is held until the
    scenario is marked, then refused as done, and the record keeps the applied body."""
    import teamgraph.scenario_run as scenario_run
    inner, edits = scenario_run.apply, []
    editor = threading.Thread(target=lambda: edits.append(
        put(app.test_client(), auth("admin"), saved["id"], {"scenario": LATER, "version": 1})))

    def apply_while_someone_edits(*args, **kwargs):
        editor.start()
        editor.join(0.5)  # the edit cannot get in while the apply holds the scenario
        return inner(*args, **kwargs)

    monkeypatch.setattr(scenario_run, "apply", apply_while_someone_edits)
    r = client.post("/api/v1/scenarios/apply", json={"scenario_id": saved["id"]}, headers=auth("hr"))
    assert r.status_code == 200, r.get_json()
    editor.join(30)
    [edit] = edits
    assert edit.status_code == 409 and edit.get_json()["code"] == "scenario_done"
    kept = client.get(f"/api/v1/scenarios/{saved['id']}", headers=auth("hr")).get_json()
    assert kept["status"] == "applied" and kept["version"] == 1 and kept["scenario"] == LEAVES


def test_a_portfolio_what_if_pairs_the_teams_request_by_request(client, auth, team_request):
    second = {**team_request, "name": "Second", "requirements": [{"skill": "Python", "level": 2, "count": 1}],
              "budget": 50000}
    body = {"scenario": {"name": "Platform later", "changes": [{"delay": {"project": "Platform upgrade", "weeks": 16}}]},
            "portfolio": {"requests": [{**team_request, "budget": 60000}, second]}}
    r = client.post("/api/v1/scenarios/run", json=body, headers=auth("hr"))
    assert r.status_code == 200, r.get_json()
    out = r.get_json()
    assert out["kind"] == "portfolio"
    for side in ("current", "with_scenario"):
        s = out[side]
        assert [t["request"] for t in s["teams"]] == ["Pricing engine", "Second"]  # even a side with no teams
        assert s["budget"] == 110000 and s["coverage"]["requests"] == 2 and s["words"]
        ids = [m["id"] for m in s["members"]]
        assert len(ids) == len(set(ids))  # one person on two teams is one person changed
    cur, new = out["current"], out["with_scenario"]
    assert cur["coverage"]["requests_staffed"] == 2 and cur["words"] == "2 of 2 request(s) fully staffed"
    by_request = out["team_changes"]["by_request"]
    assert [b["request"] for b in by_request] == ["Pricing engine", "Second"]
    for b, before, after in zip(by_request, cur["teams"], new["teams"]):
        assert {m["id"] for m in b["left"]} == {m["id"] for m in before["members"]} - {m["id"] for m in after["members"]}
        assert {m["id"] for m in b["joined"]} == {m["id"] for m in after["members"]} - {m["id"] for m in before["members"]}
    if not new["teams"][0]["members"]:  # the delay leaves nobody free: said in words, by the engine's notes
        assert new["words"].startswith("no teams: ") and new["coverage"]["requests_staffed"] == 0
