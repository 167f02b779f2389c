"""Bookings over the API (teamgraph/bookings.py, api/bookings.py), on each store: a sponsor books the
suggested team, later suggestions count it, a changed situation is a 409 naming people and weeks,
HR confirms, roles hold, every change is audited."""

from __future__ import annotations

import pytest

WINDOW = ("2026-04-01", "2026-06-30")


def suggest(client, auth, body, role="sponsor"):
    r = client.post("/api/v1/teams/suggest", json={"request": body, "alternatives": 0}, headers=auth(role))
    assert r.status_code == 200, r.get_json()
    return r.get_json()["team"]


def book(client, auth, body, members, role="sponsor", status=None):
    payload = {"request": body, "members": members, **({"status": status} if status else {})}
    return client.post("/api/v1/bookings", json=payload, headers=auth(role))


def load(client, auth, person):
    r = client.get(f"/api/v1/people/{person}?start={WINDOW[0]}&end={WINDOW[1]}", headers=auth("hr"))
    return r.get_json()["load"]


@pytest.fixture
def own_request(team_request):
    return {**team_request, "project": "p-new"}  # fay (the sponsor token) sponsors p-new


def test_a_sponsor_books_the_suggested_team_and_later_suggestions_count_it(client, auth, own_request):
    team = suggest(client, auth, own_request)
    members = [{"id": m["id"], "allocation": m["allocation"]} for m in team["members"]]
    before = {m["id"]: load(client, auth, m["id"]) for m in members}
    r = book(client, auth, own_request, members)
    assert r.status_code == 201, r.get_json()
    b = r.get_json()
    assert b["status"] == "tentative" and b["booked_by"] == {"id": "fay", "name": "Fay Wong"}
    assert b["project"] == {"id": "p-new", "name": "Pricing engine"}
    assert {m["id"]: m["name"] for m in b["members"]} == {m["id"]: m["name"] for m in team["members"]}
    assert b["request"]["window"] == {"start": WINDOW[0], "end": WINDOW[1]}
    assert [e["action"] for e in b["events"]] == ["booked"] and "Fay Wong (sponsor) booked it" in b["events"][0]["words"]
    for m in members:  # booked people are busier in every later read
        assert load(client, auth, m["id"]) == pytest.approx(before[m["id"]] + m["allocation"])
    hr_team = suggest(client, auth, own_request, role="hr")
    for m in hr_team["members"]:
        if m["id"] in before:
            assert m["load_before"] == pytest.approx(before[m["id"]] + 0.3)


def test_a_booking_that_no_longer_fits_is_409_naming_people_and_weeks(client, auth, own_request):
    team = suggest(client, auth, own_request)
    members = [m["id"] for m in team["members"]]
    # meanwhile HR books the first of them for three quarters of their time over the same weeks
    first = team["members"][0]
    r = book(client, auth, {**own_request, "project": None, "allocation": 0.75}, [first["id"]], role="hr")
    assert r.status_code == 201
    listed = len(client.get("/api/v1/bookings", headers=auth("hr")).get_json()["bookings"])
    r = book(client, auth, own_request, members)
    assert r.status_code == 409
    body = r.get_json()
    assert body["code"] == "booking_conflict"
    assert [c["name"] for c in body["conflicts"]] == [first["name"]]
    assert body["conflicts"][0]["weeks"][0] == WINDOW[0] and len(body["conflicts"][0]["weeks"]) == 13
    assert first["name"] in body["message"] and "nothing was written" in body["message"]
    assert "0.75" not in body["message"] and "75" not in body["message"]  # weeks, not others' loads
    assert len(client.get("/api/v1/bookings", headers=auth("hr")).get_json()["bookings"]) == listed


def test_roles(client, auth, own_request, team_request):
    team = suggest(client, auth, own_request)
    members = [m["id"] for m in team["members"]]
    assert book(client, auth, own_request, members, role="member").status_code == 403
    assert client.get("/api/v1/bookings", headers=auth("member")).status_code == 403
    assert client.post("/api/v1/bookings", json={}).status_code == 401
    # a sponsor books their own requests only, and only tentatively
    r = book(client, auth, {**team_request, "project": "p-plat"}, members)  # ana sponsors p-plat
    assert r.status_code == 403 and "own requests" in r.get_json()["message"]
    assert book(client, auth, own_request, members, status="confirmed").status_code == 403
    mine = book(client, auth, own_request, members).get_json()["id"]
    theirs = book(client, auth, {**team_request, "allocation": 0.1}, ["dee"], role="hr").get_json()["id"]
    # sponsors see and change their own bookings only; another's is "not found", not "forbidden"
    assert [b["id"] for b in client.get("/api/v1/bookings", headers=auth("sponsor")).get_json()["bookings"]] == [mine]
    assert client.get(f"/api/v1/bookings/{theirs}", headers=auth("sponsor")).status_code == 404
    assert client.post(f"/api/v1/bookings/{theirs}/cancel", headers=auth("sponsor")).status_code == 404
    assert {b["id"] for b in client.get("/api/v1/bookings", headers=auth("hr")).get_json()["bookings"]} == {mine, theirs}
    # HR confirms; a sponsor cannot
    assert client.post(f"/api/v1/bookings/{mine}/confirm", headers=auth("sponsor")).status_code == 403
    r = client.post(f"/api/v1/bookings/{mine}/confirm", headers=auth("hr"))
    assert r.status_code == 200 and r.get_json()["status"] == "confirmed"
    assert client.post(f"/api/v1/bookings/{mine}/confirm", headers=auth("hr")).status_code == 409  # already


def test_release_by_name_cancel_and_the_audit_trail(client, auth, own_request):
    team = suggest(client, auth, own_request)
    members = [m["id"] for m in team["members"]]
    released = team["members"][-1]
    free = {m: load(client, auth, m) for m in members}
    bid = book(client, auth, own_request, members).get_json()["id"]
    before = load(client, auth, released["id"])
    r = client.post(f"/api/v1/bookings/{bid}/release", json={"person": released["name"], "note": "needed elsewhere"},
                    headers=auth("sponsor"))
    assert r.status_code == 200, r.get_json()
    assert {m["id"]: m["status"] for m in r.get_json()["members"]}[released["id"]] == "released"
    assert load(client, auth, released["id"]) == pytest.approx(before - 0.3)
    r = client.post(f"/api/v1/bookings/{bid}/release", json={"person": "Nobody Here"}, headers=auth("sponsor"))
    assert r.status_code == 400 and r.get_json()["fields"][0]["field"] == "person"
    r = client.post(f"/api/v1/bookings/{bid}/cancel", json={"note": "project postponed"}, headers=auth("sponsor"))
    assert r.get_json()["status"] == "cancelled"
    assert {m: load(client, auth, m) for m in members} == pytest.approx(free)  # cancelled: nobody is held
    events = client.get(f"/api/v1/bookings/{bid}", headers=auth("hr")).get_json()["events"]
    assert [e["action"] for e in events] == ["booked", "released", "cancelled"]
    assert events[1]["words"] == f"Fay Wong (sponsor) released {released['name']}: needed elsewhere"
    assert events[2]["words"] == "Fay Wong (sponsor) cancelled it: project postponed"
    assert all(e["at"].endswith("Z") for e in events)


@pytest.mark.parametrize("payload, field", [
    ({"request": None, "members": ["dee"]}, "request"),
    ({"request": "x", "members": ["dee"]}, "request"),
    ({"members": []}, "members"),
    ({"members": ["nobody"]}, "members[0].id"),
    ({"members": [{"id": "dee", "allocation": 2}]}, "members[0].allocation"),
    ({"members": [{"id": "dee", "allocation": True}]}, "members[0].allocation"),
    ({"members": ["dee"], "status": "maybe"}, "status"),
    ({"members": ["dee"], "request": {"window": {"start": "2026-04-01"}}}, "request.window.end"),
])
def test_bad_bodies_name_the_field(client, auth, own_request, payload, field):
    body = {"request": own_request, **payload}
    r = client.post("/api/v1/bookings", json=body, headers=auth("hr"))
    assert r.status_code == 400, r.get_json()
    assert field in [f["field"] for f in r.get_json()["fields"]]
    assert client.get("/api/v1/bookings", headers=auth("hr")).get_json()["bookings"] == []


def test_the_routes_are_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    post = doc["paths"]["/api/v1/bookings"]["post"]
    assert set(post["x-roles"]) == {"sponsor", "hr", "admin"}
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["request", "members"] and schema["properties"]["status"]["enum"] == [
        "tentative", "confirmed"]
    assert doc["paths"]["/api/v1/bookings/{booking_id}/confirm"]["post"]["x-roles"] == ["hr", "admin"]
    assert "requestBody" in doc["paths"]["/api/v1/bookings/{booking_id}/release"]["post"]
    assert {p["name"] for p in doc["paths"]["/api/v1/bookings"]["get"]["parameters"]} >= {"project", "person", "status"}


def _portfolio(own_request):
    """Two requests of fay's project: pricing (from the fixture) and an audit needing Dee."""
    audit = {**own_request, "name": "Depot audit", "allocation": 0.6, "size": {"min": 1, "max": 1},
             "requirements": [{"skill": "logistics", "level": 5}]}
    return {"name": "Spring plan", "requests": [own_request, audit]}


def test_a_portfolio_is_staffed_and_booked_all_or_nothing(client, auth, own_request):
    portfolio = _portfolio(own_request)
    r = client.post("/api/v1/bookings/portfolio", json={"portfolio": portfolio}, headers=auth("sponsor"))
    assert r.status_code == 201, r.get_json()
    made = r.get_json()["bookings"]
    assert [b["name"] for b in made] == ["Pricing engine", "Depot audit"]
    assert [m["id"] for m in made[1]["members"]] == ["dee"] and all(b["status"] == "tentative" for b in made)
    assert load(client, auth, "dee") == pytest.approx(0.6)
    # the same portfolio again: Dee no longer fits the audit -> 409 naming request, person, weeks; nothing written
    again = client.post("/api/v1/bookings/portfolio", json={"portfolio": portfolio, "teams": [
        [m["id"] for m in made[0]["members"]], ["dee"]]}, headers=auth("hr"))
    assert again.status_code == 409, again.get_json()
    body = again.get_json()
    assert body["code"] == "booking_conflict"
    assert {(c["request"], c["person"]) for c in body["conflicts"]} >= {("Depot audit", "dee")}
    assert all(c["weeks"] for c in body["conflicts"]) and "Dee Okafor" in body["message"]
    assert len(client.get("/api/v1/bookings", headers=auth("hr")).get_json()["bookings"]) == 2
    assert load(client, auth, "dee") == pytest.approx(0.6)


def test_over_capacity_is_booked_only_by_hr_with_allow_overload(client, auth, own_request):
    audit = _portfolio(own_request)["requests"][1]
    assert book(client, auth, {**audit, "allocation": 0.8}, ["dee"], role="hr").status_code == 201
    body = {"request": audit, "members": ["dee"], "allow_overload": True}
    denied = client.post("/api/v1/bookings", json=body, headers=auth("sponsor"))
    assert denied.status_code == 403 and "allow_overload" in denied.get_json()["message"]
    assert client.post("/api/v1/bookings", json={**body, "allow_overload": False}, headers=auth("hr")).status_code == 409
    r = client.post("/api/v1/bookings", json=body, headers=auth("hr"))
    assert r.status_code == 201, r.get_json()
    words = r.get_json()["events"][0]["words"]
    assert "over capacity allowed: Dee Okafor in" in words and load(client, auth, "dee") == pytest.approx(1.4)
    portfolio = {"requests": [audit]}
    denied = client.post("/api/v1/bookings/portfolio", json={"portfolio": portfolio, "teams": [["dee"]],
                                                             "allow_overload": True}, headers=auth("sponsor"))
    assert denied.status_code == 403


def test_portfolio_booking_bodies_name_the_field(client, auth, own_request):
    portfolio = _portfolio(own_request)
    for payload, field in (({"teams": [["dee"]]}, "teams"), ({"teams": [["dee"], [{"id": 3}]]}, "teams[1][0]"),
                           ({"allow_overload": "yes"}, "allow_overload")):
        r = client.post("/api/v1/bookings/portfolio", json={"portfolio": portfolio, **payload}, headers=auth("hr"))
        assert r.status_code == 400, r.get_json()
        assert field in [f["field"] for f in r.get_json()["fields"]], r.get_json()
    other = {**own_request, "project": "p-wms"}  # dee sponsors it, not fay
    r = client.post("/api/v1/bookings/portfolio", json={"portfolio": {"requests": [own_request, other]},
                                                        "teams": [["gus"], ["eli"]]}, headers=auth("sponsor"))
    assert r.status_code == 403
    assert client.get("/api/v1/bookings", headers=auth("hr")).get_json()["bookings"] == []


def test_a_staffing_that_leaves_a_request_short_books_nothing(client, auth, own_request):
    portfolio = _portfolio(own_request)
    impossible = {**portfolio["requests"][1], "name": "Impossible", "size": {"min": 2, "max": 2},
                  "requirements": [{"skill": "recruiting", "level": 5, "count": 2}]}  # only Hal holds it at 5
    for body, field in (({"requests": [own_request, impossible]}, "portfolio"),  # hard mode: infeasible
                        ({"requests": [own_request, impossible], "max_load": 0.9}, "requests[1]")):  # soft: short
        r = client.post("/api/v1/bookings/portfolio", json={"portfolio": body}, headers=auth("hr"))
        assert r.status_code == 400, r.get_json()
        assert field in [f["field"] for f in r.get_json()["fields"]], r.get_json()
    assert client.get("/api/v1/bookings", headers=auth("hr")).get_json()["bookings"] == []
