"""The what-if page (api/whatif.py) through the test client: who may open it, what each role is
offered (the engine's rules, not the page's), HR's saved scenarios by name and never to a sponsor,
and the calls the page's script makes, signed in through the session as the page is."""

from __future__ import annotations

import re

import pytest

from teamgraph.graph.bookings import LIVE
from teamgraph.scenario_run import SPONSOR_CHANGES
from teamgraph.scenarios import CHANGE_FIELDS

HIRE = {"hire": {"name": "Planned analyst", "department": "fin", "skills": [{"skill": "SQL", "level": 5}],
                 "capacity": 1, "cost_rate": 40}}
LEAVES = {"name": "Ana Lima leaves in spring", "changes": [{"remove": {"person": "Ana Lima", "from": "2026-04-01"}}]}


def kinds_offered(html: str) -> list[str]:
    select = re.search(r'<select id="change-kind">(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="(\w+)"', select)


def test_page_role_gates(client, login):
    assert client.get("/whatif").headers["Location"].startswith("/login?next=")
    for role, status in (("member", 403), ("sponsor", 200), ("hr", 200), ("admin", 200)):
        login(role)
        assert client.get("/whatif").status_code == status, role


def test_sponsor_is_offered_hires_and_no_costs_or_apply(client, login):
    login("sponsor")
    html = client.get("/whatif").get_data(as_text=True)
    assert kinds_offered(html) == [k for k in CHANGE_FIELDS if k in SPONSOR_CHANGES] == ["hire"]
    assert 'data-hr="false"' in html
    for hr_only in ('data-field="cost_rate"', 'id="save"', 'id="apply"', 'id="apply-book"', 'id="saved-box"'):
        assert hr_only not in html, hr_only
    assert "Sponsors plan hires" in html and 'id="discard"' in html


def test_hr_is_offered_every_change_save_apply_and_booking(client, login):
    login("hr")
    html = client.get("/whatif").get_data(as_text=True)
    assert kinds_offered(html) == list(CHANGE_FIELDS)
    assert 'data-hr="true"' in html and 'data-field="cost_rate"' in html
    assert all(f'<option value="{s}">{s}</option>' in html for s in LIVE)
    assert 'id="apply-book"' in html and 'id="save"' in html
    assert '<option value="fin">Finance</option>' in html  # a hire's department by name


def test_saved_scenarios_by_name_for_hr_never_for_a_sponsor(client, login, auth):
    saved = client.post("/api/v1/scenarios", json={"scenario": LEAVES}, headers=auth("hr")).get_json()
    login("hr")
    html = client.get("/whatif").get_data(as_text=True)
    row = re.search(rf'<tr data-scenario="{saved["id"]}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert "Ana Lima leaves in spring" in row and "Ivy Diaz" in row and ">ivy<" not in row  # who saved it, by name
    login("sponsor")
    html = client.get("/whatif").get_data(as_text=True)
    assert "Ana Lima leaves" not in html and saved["id"] not in html
    client.post(f"/api/v1/scenarios/{saved['id']}/discard", json={}, headers=auth("hr"))
    login("hr")
    assert saved["id"] not in client.get("/whatif").get_data(as_text=True)  # the page lists open ones only


def test_the_sponsor_and_capacity_pages_link_to_it(client, login):
    login("hr")
    assert 'id="whatif-go" class="whatif-go"' in client.get("/sponsor").get_data(as_text=True)
    assert 'href="/whatif" id="whatif-link"' in client.get("/capacity").get_data(as_text=True)
    login("sponsor")
    assert 'href="/whatif" id="whatif-go"' in client.get("/sponsor").get_data(as_text=True)


def page_post(client, csrf, path, body):
    """A call as the page's script makes it: the session cookie and the CSRF header."""
    return client.post(path, json=body, headers={"X-CSRF-Token": csrf})


def test_a_sponsors_run_from_the_page_shows_no_cost_or_after_figures(client, login, team_request):
    csrf = login("sponsor")
    body = {"scenario": {"name": "Hire an analyst", "changes": [HIRE]}, "request": {**team_request, "budget": 60000}}
    r = page_post(client, csrf, "/api/v1/scenarios/run", body)
    assert r.status_code == 200, r.get_json()
    out = r.get_json()
    for side in ("current", "with_scenario"):
        s = out[side]
        assert s["cost"] is None and s["budget_left"] is None and s["max_util"] is None
        assert "cost" not in (out["answers"][side]["team"] or {})
        assert all("rating" not in k for m in out["answers"][side]["team"]["members"] for k in m)
    assert out["org_changes"]["added"] == [{"id": "hire-planned-analyst", "name": "Planned analyst"}]
    delay = {"scenario": {"name": "Later", "changes": [{"delay": {"project": "Platform upgrade", "weeks": 4}}]},
             "request": team_request}
    refused = page_post(client, csrf, "/api/v1/scenarios/run", delay)
    assert refused.status_code == 403 and "sponsors plan hires" in refused.get_json()["message"]
    assert page_post(client, csrf, "/api/v1/scenarios", {"scenario": delay["scenario"]}).status_code == 403
    assert page_post(client, csrf, "/api/v1/scenarios/apply", {"scenario": delay["scenario"]}).status_code == 403


def test_hr_runs_a_delay_and_sees_cost_against_the_budget(client, login, team_request, service):
    csrf = login("hr")
    revision = service.store.revision()
    body = {"scenario": {"name": "Platform upgrade later", "changes": [{"delay": {"project": "Platform upgrade",
                                                                                   "weeks": 16}}]},
            "request": {**team_request, "budget": 60000}}
    out = page_post(client, csrf, "/api/v1/scenarios/run", body).get_json()
    assert out["with_scenario"]["cost"] is not None and out["with_scenario"]["budget"] == 60000
    assert out["scenario"]["changes"][0]["words"] == "Platform upgrade later by 16 week(s)"
    assert service.store.revision() == revision  # running writes nothing
    assert out["current"]["words"] and out["with_scenario"]["words"]
    assert out["with_scenario"]["budget_left"] == pytest.approx(60000 - out["with_scenario"]["cost"])


def test_hr_opens_saved_scenarios_to_edit_and_the_list_says_who_changed_them(client, login, auth):
    saved = client.post("/api/v1/scenarios", json={"scenario": LEAVES}, headers=auth("hr")).get_json()
    edited = {**LEAVES, "name": "Ana Lima leaves in summer"}
    assert client.put(f"/api/v1/scenarios/{saved['id']}", json={"scenario": edited, "version": 1},
                      headers=auth("admin")).status_code == 200
    csrf = login("hr")
    html = client.get("/whatif").get_data(as_text=True)
    row = re.search(rf'<tr data-scenario="{saved["id"]}" data-version="2">(.*?)</tr>', html, re.S).group(1)
    assert "Ana Lima leaves in summer" in row and "open-saved" in row
    assert "by admin (version 2)" in row  # who changed it last: an admin token has no person, so its role
    assert 'id="editing"' in html and 'id="save-edit"' in html and 'id="tpl-saved-row"' in html
    # the page's editor: GET then PUT with the version opened, through the session
    opened = client.get(f"/api/v1/scenarios/{saved['id']}").get_json()
    r = client.put(f"/api/v1/scenarios/{saved['id']}", json={"scenario": LEAVES, "version": opened["version"]},
                   headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.get_json()["version"] == 3
    assert client.put(f"/api/v1/scenarios/{saved['id']}", json={"scenario": LEAVES, "version": 3}).status_code == 403  # no CSRF
    login("sponsor")
    html = client.get("/whatif").get_data(as_text=True)
    assert 'id="editing"' not in html and "open-saved" not in html and "tpl-saved-row" not in html


def test_the_portfolio_hands_over_to_the_what_if_page_for_hr_only(client, login):
    login("hr")
    assert 'id="whatif-portfolio-go" class="whatif-go"' in client.get("/sponsor").get_data(as_text=True)
    login("sponsor")
    assert "whatif-portfolio-go" not in client.get("/sponsor").get_data(as_text=True)  # portfolios are HR's
