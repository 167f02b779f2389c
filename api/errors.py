"""Errors as JSON under /api (never a stack trace), as a plain page elsewhere.

Every TeamgraphError carries its own `http_status` and `to_dict()`; this module only renders
them, adding an empty `fields` list so clients can always read `{code, message, fields}`.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from teamgraph.errors import InfeasibleRequest, TeamgraphError

log = logging.getLogger("teamgraph.api")


class Unauthenticated(TeamgraphError):
    """No credentials, or credentials that match no token."""

    code = "unauthorized"
    http_status = 401


class PayloadTooLarge(TeamgraphError):
    """A body over its documented size limit (README "Limits")."""

    code = "payload_too_large"
    http_status = 413

    def __init__(self, limit: int, field: str = "body"):
        self.limit, self.field = limit, field
        super().__init__(f"the {field} may be at most {limit} bytes")

    def to_dict(self) -> dict:
        return {"code": self.code, "message": str(self),
                "fields": [{"field": self.field, "message": f"at most {self.limit} bytes"}]}


class Busy(TeamgraphError):
    """Every turn for slow work (solves, kickoff, uploads) is taken: 503 with Retry-After (api.workers)."""

    code = "busy"
    http_status = 503

    def __init__(self, message: str, *, reason: str, retry_after: int):
        self.reason, self.retry_after = reason, retry_after
        super().__init__(message)

    def to_dict(self) -> dict:
        return {"code": self.code, "message": str(self), "reason": self.reason,
                "retry_after": self.retry_after, "fields": []}


def error_body(code: str, message: str, fields: list | None = None, **extra) -> dict:
    return {"code": code, "message": message, "fields": fields or [], **extra}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(status: int, body: dict):
    if _wants_json():
        resp = jsonify(body)
    else:
        resp = make_response(render_template("error.html", status=status, error=body))
    resp.status_code = status
    return resp


def handle_teamgraph_error(e: TeamgraphError):
    body = e.to_dict()
    body.setdefault("fields", [])
    if isinstance(e, InfeasibleRequest) and e.diagnosis is not None:
        diag = e.diagnosis
        body["diagnosis"] = diag.to_dict() if hasattr(diag, "to_dict") else diag
    status = e.http_status if 400 <= e.http_status < 600 else 500
    if status >= 500 and status != 503:
        log.error("teamgraph error on %s %s: %s", request.method, request.path, e)
    resp = _render(status, body)
    if status == 401 and _wants_json():
        resp.headers["WWW-Authenticate"] = 'Bearer realm="teamgraph"'
    if getattr(e, "retry_after", None):
        resp.headers["Retry-After"] = str(e.retry_after)
    return resp


def handle_http_error(e: HTTPException):
    if isinstance(e, RequestEntityTooLarge):
        from flask import current_app
        limit = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return handle_teamgraph_error(PayloadTooLarge(int(limit)))
    code = (e.name or "error").lower().replace(" ", "_")
    body = error_body(code, e.description or e.name)
    resp = _render(e.code or 500, body)
    if e.code == 405 and hasattr(e, "valid_methods") and e.valid_methods:
        resp.headers["Allow"] = ", ".join(e.valid_methods)
    return resp


def handle_unexpected(e: Exception):
    # Log the traceback server-side; clients get a generic message without internals.
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _render(500, error_body("internal_error", "Internal error; the server log has the details."))


def init_app(app: Flask) -> None:
    app.register_error_handler(TeamgraphError, handle_teamgraph_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
