"""The OpenAPI 3.1 document, served at /api/v1/openapi.json.

Paths, methods, summaries (the views' docstrings) and allowed roles (`x-roles`, from `require`)
are read from the app's routes, so the document cannot drift from what is served; request
bodies and the error shape are described here.
"""

from __future__ import annotations

import inspect
import re

from flask import Blueprint, Flask, current_app, jsonify

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

ERROR = {"type": "object", "required": ["code", "message", "fields"], "properties": {
    "code": {"type": "string"}, "message": {"type": "string"},
    "fields": {"type": "array", "items": {"type": "object", "properties": {
        "field": {"type": "string"}, "file": {"type": "string"}, "line": {"type": "integer"},
        "message": {"type": "string"}}}}}}
TEAM_REQUEST = {"type": "object", "description": "A team request, as in `teamgraph suggest REQUEST.yaml` "
                "(brief, requirements [{skill, level, count}], size, window {start, end}, allocation, "
                "departments, department_cap, budget, include, exclude, preferences)."}
IDS = {"type": "array", "items": {"type": "string"}}
OPTIONS = {"alternatives": {"type": "integer", "minimum": 0, "maximum": 5, "default": 2},
           "min_diff": {"type": "integer", "minimum": 1, "default": 1},
           "seed": {"type": "integer", "default": 0}, "time_limit": {"type": "number"}}
BODIES = {
    ("/api/v1/teams/suggest", "post"): {"required": ["request"], "properties": {
        "request": TEAM_REQUEST, "pins": IDS, **OPTIONS}},
    ("/api/v1/teams/why-not", "post"): {"required": ["request", "person"], "properties": {
        "request": TEAM_REQUEST, "person": {"type": "string"}, **OPTIONS}},
    ("/api/v1/teams/resolve", "post"): {"required": ["request"], "properties": {
        "request": TEAM_REQUEST, "pins": IDS, "previous": IDS, "time_limit": {"type": "number"}}},
    ("/api/v1/portfolio/staff", "post"): {"required": ["portfolio"], "properties": {
        "portfolio": {"type": "object", "description": "As in `teamgraph staff PORTFOLIO.yaml` (requests: [...])."},
        "max_load": {"type": "number"}, "time_limit": {"type": "number"}, "seed": {"type": "integer"}}},
    ("/api/v1/kickoff", "post"): {"required": ["brief"], "properties": {
        "brief": {"type": "string"}, "k_cases": {"type": "integer"}, "k_experts": {"type": "integer"},
        "skills": IDS, "department": {"type": "string"}, "process": {"type": "string"}, "request": TEAM_REQUEST}},
}
QUERY = {"q": "string", "k": "integer", "limit": "integer", "offset": "integer", "department": "string",
         "process": "string", "language": "string", "since": "string", "until": "string", "skills": "string",
         "start": "string", "end": "string", "max_holders": "integer", "status": "string", "project": "string",
         "skill": "string", "k_cases": "integer", "k_experts": "integer", "dry_run": "boolean"}
# Helpers that read several query arguments on a view's behalf.
HELPERS = {"_filters()": ("department", "process", "language", "since", "until", "skills"),
           "_department_arg()": ("department",), "window_args()": ("start", "end")}
QUERY_USED = re.compile(r"""(?:request\.args\.get|arg_int|arg_required|_date_arg)\(\s*["'](\w+)["']""")


def _operation(rule, method: str, view) -> dict:
    doc = (view.__doc__ or "").strip()
    summary = " ".join(doc.split("\n\n")[0].split())
    op = {"operationId": rule.endpoint.replace(".", "_"), "summary": summary,
          "tags": [rule.endpoint.split(".")[0]], "x-roles": list(getattr(view, "roles", ())),
          "responses": {"200": {"description": "OK", "content": {"application/json": {}}},
                        **{str(s): {"$ref": f"#/components/responses/E{s}"} for s in (400, 401, 403, 404, 503)}}}
    params = [{"name": a, "in": "path", "required": True, "schema": {"type": "string"}} for a in rule.arguments]
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        source = ""
    used = QUERY_USED.findall(source) + [n for h, names in HELPERS.items() if h in source for n in names]
    for name in dict.fromkeys(used):
        params.append({"name": name, "in": "query", "schema": {"type": QUERY.get(name, "string")}})
    if params:
        op["parameters"] = params
    body = BODIES.get((re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method))
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": {"type": "object", **body}}}}
    if rule.rule == "/api/v1/ingest":
        op["requestBody"] = {"required": True, "content": {
            "application/zip": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "archive": {"type": "string", "format": "binary"},
                "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}
    if op["x-roles"]:
        op["security"] = [{"bearer": []}, {"session": []}]
    return op


def document(app: Flask) -> dict:
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1/"):
            continue
        view = app.view_functions[rule.endpoint]
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, method.lower(), view)
    return {
        "openapi": "3.1.0",
        "info": {"title": "teamgraph API", "version": "1",
                 "description": "Team suggestions, kickoff knowledge and the skill graph. Roles: sponsor, "
                                "member, hr, admin (x-roles on each operation)."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
            "schemas": {"Error": ERROR},
            "responses": {f"E{s}": {"description": d, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}} for s, d in (
                (400, "Bad input (fields name the problems)"), (401, "No or unknown token"),
                (403, "Role not allowed"), (404, "Not found or not visible"), (503, "Store unavailable"))},
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    """This document."""
    if "teamgraph.openapi" not in current_app.extensions:
        current_app.extensions["teamgraph.openapi"] = document(current_app)
    return jsonify(current_app.extensions["teamgraph.openapi"])


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
