"""The OpenAPI document describes what is served."""

from __future__ import annotations


def test_openapi_is_public_and_lists_the_required_paths(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.")
    required = {("post", "/api/v1/teams/suggest"), ("post", "/api/v1/teams/why-not"), ("post", "/api/v1/teams/resolve"),
                ("post", "/api/v1/portfolio/staff"), ("post", "/api/v1/kickoff"),
                ("get", "/api/v1/projects/{project_id}/kickoff"), ("get", "/api/v1/cases/similar"),
                ("get", "/api/v1/experts"), ("get", "/api/v1/skills"), ("get", "/api/v1/skills/{skill_id}/graph"),
                ("get", "/api/v1/skills/at-risk"), ("get", "/api/v1/people/{person_id}"),
                ("get", "/api/v1/projects/{project_id}"), ("get", "/api/v1/cases/{case_id}"),
                ("post", "/api/v1/ingest")}
    present = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert required <= present


def test_every_operation_is_described(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op["summary"], (method, path)
            for name in [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]:
                assert any(p["name"] == name and p["in"] == "path" for p in op["parameters"]), (path, name)
            if method == "post" and path != "/api/v1/ingest":
                assert op["requestBody"]["content"]["application/json"]["schema"]["required"], path
    similar = doc["paths"]["/api/v1/cases/similar"]["get"]
    assert {"q", "k", "department", "since"} <= {p["name"] for p in similar["parameters"]}
    assert doc["components"]["schemas"]["Error"]["required"] == ["code", "message", "fields"]
