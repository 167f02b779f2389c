"""What the sponsor-facing pages and answers show of a forced overload and of portfolio output:
the person's name and percentage, never only a status word; the portfolio panel for HR/admin."""

from __future__ import annotations


def test_a_forced_overload_reaches_the_sponsor_with_name_and_percentage(client, auth, team_request):
    # bo is on p-plat through Q2: pinning him at 0.3 FTE takes him to 130 %
    resp = client.post("/api/v1/teams/suggest", json={"request": team_request, "pins": ["bo"], "alternatives": 0},
                       headers=auth("sponsor"))
    body = resp.get_json()
    assert resp.status_code == 200, body
    assert body["status"] == "overloaded"  # never "optimal"
    # by name; the percentage after joining is HR's (it would give back load and capacity: present.py)
    assert body["forced_overload"] == [{"person": "bo", "name": "Bo Chen", "utilisation": None}]
    assert any("Bo Chen over capacity" in n for n in body["notes"])
    hr = client.post("/api/v1/teams/suggest", json={"request": team_request, "pins": ["bo"], "alternatives": 0},
                     headers=auth("hr")).get_json()
    assert hr["forced_overload"] == [{"person": "bo", "name": "Bo Chen", "utilisation": 1.3}]
    assert any("Bo Chen at 130 %" in n for n in hr["notes"])


def test_the_portfolio_panel_is_for_people_data_roles(client, login):
    login("hr")
    assert 'id="portfolio-box"' in client.get("/sponsor").get_data(as_text=True)
    login("sponsor")  # portfolio staffing reads everyone's load: HR/admin only
    page = client.get("/sponsor").get_data(as_text=True)
    assert 'id="portfolio-box"' not in page and 'id="request-form"' in page


def test_the_kickoff_page_warns_of_a_forced_overload_by_name(client, login, service, monkeypatch):
    team = {"status": "overloaded", "team": {"members": []}, "violations": [],
            "forced_overload": [{"person": "bo", "name": "Bo Chen", "utilisation": 1.4}], "notes": []}
    monkeypatch.setattr(service, "_team_suggester", lambda viewer, request, project: lambda context: team)
    login("hr")
    page = client.get("/projects/p-new/kickoff").get_data(as_text=True)
    assert 'id="forced-overload"' in page and "<b>Bo Chen</b> at 140%" in page
    login("sponsor")  # by name, without the percentage (teamgraph/present.py)
    sponsor_page = client.get("/projects/p-new/kickoff").get_data(as_text=True)
    assert 'id="forced-overload"' in sponsor_page and "<b>Bo Chen</b>" in sponsor_page and "140" not in sponsor_page
    assert "feasible only with a forced overload" in page
