"""Documented limits (README "Limits", teamgraph/limits.py): requests that would crash or tie up
the server are refused at the boundary with a 400/413 naming the field and the limit."""

from __future__ import annotations

import io
import json

import pytest

from teamgraph import limits
from teamgraph.errors import ValidationError
from teamgraph.matching.request import load_request, parse_request

from tests.api.api_samples import REQUEST


def _error(resp, status: int, field: str) -> dict:
    text = resp.get_data(as_text=True)
    assert resp.status_code == status, text
    assert "Traceback" not in text
    body = resp.get_json()
    assert field in [f.get("field") for f in body["fields"]], body
    return body


def _suggest(client, auth, body: dict, path: str = "/api/v1/teams/suggest"):
    return client.post(path, headers=auth("sponsor"), json=body)


def test_json_body_over_the_size_limit_is_413_naming_the_limit(client, auth):
    data = json.dumps({"request": REQUEST, "pad": "x" * (limits.MAX_JSON_BODY + 10)})
    resp = client.post("/api/v1/teams/suggest", headers=auth("sponsor"), data=data,
                       content_type="application/json")
    body = _error(resp, 413, "body")
    assert str(limits.MAX_JSON_BODY) in body["message"]


def test_upload_over_max_content_length_is_413_json(app, client, auth):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    resp = client.post("/api/v1/ingest", data=b"x" * 2000, content_type="application/zip", headers=auth("admin"))
    body = _error(resp, 413, "body")
    assert "1000" in body["message"]


def test_deeply_nested_json_is_400_on_every_post(app, client, auth):
    deep = "[" * 1000 + "]" * 1000
    posts = sorted({r.rule for r in app.url_map.iter_rules()
                    if "POST" in r.methods and r.rule.startswith("/api/") and "<" not in r.rule})
    assert "/api/v1/teams/suggest" in posts and "/api/v1/kickoff" in posts
    for path in posts:
        for data in (deep, '{"request": ' + deep + "}"):
            resp = client.post(path, headers=auth("admin"), data=data, content_type="application/json")
            body = _error(resp, 400, "body")
            assert str(limits.MAX_JSON_DEPTH) in body["fields"][0]["message"], path


def test_too_many_requirements_is_400(client, auth, team_request):
    team_request["requirements"] = [{"skill": "sql", "level": 1 + i % 5} for i in range(64)]
    body = _error(_suggest(client, auth, {"request": team_request}), 400, "request.requirements")
    assert str(limits.MAX_REQUIREMENTS) in body["fields"][0]["message"]
    team_request["requirements"] = ["sql"] * 100_000
    _error(_suggest(client, auth, {"request": team_request}), 400, "request.requirements")


@pytest.mark.parametrize("path,field", [
    (("requirements", 0, "skill"), "request.requirements[0].skill"),
    (("brief",), "request.brief"),
    (("name",), "request.name"),
])
def test_overlong_strings_are_400(client, auth, team_request, path, field):
    target = team_request
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = "x" * 200_000
    body = _error(_suggest(client, auth, {"request": team_request}), 400, field)
    assert any("at most" in f["message"] for f in body["fields"] if f.get("field") == field), body


@pytest.mark.parametrize("seed", [2**70, -1])
def test_seed_out_of_range_is_400(client, auth, team_request, seed):
    body = _error(_suggest(client, auth, {"request": team_request, "seed": seed}), 400, "seed")
    assert str(limits.MAX_SEED) in body["fields"][0]["message"]
    _error(_suggest(client, auth, {"request": team_request, "person": "bo", "seed": seed},
                    "/api/v1/teams/why-not"), 400, "seed")


@pytest.mark.parametrize("field", ["include", "exclude"])
def test_too_many_included_or_excluded_is_400(client, auth, team_request, field):
    team_request[field] = [f"p{i}" for i in range(limits.MAX_NAMES + 1)]
    body = _error(_suggest(client, auth, {"request": team_request}), 400, f"request.{field}")
    assert str(limits.MAX_NAMES) in str(body["fields"])


def test_too_many_pins_is_400(client, auth, team_request):
    pins = [f"p{i}" for i in range(limits.MAX_NAMES + 1)]
    body = _error(_suggest(client, auth, {"request": team_request, "pins": pins}), 400, "pins")
    assert str(limits.MAX_NAMES) in body["fields"][0]["message"]


@pytest.mark.parametrize("window,field", [
    ({"start": "0001-01-01", "end": "2026-06-30"}, "request.window.start"),
    ({"start": "2026-04-01", "end": "9999-12-31"}, "request.window.end"),
    ({"start": "2026-04-01", "end": "2036-04-01"}, "request.window.end"),  # 10 years
])
@pytest.mark.parametrize("path", ["/api/v1/teams/suggest", "/api/v1/teams/why-not"])
def test_request_window_limits(client, auth, team_request, window, field, path):
    team_request["window"] = window
    _error(_suggest(client, auth, {"request": team_request, "person": "bo"}, path), 400, field)


@pytest.mark.parametrize("query,field", [
    ("start=9999-12-31", "start"), ("end=9999-12-31", "end"), ("start=1800-01-01&end=1800-02-01", "start"),
    ("start=2020-01-01&end=2030-01-01", "end"),
])
def test_profile_window_limits(client, auth, query, field):
    _error(client.get(f"/api/v1/people/bo?{query}", headers=auth("hr")), 400, field)


def test_time_limit_is_bounded(client, auth, team_request):
    for value in (0, -1, 1e9):
        _error(_suggest(client, auth, {"request": team_request, "time_limit": value}), 400, "time_limit")


def test_kickoff_brief_and_skills_are_bounded(client, auth):
    resp = client.post("/api/v1/kickoff", headers=auth("sponsor"), json={"brief": "x" * (limits.MAX_BRIEF_CHARS + 1)})
    _error(resp, 400, "brief")
    resp = client.post("/api/v1/kickoff", headers=auth("sponsor"),
                       json={"brief": "pricing", "skills": [f"s{i}" for i in range(100_000)]})
    _error(resp, 400, "skills")
    resp = client.get("/api/v1/experts", query_string={"q": "x" * (limits.MAX_BRIEF_CHARS + 1)},
                      headers=auth("sponsor"))
    _error(resp, 400, "q")


@pytest.mark.parametrize("name", [".", "a/.", "people\x00.csv"])
def test_upload_names_dot_or_nul_are_400_naming_the_file(client, auth, name):
    resp = client.post("/api/v1/ingest?dry_run=1", headers=auth("admin"),
                       data={"files": [(io.BytesIO(b"id,name\n"), name)]}, content_type="multipart/form-data")
    body = _error(resp, 400, "files")
    assert repr(name) in body["fields"][0]["message"]


# --- the same rules for request files (CLI) ------------------------------------------------

def test_request_files_get_the_same_limits(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"name": ' + "[" * 5000 + "]" * 5000 + "}")
    with pytest.raises(ValidationError) as e:
        load_request(deep)
    assert str(limits.MAX_JSON_DEPTH) in str(e.value)
    deep_yaml = tmp_path / "deep.yaml"
    deep_yaml.write_text("name: " + "[" * 100 + "]" * 100 + "\n")
    with pytest.raises(ValidationError):
        load_request(deep_yaml)
    many = tmp_path / "many.yaml"
    many.write_text(json.dumps({**REQUEST, "requirements": ["sql"] * 64}))
    with pytest.raises(ValidationError) as e:
        load_request(many)
    assert [p.field for p in e.value.problems] == ["requirements"]


def test_parse_request_date_limits():
    with pytest.raises(ValidationError) as e:
        parse_request({**REQUEST, "window": {"start": "0001-01-01", "end": "9999-12-31"}})
    assert {p.field for p in e.value.problems} == {"window.start", "window.end"}
