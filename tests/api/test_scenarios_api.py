"""What-if scenarios over the API (api/scenarios.py), on each store: run side by side without writing,
roles, errors naming the body's fields, apply in one transaction, saved scenarios."""

from __future__ import annotations

import pytest

from teamgraph.graph.model import WRITE_ORDER

HIRE = {"hire": {"name": "Planned analyst", "department": "Finance", "skills": {"SQL": 5, "Budgeting": 4},
                 "cost_rate": 40}}
SCENARIO = {"name": "Hire an analyst", "changes": [HIRE]}
HR_SCENARIO = {"name": "Hire and move Gus", "changes": [
    HIRE, {"reassign": {"person": "Gus Berg", "from_project": "p-crm", "to_project": "p-new"}}]}


@pytest.fixture
def own_request(team_request):
    return {**team_request, "project": "p-new"}  # fay (the sponsor token) sponsors p-new


def dump(store) -> dict:
    return {**{k: sorted(map(repr, store.all(k))) for k in WRITE_ORDER}, "revision": store.revision(),
            "bookings": sorted(map(repr, store.list_bookings()))}


def test_run_side_by_side_writes_nothing(client, auth, own_request, service):
    before = dump(service.store)
    r = client.post("/api/v1/scenarios/run", json={"scenario": SCENARIO, "request": own_request}, headers=auth("hr"))
    assert r.status_code == 200, r.get_json()
    out = r.get_json()
    assert out["org_changes"]["added"][0]["name"] == "Planned analyst"
    assert out["relevance"].startswith("on")  # the real index serves the overlay
    assert out["with_scenario"]["cost"] is not None and out["with_scenario"]["coverage"]["met"] == 2
    now = client.post("/api/v1/teams/suggest", json={"request": own_request, "alternatives": 0},
                      headers=auth("hr")).get_json()["team"]
    assert [m["id"] for m in out["current"]["members"]] == [m["id"] for m in now["members"]]
    assert out["current"]["cost"] == now["summary"]["cost"]
    joined = {m["id"] for m in out["with_scenario"]["members"]} - {m["id"] for m in now["members"]}
    assert {m["id"] for m in out["team_changes"]["joined"]} == joined
    assert dump(service.store) == before


def test_roles_and_what_a_sponsor_sees(client, auth, own_request, team_request):
    body = {"scenario": SCENARIO, "request": own_request}
    assert client.post("/api/v1/scenarios/run", json=body, headers=auth("member")).status_code == 403
    r = client.post("/api/v1/scenarios/run", json=body, headers=auth("sponsor"))
    assert r.status_code == 200, r.get_json()
    side = r.get_json()["with_scenario"]
    assert side["cost"] is None and side["max_util"] is None and side["members"]
    r = client.post("/api/v1/scenarios/run", json={**body, "scenario": HR_SCENARIO}, headers=auth("sponsor"))
    assert r.status_code == 403 and "is for HR" in r.get_json()["message"]
    r = client.post("/api/v1/scenarios/run", json={"scenario": SCENARIO, "request": {**team_request,
                                                   "project": "p-plat"}}, headers=auth("sponsor"))
    assert r.status_code == 403
    r = client.post("/api/v1/scenarios/run", json={"scenario": SCENARIO, "portfolio": {"requests": [own_request]}},
                    headers=auth("sponsor"))
    assert r.status_code == 403
    for role in ("sponsor", "member"):
        assert client.post("/api/v1/scenarios/apply", json={"scenario": SCENARIO},
                           headers=auth(role)).status_code == 403


def test_errors_name_the_body_fields_with_did_you_mean(client, auth, own_request, service):
    before = dump(service.store)
    bad = {"name": "Typos", "changes": [{"hire": {"name": "X", "department": "Finanse", "skills": {"Budgetting": 4}}},
                                        {"remove": {"person": "Gus Burg", "from": "2026-05-01"}},
                                        {"delay": {"project": "p-new", "weeks": "soon"}}]}
    r = client.post("/api/v1/scenarios/apply", json={"scenario": bad}, headers=auth("admin"))
    assert r.status_code == 400
    assert [f["field"] for f in r.get_json()["fields"]] == ["scenario.changes[2].delay.weeks"]
    bad["changes"].pop()
    r = client.post("/api/v1/scenarios/apply", json={"scenario": bad}, headers=auth("admin"))
    fields = {f["field"]: f for f in r.get_json()["fields"]}
    assert r.status_code == 400 and set(fields) == {"changes[0].hire.department", "changes[0].hire.skills.Budgetting",
                                                    "changes[1].remove.person"}
    assert fields["changes[1].remove.person"]["suggestions"][0] == {"id": "gus", "name": "Gus Berg"}
    assert "did you mean Finance?" in fields["changes[0].hire.department"]["message"]
    r = client.post("/api/v1/scenarios/run", json={"scenario": SCENARIO}, headers=auth("hr"))
    assert r.status_code == 400 and r.get_json()["fields"][0]["field"] == "request"
    assert dump(service.store) == before


def test_apply_then_the_engine_answers_as_the_what_if_said(client, auth, own_request, service):
    body = {"scenario": HR_SCENARIO, "request": own_request}
    said = client.post("/api/v1/scenarios/run", json=body, headers=auth("hr")).get_json()["with_scenario"]
    r = client.post("/api/v1/scenarios/apply", json={"scenario": HR_SCENARIO}, headers=auth("hr"))
    assert r.status_code == 200, r.get_json()
    out = r.get_json()
    assert out["written"] == {"person": 1, "person_skill": 2, "membership": 1} and out["deleted"] == {"membership": 1}
    assert service.store.get("membership", ("gus", "p-new", "analyst")) is not None
    assert service.store.get("membership", ("gus", "p-crm", "analyst")) is None
    now = client.post("/api/v1/teams/suggest", json={"request": own_request, "alternatives": 0},
                      headers=auth("hr")).get_json()["team"]
    assert [m["id"] for m in now["members"]] == [m["id"] for m in said["members"]]
    assert now["summary"]["cost"] == said["cost"] and round(now["max_util"], 4) == said["max_util"]


def test_saved_scenarios_run_apply_and_discard(client, auth, own_request, service):
    r = client.post("/api/v1/scenarios", json={"scenario": SCENARIO}, headers=auth("hr"))
    assert r.status_code == 201, r.get_json()
    saved = r.get_json()
    assert saved["status"] == "saved" and saved["saved_by"] == "ivy" and saved["id"].startswith("sc-hire-an-analyst")
    assert client.post("/api/v1/scenarios", json={"scenario": SCENARIO}, headers=auth("sponsor")).status_code == 403
    listed = client.get("/api/v1/scenarios", headers=auth("hr")).get_json()["scenarios"]
    assert [s["id"] for s in listed] == [saved["id"]]
    shown = client.get(f"/api/v1/scenarios/{saved['id']}", headers=auth("hr")).get_json()
    assert shown["changes"][0]["words"].startswith("hire Planned analyst (Finance)")
    r = client.post("/api/v1/scenarios/run", json={"scenario_id": saved["id"], "request": own_request},
                    headers=auth("hr"))
    assert r.status_code == 200 and r.get_json()["org_changes"]["added"][0]["name"] == "Planned analyst"
    r = client.post("/api/v1/scenarios/apply", json={"scenario_id": saved["id"]}, headers=auth("hr"))
    assert r.status_code == 200 and r.get_json()["saved"]["status"] == "applied"
    assert service.store.get("person", "hire-planned-analyst").name == "Planned analyst"
    again = client.post("/api/v1/scenarios/apply", json={"scenario_id": saved["id"]}, headers=auth("hr"))
    assert again.status_code == 409 and again.get_json()["code"] == "scenario_done"
    taken = client.post("/api/v1/scenarios", json={"scenario": SCENARIO}, headers=auth("admin"))
    assert taken.status_code == 400 and "exists already" in taken.get_json()["fields"][0]["message"]
    other = client.post("/api/v1/scenarios", json={"scenario": {"name": "Another", "changes": [
        {"hire": {**HIRE["hire"], "id": "hire-2"}}]}}, headers=auth("admin")).get_json()
    r = client.post(f"/api/v1/scenarios/{other['id']}/discard", json={"note": "not this quarter"},
                    headers=auth("hr"))
    assert r.status_code == 200 and r.get_json()["status"] == "discarded" and r.get_json()["note"] == "not this quarter"
    assert client.post("/api/v1/scenarios/apply", json={"scenario_id": other["id"]},
                       headers=auth("hr")).status_code == 409
    assert client.get("/api/v1/scenarios/sc-nothing", headers=auth("hr")).status_code == 404
    assert client.get("/api/v1/scenarios/..%2Fsecret_key", headers=auth("hr")).status_code == 404


def test_apply_books_the_shown_team_in_the_same_transaction(client, auth, own_request, service):
    """HR applies a what-if and books the team it showed: one transaction; someone booked since is a
    409 naming person and weeks, and then neither the hire nor the booking is written."""
    said = client.post("/api/v1/scenarios/run", json={"scenario": SCENARIO, "request": own_request},
                       headers=auth("hr")).get_json()
    team = [{"id": m["id"], "allocation": m["allocation"]} for m in said["answers"]["with_scenario"]["team"]["members"]]
    taken = next(m for m in team if not m["id"].startswith("hire-"))
    other = client.post("/api/v1/bookings", json={"request": {**own_request, "name": "Meanwhile"},
                                                  "members": [{"id": taken["id"], "allocation": 1.0}],
                                                  "status": "confirmed", "allow_overload": True}, headers=auth("hr"))
    assert other.status_code == 201, other.get_json()
    before = dump(service.store)
    body = {"scenario": SCENARIO, "request": own_request, "book": "tentative", "team": team}
    r = client.post("/api/v1/scenarios/apply", json=body, headers=auth("hr"))
    assert r.status_code == 409 and r.get_json()["code"] == "booking_conflict"
    [c] = r.get_json()["conflicts"]
    assert c["person"] == taken["id"] and c["weeks"] and c["name"] in r.get_json()["message"]
    assert dump(service.store) == before
    client.post(f"/api/v1/bookings/{other.get_json()['id']}/cancel", json={}, headers=auth("hr"))
    r = client.post("/api/v1/scenarios/apply", json={**body, "book": "confirmed"}, headers=auth("hr"))
    assert r.status_code == 200, r.get_json()
    [b] = r.get_json()["bookings"]
    assert b["status"] == "confirmed" and {m["id"] for m in b["members"]} == {m["id"] for m in team}
    names = {m["name"] for m in said["with_scenario"]["members"]}
    assert all(n in b["words"] for n in names) and service.store.get("person", "hire-planned-analyst")
    assert service.store.get_booking(b["id"]).members


def test_apply_with_booking_errors_name_the_body_fields(client, auth, own_request, service):
    before = dump(service.store)
    for body, field, status in (
            ({"request": own_request}, "book", 400),
            ({"request": own_request, "book": "maybe"}, "book", 400),
            ({"book": "tentative"}, "request", 400),
            ({"request": own_request, "book": "tentative", "team": [{"id": "nobody"}]}, "members[0].id", 400),
            ({"request": own_request, "book": "tentative", "team": "fay"}, "team", 400),
            ({"request": own_request, "book": "tentative", "team": [{"id": "fay"}], "teams": []}, "team", 400)):
        r = client.post("/api/v1/scenarios/apply", json={"scenario": SCENARIO, **body}, headers=auth("hr"))
        assert r.status_code == status, (body, r.get_json())
        assert field in [f["field"] for f in r.get_json()["fields"]], (body, r.get_json())
    r = client.post("/api/v1/scenarios/apply", json={"scenario": SCENARIO, "request": own_request,
                                                     "book": "tentative"}, headers=auth("sponsor"))
    assert r.status_code == 403
    assert dump(service.store) == before
