"""Small helpers shared by the API blueprints: the service, request bodies, query arguments,
and a revision-keyed cache for reads.

The read cache is keyed by path + query + who is asking (role, person), and tagged with the
store revision: any write bumps the revision, so a stale answer is never served (writes by
another process are noticed within a second, see `Teamgraph.revision`). Cached answers carry
an ETag, so clients can revalidate with If-None-Match and get 304.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import date
from collections import OrderedDict

from flask import Response, current_app, request

from teamgraph.api.auth import principal
from teamgraph.errors import FieldProblem, ValidationError
from teamgraph.graph.reads import finite


def service():
    """The process-wide `teamgraph.service.Teamgraph` (store, matching, retrieval)."""
    return current_app.extensions["teamgraph"]


def json_body() -> dict:
    """The request's JSON object, or a 400 naming the problem."""
    if not request.is_json:
        raise ValidationError(FieldProblem("send a JSON object with Content-Type: application/json", field="body"))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError(FieldProblem("the body must be a JSON object", field="body"))
    return data


def arg_int(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(FieldProblem(f"must be an integer, not {raw!r}", field=name)) from None
    if not lo <= value <= hi:
        raise ValidationError(FieldProblem(f"must be between {lo} and {hi}", field=name))
    return value


def arg_required(name: str) -> str:
    value = (request.args.get(name) or "").strip()
    if not value:
        raise ValidationError(FieldProblem("is required", field=name))
    return value


JSON_NAMES = {int: "an integer", float: "a number", str: "a string", list: "a list", dict: "an object",
              bool: "true/false", type(None): "null"}


def body_field(data: dict, name: str, kind: type, default=None, *, required: bool = False):
    if name not in data or data[name] is None:
        if required:
            raise ValidationError(FieldProblem("is required", field=name))
        return default
    value = data[name]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if int in kinds and isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON (and JSON Schema's "integer") does not tell 5 from 5.0
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        names = " or ".join(JSON_NAMES.get(k, k.__name__) for k in kinds)
        raise ValidationError(FieldProblem(f"must be {names}, not {JSON_NAMES.get(type(value), type(value).__name__)}",
                                           field=name))
    return value


def body_object(data: dict, name: str, what: str) -> dict:
    """The JSON object in body field `name` (a team request, a portfolio, ...), else a 400 saying it
    must be `what`."""
    value = data.get(name)
    if not isinstance(value, dict):
        raise ValidationError(FieldProblem(f"must be {what}", field=name))
    return value


def dumps(data) -> str:  # graph.reads.finite: the one non-finite rule, shared with the CLI's --json
    """The one JSON encoding of answers: compact, UTF-8 text, no NaN/Infinity."""
    return json.dumps(finite(data), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def json_response(data, status: int = 200) -> Response:
    return Response(dumps(data), status=status, mimetype="application/json")


class ReadCache:
    """LRU of serialised JSON answers tagged with the store revision they were computed at."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._items: OrderedDict[tuple, tuple[int, bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, revision: int):
        with self._lock:
            hit = self._items.get(key)
            if hit is None or hit[0] != revision:
                return None
            self._items.move_to_end(key)
            return hit

    def put(self, key: tuple, revision: int, body: bytes) -> tuple[int, bytes, str]:
        entry = (revision, body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')
        with self._lock:
            self._items[key] = entry
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return entry


def cached_read(compute) -> Response:
    """Answer a GET from the cache when the store has not changed, else compute and remember."""
    p = principal()
    # today's date is part of the key: default windows ("from today") move at midnight.
    key = (request.path, request.query_string, p.role if p else None, p.person if p else None, date.today())
    cache: ReadCache = current_app.extensions["teamgraph.cache"]
    revision = service().revision()
    entry = cache.get(key, revision)
    if entry is None:
        body = dumps(compute()).encode("utf-8")
        entry = cache.put(key, revision, body)
    if request.if_none_match and entry[2].strip('"') in request.if_none_match:
        resp = Response(status=304)
    else:
        resp = Response(entry[1], mimetype="application/json")
    resp.headers["ETag"] = entry[2]
    resp.headers["Cache-Control"] = "private, no-cache"
    return resp
