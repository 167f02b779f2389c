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
                body = op["requestBody"]
                schema = body["content"]["application/json"]["schema"]
                assert schema["required"] if body["required"] else schema["properties"], path
    similar = doc["paths"]["/api/v1/cases/similar"]["get"]
    assert {"q", "k", "department", "since"} <= {p["name"] for p in similar["parameters"]}
    assert doc["components"]["schemas"]["Error"]["required"] == ["code", "message", "fields"]


# --- the request schemas against the validator (one source: matching.request_schema) -------

import copy  # noqa: E402

import pytest  # noqa: E402

from teamgraph.errors import ValidationError  # noqa: E402
from teamgraph.limits import MAX_SEED  # noqa: E402
from teamgraph.matching import request_fields as rf  # noqa: E402
from teamgraph.matching.request import REQUEST_KEYS, parse_request  # noqa: E402

# A valid request with room everywhere: size up to 100, so no bound is refused for not fitting.
BASE = {"name": "Bounds", "window": {"start": "2026-04-01", "end": "2026-06-30"},
        "requirements": [{"skill": "sql", "level": 3, "count": 1}], "size": {"min": 1, "max": 100}}


def _validator(schema: dict):
    import jsonschema_rs
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def _suggest_schema(client) -> dict:
    doc = client.get("/api/v1/openapi.json").get_json()
    return doc["paths"]["/api/v1/teams/suggest"]["post"]["requestBody"]["content"]["application/json"]["schema"]


def _object(schema: dict) -> dict | None:
    """The object branch of a schema (size and departments may also be a number or a list)."""
    if schema.get("type") == "object":
        return schema
    return next((s for s in schema.get("oneOf", []) if s.get("type") == "object"), None)


def _leaves(schema: dict, path: tuple = ()):
    """(field path, leaf schema) for every bounded value of a request schema."""
    obj = _object(schema)
    if obj is not None and isinstance(obj.get("additionalProperties"), dict):  # departments.caps
        yield from _leaves(obj["additionalProperties"], path + ("fin",))
        return
    if obj is not None and "properties" in obj:
        for name, sub in obj["properties"].items():
            yield from _leaves(sub, path + (name,))
        return
    if schema.get("type") == "array" and path[-1] == "requirements":
        yield path, schema
        yield from _leaves(schema["items"], path + (0,))
        return
    yield path, schema


def _put(request: dict, path: tuple, value) -> dict:
    out = copy.deepcopy(request)
    node = out
    for key in path[:-1]:
        if isinstance(key, str) and not isinstance(node.get(key), (dict, list)):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value
    if path == ("window", "start") or path == ("window", "end"):
        out["window"] = {"start": value, "end": value}  # a date bound, not the window's order
    return out


def _cases(schema: dict):
    """(value at a bound, value just past it) pairs of a leaf schema."""
    kind = schema.get("type")
    if kind in ("integer", "number"):
        step = 1 if kind == "integer" else 1e-4
        if "minimum" in schema:
            yield schema["minimum"], schema["minimum"] - step
        if "maximum" in schema:
            yield schema["maximum"], schema["maximum"] + step
    elif kind == "string" and "pattern" in schema and "format" in schema:  # a date in the allowed years
        yield "1900-01-01", "1899-12-31"
        yield "2200-12-31", "2201-01-01"
    elif kind == "string" and "maxLength" in schema:
        yield "x" * schema["maxLength"], "x" * (schema["maxLength"] + 1)
    elif kind == "array" and "maxItems" in schema:
        item = schema["items"]
        one = {"skill": "sql", "count": 1} if "oneOf" in item else "x"
        make = (lambda n: [dict(one, skill=f"s{i}") for i in range(n)]) if isinstance(one, dict) else (
            lambda n: [f"p{i}" for i in range(n)])
        yield make(schema["maxItems"]), make(schema["maxItems"] + 1)


def _refused_fields(request: dict) -> set[str] | None:
    try:
        parse_request(request, "request")
    except ValidationError as e:
        return {p.field for p in e.problems}
    return None


def test_the_request_schema_has_the_validators_fields(client):
    schema = _suggest_schema(client)["properties"]["request"]
    assert set(schema["properties"]) == set(REQUEST_KEYS) and schema["additionalProperties"] is False
    item = _object(schema["properties"]["requirements"]["items"])
    assert set(item["properties"]) == set(rf.REQUIREMENT_KEYS)
    doc = client.get("/api/v1/openapi.json").get_json()
    portfolio = doc["paths"]["/api/v1/portfolio/staff"]["post"]["requestBody"]["content"]["application/json"]
    assert set(portfolio["schema"]["properties"]["portfolio"]["properties"]) == set(rf.PORTFOLIO_KEYS)


def test_every_bound_in_the_request_schema_is_the_validators_bound(client):
    schema = _suggest_schema(client)["properties"]["request"]
    validate = _validator(schema)
    assert validate.is_valid(BASE) and _refused_fields(BASE) is None
    checked = 0
    for path, leaf in _leaves(schema):
        for inside, outside in _cases(leaf):
            ok, bad = _put(BASE, path, inside), _put(BASE, path, outside)
            where = ".".join(str(p) for p in path).replace(".0", "[0]")
            assert validate.is_valid(ok), (where, inside)
            assert _refused_fields(ok) is None, (where, inside, _refused_fields(ok))
            assert not validate.is_valid(bad), (where, outside)
            refused = _refused_fields(bad)
            assert refused and any(f.startswith(where.split("[")[0].split(".")[0]) for f in refused), (
                where, outside, refused)
            checked += 1
    assert checked >= 30  # levels, counts, sizes, allocations, lists, names, dates, budget …


def test_query_arguments_carry_the_views_bounds_and_the_case_filters(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    cases = {p["name"]: p for p in doc["paths"]["/api/v1/cases"]["get"]["parameters"]}
    assert {"department", "project", "skill", "language", "limit", "offset"} <= set(cases)
    assert (cases["limit"]["schema"]["minimum"], cases["limit"]["schema"]["maximum"]) == (1, 500)
    similar = {p["name"]: p for p in doc["paths"]["/api/v1/cases/similar"]["get"]["parameters"]}
    assert similar["q"]["required"] and not similar["k"]["required"]
    kickoff = {p["name"]: p for p in doc["paths"]["/api/v1/projects/{project_id}/kickoff"]["get"]["parameters"]}
    from teamgraph import limits
    assert kickoff["k_cases"]["schema"]["maximum"] == limits.MAX_KICKOFF_K


@pytest.mark.parametrize("value,accepted", [(MAX_SEED, True), (7.0, True), (MAX_SEED + 1, False), (-1, False),
                                            (7.5, False)])
def test_the_seed_bound_in_the_document_is_the_apis(client, auth, team_request, value, accepted):
    schema = _suggest_schema(client)
    body = {"request": team_request, "alternatives": 0, "seed": value}
    assert _validator(schema).is_valid(body) is accepted
    resp = client.post("/api/v1/teams/suggest", json=body, headers=auth("sponsor"))
    assert (resp.status_code == 200) is accepted
    if not accepted:
        assert resp.status_code == 400 and resp.get_json()["fields"][0]["field"] == "seed"


OPTION_BODIES = {"/api/v1/teams/suggest": {"alternatives": 0}, "/api/v1/teams/why-not": {"person": "bo"},
                 "/api/v1/teams/resolve": {}, "/api/v1/portfolio/staff": None, "/api/v1/kickoff": None}


def _option_cases(doc: dict, team_request: dict):
    """(path, body at a bound, body past it, field) for every bounded top-level option of a body."""
    for path, extra in OPTION_BODIES.items():
        schema = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        base = {"portfolio": {"requests": [team_request]}} if path.endswith("staff") else (
            {"brief": "pricing engine"} if path.endswith("kickoff") else {"request": team_request, **extra})
        for name, prop in schema["properties"].items():
            if prop.get("type") not in ("integer", "number"):
                continue
            step = 1 if prop["type"] == "integer" else 0.5
            if "maximum" in prop:
                yield path, dict(base, **{name: prop["maximum"]}), dict(base, **{name: prop["maximum"] + step}), name
            low = prop.get("minimum", prop.get("exclusiveMinimum"))
            if low is not None:
                inside = low if "minimum" in prop else low + step / 10
                yield path, dict(base, **{name: inside}), dict(base, **{name: low - step}), name


def test_every_bounded_body_option_is_the_apis_bound(client, auth, team_request):
    doc = client.get("/api/v1/openapi.json").get_json()
    checked = set()
    for path, ok, bad, name in _option_cases(doc, team_request):
        resp = client.post(path, json=ok, headers=auth("admin"))
        assert resp.status_code == 200, (path, name, ok[name], resp.get_json())
        resp = client.post(path, json=bad, headers=auth("admin"))
        assert resp.status_code == 400, (path, name, bad[name])
        assert name in [f["field"] for f in resp.get_json()["fields"]], (path, name, resp.get_json())
        checked.add((path, name))
    assert {("/api/v1/teams/suggest", "seed"), ("/api/v1/teams/suggest", "alternatives"),
            ("/api/v1/portfolio/staff", "max_load"), ("/api/v1/kickoff", "k_cases")} <= checked
