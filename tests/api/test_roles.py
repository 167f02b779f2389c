"""The role matrix: every endpoint × role is allowed or denied as documented, anonymous calls get
401, and what each role sees is redacted as promised (ratings and detailed loads HR-only,
confidential cases only for their project and HR/admin, through every path)."""

from __future__ import annotations

import pytest

from tests.api.api_samples import REQUEST

ALL = {"sponsor", "member", "hr", "admin"}
PLAN = {"sponsor", "hr", "admin"}
HR = {"hr", "admin"}

# (method, path, json body, roles allowed). Must cover every /api/v1 route (checked below).
MATRIX = [
    ("GET", "/api/v1/skills?q=py", None, ALL),
    ("GET", "/api/v1/skills/python/graph", None, PLAN),
    ("GET", "/api/v1/skills/at-risk", None, HR),
    ("GET", "/api/v1/skills/supply-demand", None, PLAN),
    ("GET", "/api/v1/people?q=a", None, ALL),
    ("GET", "/api/v1/people/ana", None, ALL),
    ("GET", "/api/v1/projects", None, ALL),
    ("GET", "/api/v1/projects/p-wms", None, ALL),
    ("GET", "/api/v1/departments", None, ALL),
    ("GET", "/api/v1/cases", None, ALL),
    ("GET", "/api/v1/cases/c-1", None, ALL),
    ("GET", "/api/v1/cases/similar?q=warehouse+vendor", None, ALL),
    ("GET", "/api/v1/experts?q=warehouse+vendor", None, ALL),
    ("GET", "/api/v1/index/status", None, ALL),
    ("GET", "/api/v1/projects/p-new/kickoff", None, ALL),
    ("POST", "/api/v1/kickoff", {"brief": "Kubernetes platform upgrade"}, ALL),
    ("POST", "/api/v1/teams/suggest", {"request": REQUEST, "alternatives": 0}, PLAN),
    ("POST", "/api/v1/teams/why-not", {"request": REQUEST, "person": "hal"}, PLAN),
    ("POST", "/api/v1/teams/resolve", {"request": REQUEST, "pins": ["gus"], "previous": ["cy", "fay"]}, PLAN),
    ("POST", "/api/v1/portfolio/staff", {"portfolio": {"requests": [REQUEST]}}, HR),
    ("POST", "/api/v1/ingest", None, {"admin"}),
    ("POST", "/api/v1/bookings", {"request": REQUEST, "members": ["gus"]}, PLAN),
    ("GET", "/api/v1/bookings", None, PLAN),
    ("GET", "/api/v1/bookings/bk-none", None, PLAN),
    ("POST", "/api/v1/bookings/bk-none/confirm", {}, HR),
    ("POST", "/api/v1/bookings/bk-none/cancel", {}, PLAN),
    ("POST", "/api/v1/bookings/bk-none/release", {"person": "gus"}, PLAN),
    ("POST", "/api/v1/bookings/portfolio", {"portfolio": {"requests": [REQUEST]}, "teams": [["gus"]]}, PLAN),
    ("POST", "/api/v1/teams/heatmap", {"request": REQUEST, "members": ["gus"]}, PLAN),
    ("POST", "/api/v1/portfolio/heatmap", {"plans": [{"request": REQUEST, "members": ["gus"]}]}, HR),
    ("GET", "/api/v1/bookings/bk-none/heatmap", None, PLAN),
    ("GET", "/api/v1/capacity", None, HR),
    ("GET", "/api/v1/capacity/eng", None, HR),
    ("GET", "/api/v1/progress/pg-none-0001", None, ALL),
    ("POST", "/api/v1/scenarios/run", {"scenario": {"name": "Hire", "changes": [
        {"hire": {"name": "Planned analyst", "department": "fin", "skills": {"sql": 4}}}]}, "request": REQUEST}, PLAN),
    ("POST", "/api/v1/scenarios/apply", {"scenario": {"name": "Nothing", "changes": [
        {"delay": {"project": "p-none", "weeks": 1}}]}}, HR),
    ("POST", "/api/v1/scenarios", {"scenario": {"name": "Hire", "changes": [
        {"hire": {"name": "Planned analyst", "department": "fin"}}]}}, HR),
    ("GET", "/api/v1/scenarios", None, HR),
    ("GET", "/api/v1/scenarios/sc-none", None, HR),
    ("PUT", "/api/v1/scenarios/sc-none", {"scenario": {"name": "Hire", "changes": [
        {"hire": {"name": "Planned analyst", "department": "fin"}}]}, "version": 1}, HR),
    ("POST", "/api/v1/scenarios/sc-none/discard", {}, HR),
]
ROUTE_OF = {"/api/v1/skills/python/graph": "/api/v1/skills/{skill_id}/graph",
            "/api/v1/people/ana": "/api/v1/people/{person_id}",
            "/api/v1/projects/p-wms": "/api/v1/projects/{project_id}",
            "/api/v1/cases/c-1": "/api/v1/cases/{case_id}",
            "/api/v1/projects/p-new/kickoff": "/api/v1/projects/{project_id}/kickoff",
            "/api/v1/bookings/bk-none": "/api/v1/bookings/{booking_id}",
            **{f"/api/v1/bookings/bk-none/{a}": f"/api/v1/bookings/{{booking_id}}/{a}"
               for a in ("confirm", "cancel", "release", "heatmap")},
            "/api/v1/capacity/eng": "/api/v1/capacity/{department}",
            "/api/v1/progress/pg-none-0001": "/api/v1/progress/{progress_id}",
            "/api/v1/scenarios/sc-none": "/api/v1/scenarios/{scenario_id}",
            "/api/v1/scenarios/sc-none/discard": "/api/v1/scenarios/{scenario_id}/discard"}


def _route(path: str) -> str:
    bare = path.split("?")[0]
    return ROUTE_OF.get(bare, bare)


def test_matrix_covers_every_route_and_matches_the_openapi_roles(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops if p != "/api/v1/openapi.json"}
    tested = {(m, _route(p)) for m, p, _, _ in MATRIX}
    assert documented == tested
    for method, path, _, roles in MATRIX:
        assert set(doc["paths"][_route(path)][method.lower()]["x-roles"]) == roles, path


@pytest.mark.parametrize("method,path,body,roles", MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
def test_each_role_is_allowed_or_denied(client, auth, method, path, body, roles):
    anonymous = client.open(path, method=method, json=body)
    assert anonymous.status_code == 401
    assert anonymous.get_json()["code"] == "unauthorized"
    for role in ("sponsor", "member", "hr", "admin"):
        resp = client.open(path, method=method, json=body, headers=auth(role))
        if role in roles:
            # allowed: anything but an auth failure (ingest without a file is a 400, for instance)
            assert resp.status_code not in (401, 403), (role, resp.get_json())
            assert resp.status_code < 500, (role, resp.get_json())
        else:
            assert resp.status_code == 403, (role, resp.status_code)
            assert resp.get_json()["code"] == "forbidden"


def test_ratings_and_detailed_loads_are_hr_only_on_profiles(client, auth):
    hr = client.get("/api/v1/people/ana?start=2026-01-01&end=2026-03-31", headers=auth("hr")).get_json()
    assert hr["load"] == pytest.approx(0.9) and "ratings" in hr and len(hr["ratings"]) == 2
    assert all("allocation" in p for p in hr["projects"]) and "cost_rate" in hr["person"]
    assert max(w["load"] for w in hr["weekly_load"]) == pytest.approx(0.9)
    for role in ("sponsor", "member"):
        other = client.get("/api/v1/people/ana?start=2026-01-01&end=2026-03-31", headers=auth(role)).get_json()
        assert "ratings" not in other and "load" not in other and "cost_rate" not in other["person"]
        assert "weekly_load" not in other
        assert all("allocation" not in p for p in other["projects"])
        assert other["availability"] == "busy"


def test_a_person_sees_their_own_load_but_not_ratings_about_them(client, auth):
    me = client.get("/api/v1/people/bo?start=2026-01-01&end=2026-03-31", headers=auth("member")).get_json()
    assert me["load"] == pytest.approx(1.0)
    assert "ratings" not in me


def test_project_allocations_are_hidden_except_the_viewers_own(client, auth):
    rows = client.get("/api/v1/projects/p-plat", headers=auth("member")).get_json()["members"]
    assert {r["person"]: "allocation" in r for r in rows} == {"ana": False, "bo": True, "cy": False}
    rows = client.get("/api/v1/projects/p-plat", headers=auth("hr")).get_json()["members"]
    assert all("allocation" in r for r in rows)


def test_confidential_case_visible_to_its_project_and_hr_only(client, auth):
    # c-3 is confidential to p-wms: bo (member) worked on it, fay (sponsor) did not.
    assert client.get("/api/v1/cases/c-3", headers=auth("member")).status_code == 200
    assert client.get("/api/v1/cases/c-3", headers=auth("hr")).status_code == 200
    hidden = client.get("/api/v1/cases/c-3", headers=auth("sponsor"))
    assert hidden.status_code == 404  # indistinguishable from a case that does not exist
    assert hidden.get_json() == client.get("/api/v1/cases/c-nope", headers=auth("sponsor")).get_json() | {
        "message": hidden.get_json()["message"]}


def test_confidential_case_never_leaks_through_lists_search_experts_or_projects(client, auth):
    text = "vendor disputed change requests contract pricing"
    for path in ("/api/v1/cases", "/api/v1/projects/p-wms", f"/api/v1/cases/similar?q={text}&k=50",
                 f"/api/v1/experts?q={text}&k=50", "/api/v1/people/dee"):
        body = client.get(path, headers=auth("sponsor")).get_data(as_text=True)
        assert "c-3" not in body and "Vendor contract dispute" not in body, path
    seen = client.get(f"/api/v1/cases/similar?q={text}&k=50", headers=auth("member")).get_json()
    assert "c-3" in [c["id"] for c in seen["cases"]]
    kickoff = client.post("/api/v1/kickoff", json={"brief": text}, headers=auth("sponsor")).get_data(as_text=True)
    assert "c-3" not in kickoff and "Vendor contract dispute" not in kickoff


def test_department_case_is_hidden_outside_its_department(client, auth):
    # c-2 is department-visible (ops); fay is in fin, bo in eng; HR sees everything.
    assert client.get("/api/v1/cases/c-2", headers=auth("sponsor")).status_code == 404
    assert client.get("/api/v1/cases/c-2", headers=auth("hr")).status_code == 200


def test_expert_loads_are_bands_for_members_and_ratings_hr_only(client, auth):
    q = "/api/v1/experts?q=kubernetes+platform+upgrade&k=5"
    hr = client.get(q, headers=auth("hr")).get_json()["experts"]
    assert hr and all("load" in e and "ratings" in e for e in hr)
    sponsor = client.get(q, headers=auth("sponsor")).get_json()["experts"]
    assert all("ratings" not in e and "load_discount" not in e and "utilisation" in e for e in sponsor)
    member = client.get(q, headers=auth("member")).get_json()["experts"]
    assert all("load" not in e and "utilisation" not in e and e["availability"] for e in member)


def test_team_members_ratings_only_for_hr(client, auth):
    body = {"request": REQUEST, "alternatives": 0}
    hr = client.post("/api/v1/teams/suggest", json=body, headers=auth("hr")).get_json()
    sponsor = client.post("/api/v1/teams/suggest", json=body, headers=auth("sponsor")).get_json()
    assert all("ratings" in m for m in hr["team"]["members"])
    assert all("load_after" in m for m in hr["team"]["members"])
    # a sponsor: the rounded utilisation before and whether it fits (teamgraph/present.py)
    assert all("ratings" not in m and "load_after" not in m and m["availability_after"] for m in sponsor["team"]["members"])


def test_why_not_weeks_without_load_figures_for_sponsors(client, auth):
    # bo (python 4) is at 100 % on p-plat through June
    body = {"request": dict(REQUEST, requirements=[{"skill": "python", "level": 3}]), "person": "bo"}
    hr = client.post("/api/v1/teams/why-not", json=body, headers=auth("hr")).get_json()
    sp = client.post("/api/v1/teams/why-not", json=body, headers=auth("sponsor")).get_json()
    assert hr["kind"] == sp["kind"] == "over_capacity"
    assert isinstance(hr["details"]["weeks"][0], dict) and "%" in hr["reason"]
    assert isinstance(sp["details"]["weeks"][0], str) and "%" not in sp["reason"]
    assert sp["details"]["weeks"] == [w["week"] for w in hr["details"]["weeks"]]


def test_kickoff_team_only_for_roles_that_may_request_teams(client, auth):
    member = client.get("/api/v1/projects/p-new/kickoff", headers=auth("member")).get_json()
    sponsor = client.get("/api/v1/projects/p-new/kickoff", headers=auth("sponsor")).get_json()
    assert member.get("team") is None
    assert sponsor.get("team") is not None


def test_case_counts_do_not_include_hidden_cases(client, auth, login):
    # fay (sponsor, fin) may see c-1, c-4, c-5: not c-2 (ops only) nor c-3 (confidential to p-wms)
    assert client.get("/api/v1/index/status", headers=auth("hr")).get_json()["built"] is False
    client.get("/api/v1/cases/similar?q=anything", headers=auth("hr"))  # loads (builds) the index
    assert client.get("/api/v1/index/status", headers=auth("sponsor")).get_json()["sizes"]["case"] == 3
    assert client.get("/api/v1/index/status", headers=auth("hr")).get_json()["sizes"]["case"] == 5
    login("sponsor")
    assert "3 retrospective cases" in client.get("/").get_data(as_text=True)
