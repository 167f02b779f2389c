"""Heatmaps and the capacity view over the API (teamgraph/heatmap.py, api/capacity.py), on each
store: a proposed team's weeks today and with the plan agree with the weekly load and with the
booking check, a booking shows in today's weeks, sponsors see only what present.py lets them
(each week's utilisation before rounded up, within/over capacity with the plan), HR's department
view adds up its people, and members get 403."""

from __future__ import annotations

import pytest

from teamgraph.present import rounded_util

WINDOW = ("2026-04-01", "2026-06-30")  # ana is on p-plat at 0.7, bo at 1.0 until 2026-06-30


def heatmap(client, auth, body, members, role="hr"):
    return client.post("/api/v1/teams/heatmap", json={"request": body, "members": members}, headers=auth(role))


def rows(resp) -> dict:
    assert resp.status_code == 200, resp.get_json()
    return {p["id"]: p for p in resp.get_json()["people"]}


def weekly(client, auth, person) -> list:
    r = client.get(f"/api/v1/people/{person}?start={WINDOW[0]}&end={WINDOW[1]}", headers=auth("hr"))
    return r.get_json()["weekly_load"]


def test_a_plan_adds_each_members_allocation_to_the_weekly_load(client, auth, team_request):
    r = heatmap(client, auth, team_request, ["ana", {"id": "bo", "allocation": 0.2}, "gus"])
    body = r.get_json()
    assert body["window"] == {"start": WINDOW[0], "end": WINDOW[1]} and len(body["weeks"]) == 13
    people = rows(r)
    assert [p["name"] for p in body["people"]] == ["Ana Lima", "Bo Chen", "Gus Berg"]
    assert people["bo"]["department_name"] == "Engineering" and people["bo"]["allocation"] == 0.2
    for pid, added in (("ana", 0.3), ("bo", 0.2), ("gus", 0.3)):
        weeks = weekly(client, auth, pid)
        cells = people[pid]["cells"]
        assert [c["week"] for c in cells] == [w["week"] for w in weeks] == body["weeks"]
        for c, w in zip(cells, weeks):
            assert c["load_before"] == pytest.approx(w["load"])
            assert c["load_after"] == pytest.approx(w["load"] + added)
            assert c["util_after"] == pytest.approx((w["load"] + added) / c["capacity"])
            assert c["over_after"] == (w["load"] + added > c["capacity"] + 1e-9)
    assert all(c["over_after"] and not c["over_before"] for c in people["bo"]["cells"])  # 1.0 + 0.2
    assert not any(c["over_after"] for c in people["ana"]["cells"])  # 0.7 + 0.3 fits exactly
    summary = body["summary"]
    assert summary["over_today"] == [] and "everyone is within capacity" in summary["words_today"]
    assert [o["name"] for o in summary["over_with_plan"]] == ["Bo Chen"]
    assert len(summary["over_with_plan"][0]["weeks"]) == 13
    assert "Bo Chen in 13 weeks" in summary["words_with_plan"] and "bo" not in summary["words_with_plan"].split()


def test_the_plans_over_capacity_weeks_are_the_booking_checks(client, auth, team_request):
    """What the heatmap calls over capacity with the plan is what booking the plan refuses."""
    plan = [{"id": "ana", "allocation": 0.5}, "gus"]
    over = heatmap(client, auth, team_request, plan).get_json()["summary"]["over_with_plan"]
    assert [o["person"] for o in over] == ["ana"]
    r = client.post("/api/v1/bookings", json={"request": team_request, "members": plan}, headers=auth("hr"))
    assert r.status_code == 409
    assert [(c["person"], c["weeks"]) for c in r.get_json()["conflicts"]] == [(o["person"], o["weeks"]) for o in over]


def test_after_booking_today_includes_the_booking(client, auth, team_request, service):
    body = {**team_request, "project": "p-new"}  # fay, the sponsor token, sponsors p-new
    planned = rows(heatmap(client, auth, body, ["gus", "cy"]))
    r = client.post("/api/v1/bookings", json={"request": body, "members": ["gus", "cy"]}, headers=auth("sponsor"))
    assert r.status_code == 201, r.get_json()
    booking = r.get_json()["id"]
    for role in ("sponsor", "hr"):
        got = client.get(f"/api/v1/bookings/{booking}/heatmap", headers=auth(role))
        assert got.status_code == 200, got.get_json()
        data = got.get_json()
        assert data["plans"][0]["booking"] == {"id": booking, "status": "tentative", "in_today": True}
        if role == "hr":
            for pid, p in rows(got).items():
                # today now is what "with this plan" was; the booked plan adds nothing more
                assert [c["load_before"] for c in p["cells"]] == [c["load_after"] for c in planned[pid]["cells"]]
                assert [c["load_after"] for c in p["cells"]] == [c["load_before"] for c in p["cells"]]
    # a fresh proposal of the same people now starts from the booked load
    again = rows(heatmap(client, auth, body, ["gus"]))
    assert [c["load_before"] for c in again["gus"]["cells"]] == [c["load_after"] for c in planned["gus"]["cells"]]
    # with tentative bookings left out of load, the booking is a plan on top of today again
    # (the engine directly: the API's read cache keys on the store revision, which a setting leaves alone)
    service.store.count_tentative = False
    hr = service.viewer("hr", "ivy")
    data = service.heatmap([service.booking_plan(booking, hr)], hr)
    assert data["plans"][0]["booking"]["in_today"] is False
    gus = {p["id"]: p for p in data["people"]}["gus"]
    assert [c["load_after"] for c in gus["cells"]] == [c["load_after"] for c in planned["gus"]["cells"]]


def test_sponsors_see_the_rounded_utilisation_before_and_whether_the_plan_fits(client, auth, team_request):
    members = ["ana", {"id": "bo", "allocation": 0.2}, "cy"]
    hr = rows(heatmap(client, auth, team_request, members))
    r = heatmap(client, auth, team_request, members, role="sponsor")
    sponsor = rows(r)
    for pid, p in sponsor.items():
        for c, full in zip(p["cells"], hr[pid]["cells"]):
            assert set(c) == {"week", "end", "availability", "util_before", "over_before", "over_after",
                              "availability_after"}
            assert c["util_before"] == rounded_util(full["util_before"])
            assert c["availability_after"] == ("over capacity" if full["over_after"] else "within capacity")
    text = r.get_data(as_text=True)
    for hidden in ("load_before", "load_after", "capacity", "capacity_after", "util_after", "away_days", "cost"):
        assert f'"{hidden}"' not in text
    # the summary names who is over and in which weeks (what why-not and a 409 say), no figures
    assert r.get_json()["summary"]["over_with_plan"] == heatmap(client, auth, team_request, members).get_json()[
        "summary"]["over_with_plan"]


def test_roles_and_bad_input(client, auth, team_request):
    assert heatmap(client, auth, team_request, ["gus"], role="member").status_code == 403
    for path in ("/api/v1/capacity", "/api/v1/capacity/eng"):
        assert client.get(path, headers=auth("member")).status_code == 403
        assert client.get(path, headers=auth("sponsor")).status_code == 403
    r = heatmap(client, auth, team_request, ["nobody"])
    assert r.status_code == 400 and r.get_json()["fields"][0]["field"] == "members"
    assert "nobody" in r.get_json()["fields"][0]["message"]
    r = heatmap(client, auth, team_request, [{"id": "gus", "allocation": "half"}])
    assert r.status_code == 400 and r.get_json()["fields"][0]["field"] == "members[0].allocation"
    r = client.post("/api/v1/teams/heatmap", json={"request": team_request}, headers=auth("hr"))
    assert r.status_code == 400 and r.get_json()["fields"][0]["field"] == "members"
    assert client.get("/api/v1/bookings/bk-none/heatmap", headers=auth("hr")).status_code == 404
    assert client.get("/api/v1/capacity/nope", headers=auth("hr")).status_code == 404
    r = client.get("/api/v1/capacity?start=2026-01-01&end=2027-06-30", headers=auth("hr"))
    assert r.status_code == 400 and r.get_json()["fields"][0]["field"] == "end"


def test_a_sponsor_sees_only_heatmaps_of_bookings_they_may_see(client, auth, team_request):
    r = client.post("/api/v1/bookings", json={"request": team_request, "members": ["gus"]}, headers=auth("hr"))
    assert r.status_code == 201
    booking = r.get_json()["id"]
    assert client.get(f"/api/v1/bookings/{booking}/heatmap", headers=auth("sponsor")).status_code == 404
    assert client.get(f"/api/v1/bookings/{booking}/heatmap", headers=auth("admin")).status_code == 200


def test_the_department_view_adds_up_its_people(client, auth):
    window = "start=2026-01-05&end=2026-03-29"
    r = client.get(f"/api/v1/capacity?{window}", headers=auth("hr"))
    assert r.status_code == 200
    data = r.get_json()
    assert data["weeks"][0] == "2026-01-05" and len(data["weeks"]) == 12
    by_id = {d["id"]: d for d in data["departments"]}
    assert by_id["eng"]["name"] == "Engineering" and by_id["eng"]["people"] == 3  # ana, bo, cy (jon has left)
    for dept in ("eng", "ops", "fin"):
        people = client.get(f"/api/v1/capacity/{dept}?{window}", headers=auth("hr")).get_json()
        assert people["department"]["name"] == by_id[dept]["name"]
        names = [p["name"] for p in people["people"]]
        assert names == sorted(names, key=str.casefold) and len(names) == by_id[dept]["people"]
        for k, cell in enumerate(by_id[dept]["cells"]):
            week = [p["cells"][k] for p in people["people"]]
            load, cap = sum(c["load_before"] for c in week), sum(c["capacity"] for c in week)
            assert cell["week"] == week[0]["week"] and cell["people"] == len(week)
            assert cell["mean_util"] == pytest.approx(load / cap, abs=1e-4)
            assert cell["peak_util"] == pytest.approx(max(c["util_before"] for c in week), abs=1e-4)
            assert cell["over"] == sum(c["over_before"] for c in week)
    # Engineering in late January: ana 0.2 + 0.7, bo 1.0, cy 0.4 on an 0.8 capacity
    eng = by_id["eng"]["cells"]
    feb = next(c for c in eng if c["week"] == "2026-02-02")
    assert feb["load"] == pytest.approx(0.9 + 1.0 + 0.4) and feb["capacity"] == pytest.approx(2.8)
    assert feb["over"] == 0 and feb["peak_util"] == pytest.approx(1.0)


def test_a_portfolio_heatmap_adds_every_team_a_person_is_in(client, auth, team_request):
    later = {**team_request, "name": "Later", "window": {"start": "2026-05-04", "end": "2026-07-26"}, "allocation": 0.2}
    plans = [{"request": team_request, "members": ["gus", "cy"]}, {"request": later, "members": ["gus"]}]
    r = client.post("/api/v1/portfolio/heatmap", json={"plans": plans}, headers=auth("hr"))
    body = r.get_json()
    assert r.status_code == 200, body
    assert body["window"] == {"start": "2026-04-01", "end": "2026-07-26"}  # the union of the windows
    assert [p["name"] for p in body["plans"]] == ["Pricing engine", "Later"]
    gus = rows(r)["gus"]
    assert gus["allocation"] == 0.5
    for c in gus["cells"]:
        first = c["week"] <= "2026-06-30"
        second = c["end"] >= "2026-05-04"
        assert c["load_after"] - c["load_before"] == pytest.approx(0.3 * first + 0.2 * second), c
    assert client.post("/api/v1/portfolio/heatmap", json={"plans": plans}, headers=auth("sponsor")).status_code == 403
    bad = [plans[0], {"request": later, "members": [{"id": "gus", "allocation": 7}]}, "x"]
    r = client.post("/api/v1/portfolio/heatmap", json={"plans": bad}, headers=auth("hr"))
    assert r.status_code == 400
    assert [f["field"] for f in r.get_json()["fields"]] == ["plans[1].members[0].allocation", "plans[2]"]


def test_capacity_changes_and_time_off_shape_the_weeks(client, auth, team_request, service):
    """Cy's capacity drops to 0.4 FTE from May and Gus is away 13-24 April: the plan's
    over-capacity weeks follow the capacity, away days show for HR only, and the department
    view counts who is away."""
    from datetime import date

    from teamgraph.graph.model import CapacityPeriod, ChangeSet, TimeOff
    cs = ChangeSet()
    cs.add(CapacityPeriod("cy", date(2026, 5, 1), None, 0.4), TimeOff("gus", date(2026, 4, 13), date(2026, 4, 24)))
    service.store.apply(cs)
    plan = [{"id": "cy", "allocation": 0.5}, "gus"]
    people = rows(heatmap(client, auth, team_request, plan))
    cy = people["cy"]["cells"]
    assert [c["capacity"] for c in cy[:4]] == [0.8] * 4 and all(c["capacity"] == 0.4 for c in cy[5:])
    over = [c["week"] for c in cy if c["over_after"]]
    assert over == [c["week"] for c in cy if c["end"] >= "2026-05-01"]
    r = client.post("/api/v1/bookings", json={"request": team_request, "members": plan}, headers=auth("hr"))
    assert r.status_code == 409 and [(c["person"], c["weeks"]) for c in r.get_json()["conflicts"]] == [("cy", over)]
    gus = {c["week"]: c["away_days"] for c in people["gus"]["cells"]}
    assert gus["2026-04-08"] > 0 and gus["2026-04-15"] > 0 and gus["2026-04-22"] > 0
    assert gus["2026-04-01"] == 0 and gus["2026-04-29"] == 0
    weeks = service.person_weeks(["gus"], service.team_request(team_request).window)["gus"]
    assert [w.away_days for w in weeks] == list(gus.values())
    sponsor = heatmap(client, auth, team_request, plan, role="sponsor").get_data(as_text=True)
    assert '"away_days"' not in sponsor and '"capacity"' not in sponsor
    fin = {d["id"]: d for d in client.get("/api/v1/capacity?start=2026-04-01&end=2026-04-30",
                                          headers=auth("hr")).get_json()["departments"]}["fin"]
    assert [c["away"] for c in fin["cells"]] == [int(gus[c["week"]] > 0) for c in fin["cells"]]


def test_a_week_without_capacity_is_over_with_any_plan_and_stays_valid_json(client, auth, team_request, service):
    """Gus at 0 FTE in April (parental leave kept as capacity): utilisations with the plan are
    null (not Infinity), the weeks are over capacity with it, and sponsors see just that."""
    import json
    from datetime import date

    from teamgraph.graph.model import CapacityPeriod, ChangeSet
    cs = ChangeSet()
    cs.add(CapacityPeriod("gus", date(2026, 4, 1), date(2026, 4, 28), 0.0))
    service.store.apply(cs)
    for role in ("hr", "sponsor"):
        r = heatmap(client, auth, team_request, ["gus"], role=role)
        body = json.loads(r.get_data(as_text=True), parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))
        april = [c for c in body["people"][0]["cells"] if c["end"] <= "2026-04-28"]
        assert len(april) == 4 and all(c["over_after"] and not c["over_before"] for c in april)
        later = [c for c in body["people"][0]["cells"] if c["week"] > "2026-04-28"]
        assert later and not any(c["over_after"] for c in later)
        if role == "hr":
            assert all(c["capacity"] == 0 and c["util_before"] == 0 and c["util_after"] is None for c in april)
        else:
            assert all(c["availability_after"] == "over capacity" and c["util_before"] == 0 for c in april)
    assert [o["name"] for o in body["summary"]["over_with_plan"]] == ["Gus Berg"]
