"""The OpenAPI 3.1 document, served at /api/v1/openapi.json.

Paths, methods, summaries (the views' docstrings) and allowed roles (`x-roles`, from `require`)
are read from the app's routes, so the document cannot drift from what is served; request
bodies (from matching.request_schema and teamgraph.limits), query arguments (with the bounds
the views pass to arg_int) and the error shape are described here.
"""

from __future__ import annotations

import inspect
import re

from flask import Blueprint, Flask, current_app, jsonify

from teamgraph import limits
from teamgraph.matching.request_fields import OBJECTIVES, STAFF_OBJECTIVE
from teamgraph.matching.request_schema import iso_date, names, portfolio_schema, request_schema, text

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

ERROR = {"type": "object", "required": ["code", "message", "fields"], "properties": {
    "code": {"type": "string"}, "message": {"type": "string"},
    "fields": {"type": "array", "items": {"type": "object", "properties": {
        "field": {"type": "string"}, "file": {"type": "string"}, "line": {"type": "integer"},
        "message": {"type": "string"}}}}}}
# Bodies: the team request and portfolio schemas come from matching.request_schema (built from
# the names the request validator uses); the options' bounds from teamgraph.limits.
SEED = {"type": "integer", "minimum": 0, "maximum": limits.MAX_SEED, "default": 0}


def _time_limit(cap: float) -> dict:
    return {"type": "number", "exclusiveMinimum": 0, "maximum": cap, "default": cap,
            "description": "seconds the solver may take (limits.MAX_SOLVE_SECONDS / MAX_PORTFOLIO_SECONDS)"}


def _bodies(app: Flask) -> dict:
    team, ids = request_schema(), names()
    solve = _time_limit(float(app.config["SUGGEST_TIME_LIMIT"]))
    options = {"alternatives": {"type": "integer", "minimum": 0, "maximum": limits.MAX_ALTERNATIVES, "default": 2},
               "min_diff": {"type": "integer", "minimum": 1, "default": 1}, "seed": SEED, "time_limit": solve}
    person = {"type": "string", "minLength": 1, "maxLength": limits.MAX_NAME_CHARS}
    k = {"type": "integer", "minimum": 1, "maximum": limits.MAX_KICKOFF_K, "default": 5}
    from teamgraph.api.bookings import body_schemas
    from teamgraph.api.capacity import body_schemas as heatmap_bodies
    from teamgraph.api.scenarios import body_schemas as scenario_bodies
    return {**body_schemas(), **heatmap_bodies(), **scenario_bodies(),
        ("/api/v1/teams/suggest", "post"): {"required": ["request"], "properties": {
            "request": team, "pins": ids, **options}},
        ("/api/v1/teams/why-not", "post"): {"required": ["request", "person"], "properties": {
            "request": team, "person": person, **options}},
        ("/api/v1/teams/resolve", "post"): {"required": ["request"], "properties": {
            "request": team, "pins": ids, "previous": ids, "time_limit": solve}},
        ("/api/v1/portfolio/staff", "post"): {"required": ["portfolio"], "properties": {
            "portfolio": portfolio_schema(),
            "max_load": {"type": "number", "exclusiveMinimum": 0, "maximum": limits.MAX_STAFF_LOAD},
            "objective": {"type": "string", "enum": list(OBJECTIVES), "default": STAFF_OBJECTIVE,
                          "description": "soft mode's: requirement slots met, or the sum over requests of the "
                                         "fraction met (the SDM'23 coverage)"},
            "time_limit": _time_limit(float(app.config["PORTFOLIO_TIME_LIMIT"])), "seed": SEED}},
        ("/api/v1/kickoff", "post"): {"required": ["brief"], "properties": {
            "brief": {"type": "string", "minLength": 1, "maxLength": limits.MAX_BRIEF_CHARS, "pattern": r"\S"},
            "k_cases": k, "k_experts": k,
            "skills": {"type": "array", "maxItems": limits.MAX_KICKOFF_SKILLS, "items": text()},
            "department": text(), "process": text(), "request": team}},
    }


# Query arguments: their schemas; integers read with arg_int(name, default, lo, hi) get lo/hi
# from the view's own call, arguments read with arg_required are required.
EXISTING = {**text(), "description": "an id or name that exists (else 400 naming the argument)"}
QUERY = {"q": text(limits.MAX_BRIEF_CHARS), "department": EXISTING, "process": text(), "language": text(),
         "since": iso_date(), "until": iso_date(), "start": iso_date(), "end": iso_date(),
         "skills": {"type": "string", "description": f"comma-separated, at most {limits.MAX_KICKOFF_SKILLS}"},
         "status": text(), "project": text(), "skill": text(), "dry_run": {"type": "boolean"}}
# Helpers that read several query arguments on a view's behalf.
HELPERS = {"_filters()": ("department", "process", "language", "since", "until", "skills"),
           "_department_arg()": ("department",), "window_args()": ("start", "end")}
QUERY_USED = re.compile(r"""(?:request\.args\.get|arg_int|arg_required|_date_arg)\(\s*["'](\w+)["']""")
BOUND = r"\s*([-\d_]+|limits\.\w+)\s*"  # a literal or a teamgraph.limits name
ARG_INT = re.compile(r"""arg_int\(\s*["'](\w+)["']\s*,""" + BOUND + "," + BOUND + "," + BOUND + r"\)")
REQUIRED = re.compile(r"""arg_required\(\s*["'](\w+)["']""")
# `for k in ("a", "b")` … `request.args.get(k)`: arguments read in a loop over names
LOOPED = (re.compile(r"""for\s+(\w+)\s+in\s+\(([^)]*)\)[^\n]*request\.args\.get\(\1\)"""),  # a loop
          re.compile(r"""request\.args\.get\((\w+)\)[^\n]*for\s+\1\s+in\s+\(([^)]*)\)"""))  # a comprehension


def _bound(token: str) -> int:
    return int(getattr(limits, token.split(".", 1)[1]) if token.startswith("limits.") else token)


def _query_params(source: str) -> list[dict]:
    used = QUERY_USED.findall(source) + [n for h, names_ in HELPERS.items() if h in source for n in names_]
    for _, listed in (m for pattern in LOOPED for m in pattern.findall(source)):
        used += re.findall(r"""["'](\w+)["']""", listed)
    ints = {name: (_bound(lo), _bound(hi)) for name, _, lo, hi in ARG_INT.findall(source)}
    required = set(REQUIRED.findall(source))
    params = []
    for name in dict.fromkeys(used):
        if name in ints:
            schema = {"type": "integer", "minimum": ints[name][0], "maximum": ints[name][1]}
        else:
            schema = dict(QUERY.get(name, text()))
        if name in required:
            schema = {**schema, "minLength": 1, "pattern": r"\S"}
        params.append({"name": name, "in": "query", "required": name in required, "schema": schema})
    return params


def _operation(rule, method: str, view, bodies: dict) -> dict:
    doc = (view.__doc__ or "").strip()
    summary = " ".join(doc.split("\n\n")[0].split())
    op = {"operationId": rule.endpoint.replace(".", "_"), "summary": summary,
          "tags": [rule.endpoint.split(".")[0]], "x-roles": list(getattr(view, "roles", ())),
          "responses": {"200": {"description": "OK", "content": {"application/json": {}}},
                        **{str(s): {"$ref": f"#/components/responses/E{s}"} for s in (400, 401, 403, 404, 503)}}}
    params = [{"name": a, "in": "path", "required": True, "schema": {"type": "string"}} for a in rule.arguments]
    try:
        source = inspect.getsource(view)
        module = inspect.getmodule(view)  # a view's own `…_args()` helpers read arguments on its behalf
        for helper in dict.fromkeys(re.findall(r"\b(\w+_args)\(\)", source)):
            if callable(getattr(module, helper, None)) and helper + "()" not in HELPERS:
                source += inspect.getsource(getattr(module, helper))
    except (OSError, TypeError):
        source = ""
    params += _query_params(source)
    if params:
        op["parameters"] = params
    body = bodies.get((re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method))
    if body:
        # a body without required fields (bookings' confirm/cancel: an optional note) may be left out
        op["requestBody"] = {"required": bool(body.get("required")),
                             "content": {"application/json": {"schema": {"type": "object", **body}}}}
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
    bodies = _bodies(app)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1/"):
            continue
        view = app.view_functions[rule.endpoint]
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, method.lower(), view, bodies)
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
                (403, "Role not allowed"), (404, "Not found or not visible"),
                (503, "Store unavailable, or busy with slow work (code busy, with Retry-After)"))},
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
