"""The people directory and the project index: filters, paging with a total, names beside ids,
load figures only for those who may see them; and the fuzzy person lookup why-not uses."""

from __future__ import annotations

import pytest

WINDOW = {"start": "2026-02-01", "end": "2026-02-28"}


def _get(client, auth, path, role="hr", **args):
    resp = client.get(path, query_string=args, headers=auth(role))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def test_directory_lists_active_people_by_name_with_a_total(client, auth):
    got = _get(client, auth, "/api/v1/people", limit=4)
    assert got["total"] == 9 and got["offset"] == 0 and got["limit"] == 4  # jon left
    assert [p["name"] for p in got["people"]] == ["Ana Lima", "Bo Chen", "Cy Park", "Dee Okafor"]
    assert got["people"][0]["department_name"] == "Engineering"
    more = _get(client, auth, "/api/v1/people", limit=4, offset=8)
    assert [p["id"] for p in more["people"]] == ["ivy"] and more["total"] == 9


def test_directory_filters_by_skill_by_name_level_and_department(client, auth):
    got = _get(client, auth, "/api/v1/people", skill="Python", min_level=4)
    assert [(p["id"], p["level"]) for p in got["people"]] == [("ana", 5), ("bo", 4)] and got["total"] == 2
    assert got["filters"]["skill"] == "python"
    assert [p["id"] for p in _get(client, auth, "/api/v1/people", department="ops")["people"]] == ["dee", "eli"]


def test_directory_filters_by_free_time_in_a_window(client, auth):
    # February 2026 in eng: ana 1.0 − 0.9 = 0.1 free; bo 1.0 − 1.0 = 0; cy (capacity 0.8) 0.8 − 0.4 = 0.4
    got = _get(client, auth, "/api/v1/people", department="eng", min_fte="0.5", **WINDOW)
    assert got["people"] == [] and got["total"] == 0
    got = _get(client, auth, "/api/v1/people", department="eng", min_fte="0.1", **WINDOW)
    assert [(p["id"], p["available_fte"]) for p in got["people"]] == [("ana", pytest.approx(0.1)),
                                                                     ("cy", pytest.approx(0.4))]
    assert got["total"] == 2


def test_only_planners_filter_by_free_time(client, auth):
    resp = client.get("/api/v1/people", query_string={"min_fte": "0.5"}, headers=auth("member"))
    assert resp.status_code == 400 and resp.get_json()["fields"][0]["field"] == "min_fte"
    assert client.get("/api/v1/people", query_string={"min_fte": "0.5"}, headers=auth("sponsor")).status_code == 200


def test_directory_shows_free_time_figures_only_to_hr_and_the_person(client, auth):
    sponsor = _get(client, auth, "/api/v1/people", role="sponsor", department="fin", **WINDOW)["people"]
    assert all("available_fte" not in p and p["availability"] for p in sponsor if p["id"] != "fay")
    assert "available_fte" in next(p for p in sponsor if p["id"] == "fay")  # the sponsor is fay


@pytest.mark.parametrize("args, field", [({"min_fte": "0.33"}, "min_fte"), ({"skill": "Pyhton"}, "skill"),
                                         ({"department": "nowhere"}, "department"), ({"limit": "0"}, "limit")])
def test_directory_rejects_bad_filters_naming_the_field(client, auth, args, field):
    resp = client.get("/api/v1/people", query_string=args, headers=auth("hr"))
    assert resp.status_code == 400
    (problem,) = resp.get_json()["fields"]
    assert problem["field"] == field
    if field == "skill":
        assert problem["suggestions"][0] == {"id": "python", "name": "Python"}


def test_people_picker_finds_names_that_look_like_the_words(client, auth):
    assert [p["id"] for p in _get(client, auth, "/api/v1/people", q="chen")["people"]] == ["bo"]
    assert [p["id"] for p in _get(client, auth, "/api/v1/people", q="Okafr")["people"]][:1] == ["dee"]  # a typo


def test_why_not_takes_a_name(client, auth, team_request):
    resp = client.post("/api/v1/teams/why-not", json={"request": team_request, "person": "Ito"},
                       headers=auth("sponsor"))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["person"] == "hal" and resp.get_json()["person_name"] == "Hal Ito"
    typo = client.post("/api/v1/teams/why-not", json={"request": team_request, "person": "Hal Itto"},
                       headers=auth("sponsor"))
    assert typo.status_code == 400
    (problem,) = typo.get_json()["fields"]
    assert problem["field"] == "person" and problem["suggestions"][0] == {"id": "hal", "name": "Hal Ito"}
    several = client.post("/api/v1/teams/why-not", json={"request": team_request, "person": "engineer"},
                          headers=auth("sponsor")).get_json()["fields"][0]
    assert "several people" in several["message"] and {s["id"] for s in several["suggestions"]} >= {"bo", "cy"}


def test_project_index_filters_and_pages(client, auth):
    got = _get(client, auth, "/api/v1/projects", limit=2)
    assert got["total"] == 5 and [p["id"] for p in got["projects"]] == ["p-new", "p-plat"]
    new = got["projects"][0]
    assert new["department_name"] == "Finance"
    assert {(n["skill_name"], n["level"], n["count"]) for n in new["needs"]} == {("Python", 3, 2), ("Budgeting", 3, 1)}
    got = _get(client, auth, "/api/v1/projects", status="active,proposed", skill="Kubernetes")
    assert [p["id"] for p in got["projects"]] == ["p-plat"] and got["total"] == 1
    assert _get(client, auth, "/api/v1/projects", department="ops")["total"] == 1
    assert [p["id"] for p in _get(client, auth, "/api/v1/projects", q="crm")["projects"]] == ["p-crm"]


def test_a_typo_in_a_surname_still_finds_the_person(client, auth):
    assert [p["id"] for p in _get(client, auth, "/api/v1/people", q="okfor")["people"]][:1] == ["dee"]
    assert [p["id"] for p in _get(client, auth, "/api/v1/people", q="nvak")["people"]][:1] == ["eli"]
