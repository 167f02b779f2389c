"""No request path reads a whole kind (`store.all`): every route and page asks the store the
question it needs answered (project_needs, search_people, demanded_skills, …)."""

from __future__ import annotations

import pytest

GETS = ["/api/v1/skills?q=py", "/api/v1/skills/python/graph", "/api/v1/skills/at-risk",
        "/api/v1/skills/supply-demand", "/api/v1/people?q=ana", "/api/v1/people/ana", "/api/v1/projects",
        "/api/v1/projects?status=active", "/api/v1/projects/p-new", "/api/v1/departments", "/api/v1/cases",
        "/api/v1/cases/c-1", "/api/v1/cases/similar?q=kubernetes+upgrade", "/api/v1/experts?q=kubernetes",
        "/api/v1/projects/p-new/kickoff", "/api/v1/index/status",
        # directories, the skill picker (literal, a group, a typo, related meaning), graph paging
        "/api/v1/people?skill=Python&min_level=3&min_fte=0.1&department=eng", "/api/v1/people?q=okfor",
        "/api/v1/projects?q=p&status=active,proposed&skill=python&limit=2&offset=1", "/api/v1/skills?q=programming",
        "/api/v1/skills?q=Kubernets", "/api/v1/skills?q=supplier", "/api/v1/skills/Python/graph?limit=1&offset=1",
        "/api/v1/capacity?start=2026-04-06&end=2026-06-28", "/api/v1/capacity/eng?start=2026-04-06&end=2026-06-28"]
PAGES = ["/", "/sponsor", "/kickoff", "/kickoff?brief=kubernetes+upgrade", "/projects/p-new/kickoff", "/graph",
         "/people?q=engineer", "/people/ana", "/capacity"]


@pytest.fixture
def no_scans(service, monkeypatch):
    service.warm()  # building the index reads everything, as it should; requests must not

    def no_scan(kind):  # a generator, as the stores' `all` is: reading it is what fails
        raise AssertionError(f"a request path read every {kind}")
        yield
    monkeypatch.setattr(service.store, "all", no_scan)


def test_routes_and_pages_read_no_whole_kind(client, auth, login, team_request, no_scans):
    for path in GETS:
        resp = client.get(path, headers=auth("admin"))
        assert resp.status_code == 200, (path, resp.get_data(as_text=True)[:300])
    for path, body in (("/api/v1/teams/suggest", {"request": team_request}),
                       ("/api/v1/teams/why-not", {"request": team_request, "person": "ana"}),
                       ("/api/v1/teams/why-not", {"request": team_request, "person": "Hal Ito"}),
                       ("/api/v1/portfolio/staff", {"portfolio": {"requests": [team_request]}}),
                       ("/api/v1/kickoff", {"brief": "Kubernetes upgrade", "skills": ["Kubernetes"]}),
                       ("/api/v1/teams/heatmap", {"request": team_request, "members": ["gus", "cy"]})):
        resp = client.post(path, json=body, headers=auth("admin"))
        assert resp.status_code == 200, (path, resp.get_data(as_text=True)[:300])
    login("hr")
    for path in PAGES:
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.get_data(as_text=True)[:300])
