"""Progress of slow requests, for the page that waits on one (issue 11 item 5).

A page that starts slow work (a suggestion, a portfolio, a kickoff package) makes up an id and
sends it as the `X-Progress-Id` header (or `?progress=` on a page navigation). The slow-work gate
(api.workers) then tracks that request: its place in the queue while it waits for a turn, and
the engine's phases while it runs (teamgraph.progress). `GET /api/v1/progress/<id>` answers
`{phase, seconds, ahead, done}` to the same caller only (an id is not a secret worth guessing:
another caller gets 404). Ids are kept for the last PROGRESS_KEPT requests.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from flask import Blueprint, Flask, current_app, jsonify, request

from teamgraph.api.auth import ALL, principal, require
from teamgraph.errors import NotFoundError
from teamgraph.progress import Progress

HEADER, PARAM = "X-Progress-Id", "progress"
PROGRESS_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
PROGRESS_KEPT = 1000  # tracked requests remembered (oldest forgotten first)

bp = Blueprint("progress", __name__, url_prefix="/api/v1")


class ProgressBoard:
    """Tracked requests by id, each readable by the caller who started it."""

    def __init__(self, kept: int = PROGRESS_KEPT):
        self.kept = kept
        self._items: OrderedDict[str, Progress] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, progress_id: str, owner: str) -> Progress:
        progress = Progress(owner)
        with self._lock:
            self._items.pop(progress_id, None)
            self._items[progress_id] = progress
            while len(self._items) > self.kept:
                self._items.popitem(last=False)
        return progress

    def __len__(self) -> int:
        return len(self._items)

    def get(self, progress_id: str, owner: str) -> Progress | None:
        with self._lock:
            progress = self._items.get(progress_id)
        return progress if progress is not None and progress.owner == owner else None


def board() -> ProgressBoard:
    return current_app.extensions["teamgraph.progress"]


def _owner() -> str | None:
    try:
        p = principal()
    except Exception:  # a bad token or CSRF: the view itself answers that
        return None
    return None if p is None else f"token:{p.id}"


def for_this_request() -> Progress | None:
    """A tracker for the current request if it asked for one (and is signed in), else None."""
    pid = request.headers.get(HEADER) or request.args.get(PARAM)
    if not pid or not PROGRESS_ID.fullmatch(pid):
        return None
    owner = _owner()
    return None if owner is None else board().start(pid, owner)


@bp.get("/progress/<progress_id>")
@require(*ALL)
def progress(progress_id: str):
    """Where a slow request of yours is: its phase, seconds so far, requests ahead of it while it
    waits for a turn, and whether it is done (the id it was sent with, X-Progress-Id)."""
    found = board().get(progress_id, _owner() or "")
    if found is None:
        raise NotFoundError("progress", progress_id)
    return jsonify({"id": progress_id, **found.to_dict()})


def init_app(app: Flask) -> None:
    app.extensions["teamgraph.progress"] = ProgressBoard()
    app.register_blueprint(bp)
