"""Errors are JSON {code, message, fields} with the right status, never a stack trace."""

from __future__ import annotations

import pytest

from teamgraph.api.app import create_app
from teamgraph.errors import StoreUnavailable


def _is_error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["code"] == code and isinstance(body["message"], str) and isinstance(body["fields"], list)
    assert "Traceback" not in resp.get_data(as_text=True)
    return body


def test_no_token_bad_scheme_and_unknown_token_are_401(client):
    _is_error(client.get("/api/v1/skills"), 401, "unauthorized")
    _is_error(client.get("/api/v1/skills", headers={"Authorization": "Basic dTpw"}), 401, "unauthorized")
    resp = client.get("/api/v1/skills", headers={"Authorization": "Bearer tg_not-a-token"})
    _is_error(resp, 401, "unauthorized")
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_things_are_404(client, auth):
    for path in ("/api/v1/people/nobody", "/api/v1/projects/nope", "/api/v1/cases/nope",
                 "/api/v1/skills/nope/graph", "/api/v1/no-such-endpoint"):
        _is_error(client.get(path, headers=auth("hr")), 404, "not_found")


def test_wrong_method_is_405_json(client, auth):
    _is_error(client.get("/api/v1/teams/suggest", headers=auth("hr")), 405, "method_not_allowed")


@pytest.mark.parametrize("kwargs,field", [
    ({"data": "not json", "content_type": "text/plain"}, "body"),
    ({"json": ["a", "list"]}, "body"),
    ({"json": {}}, "request"),
    ({"json": {"request": "python please"}}, "request"),
    ({"json": {"request": {"window": {"start": "2026-04-01", "end": "2026-06-30"},
                           "requirements": [{"skill": "pythn"}]}}},
     "request.requirements[0].skill"),
    ({"json": {"request": {"window": {"start": "2026-04-01"}, "requirements": [{"skill": "python", "level": 9}]}}},
     "request.requirements[0].level"),
    ({"json": {"request": {"window": {"start": "2026-04-01", "end": "2026-06-30"}, "requirements": ["python"]},
               "alternatives": 99}}, "alternatives"),
    ({"json": {"request": {"window": {"start": "2026-04-01", "end": "2026-06-30"}, "requirements": ["python"]},
               "time_limit": "soon"}}, "time_limit"),
    ({"json": {"request": {"window": {"start": "2026-04-01", "end": "2026-06-30"}, "requirements": ["python"]},
               "pins": ["nobody"]}}, "pins"),
])
def test_bad_suggest_bodies_are_400_naming_the_field(client, auth, kwargs, field):
    body = _is_error(client.post("/api/v1/teams/suggest", headers=auth("sponsor"), **kwargs), 400, "invalid_input")
    assert field in [f.get("field") for f in body["fields"]], body


def test_unknown_skill_error_suggests_the_closest(client, auth, team_request):
    team_request["requirements"] = [{"skill": "Kubernets", "level": 3}]
    body = _is_error(client.post("/api/v1/teams/suggest", json={"request": team_request}, headers=auth("sponsor")),
                     400, "invalid_input")
    assert "Kubernetes" in body["fields"][0]["message"]


def test_every_problem_is_reported_at_once(client, auth):
    bad = {"window": {"start": "2026-13-01", "end": "2026-06-30"}, "requirements": [{"skill": "python", "count": 0}],
           "size": {"min": 5, "max": 2}, "colour": "blue"}
    body = _is_error(client.post("/api/v1/teams/suggest", json={"request": bad}, headers=auth("sponsor")),
                     400, "invalid_input")
    fields = {f["field"] for f in body["fields"]}
    assert {"request.window.start", "request.requirements[0].count", "request.size", "request.colour"} <= fields


def test_bad_query_arguments_are_400(client, auth):
    _is_error(client.get("/api/v1/skills?limit=abc", headers=auth("hr")), 400, "invalid_input")
    _is_error(client.get("/api/v1/skills/at-risk?department=nope", headers=auth("hr")), 400, "invalid_input")
    _is_error(client.get("/api/v1/people/ana?start=yesterday", headers=auth("hr")), 400, "invalid_input")
    _is_error(client.get("/api/v1/cases/similar", headers=auth("hr")), 400, "invalid_input")
    _is_error(client.get("/api/v1/cases/similar?q=x&since=2026-99-01", headers=auth("hr")), 400, "invalid_input")


def test_portfolio_file_references_are_refused(client, auth):
    body = {"portfolio": {"requests": [{"file": "/etc/passwd"}]}}
    body = _is_error(client.post("/api/v1/portfolio/staff", json=body, headers=auth("hr")), 400, "invalid_input")
    assert body["fields"][0]["field"] == "portfolio.requests[0].file"


class DownStore:
    """A store whose backend is unreachable (what Neo4j being down looks like to the API)."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise StoreUnavailable("cannot reach Neo4j at bolt://localhost:7687")
        return fail


def test_store_unavailable_is_503(settings, tokens):
    from teamgraph.service import Teamgraph
    app = create_app({"TESTING": True}, settings=settings, service=Teamgraph(settings, store=DownStore()))
    resp = app.test_client().get("/api/v1/skills", headers={"Authorization": f"Bearer {tokens['admin']}"})
    _is_error(resp, 503, "store_unavailable")


def test_unexpected_errors_are_a_generic_500_without_internals(app, client, auth):
    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internal detail /srv/db password=hunter2")
    body = _is_error(client.get("/api/v1/boom", headers=auth("hr")), 500, "internal_error")
    assert "hunter2" not in body["message"] and "RuntimeError" not in body["message"]


def test_pages_show_errors_as_html_not_json(client, login):
    login("member")
    resp = client.get("/graph")  # the skill graph page is for sponsors, HR and admins
    assert resp.status_code == 403 and resp.mimetype == "text/html"
    assert "sponsor, hr, admin" in resp.get_data(as_text=True)
