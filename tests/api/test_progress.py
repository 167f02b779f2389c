"""Progress of slow requests (api/progress.py, teamgraph/progress.py): a request sent with an
X-Progress-Id is tracked by the slow-work gate — its place in line while it waits, the engine's
phases while it runs, done when answered — and only its own caller can read it."""

from __future__ import annotations

import time

from teamgraph.api.tokens import token_store_for
from teamgraph.progress import FINDING, RELEVANCE, SOLVING, Progress, tracking

from tests.api.test_workers import SUGGEST, HeldSuggest, _background, _call, live  # noqa: F401  (fixture)


def _poll(base, token, pid, until, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _, body = _call(base, token, "GET", f"/api/v1/progress/{pid}")
        if status == 200 and until(body):
            return body
        time.sleep(0.05)
    raise AssertionError(f"progress of {pid} never got there; last {status} {body}")


def _call_tracked(base, token, method, path, body, pid):
    import json
    import urllib.error
    import urllib.request
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "X-Progress-Id": pid})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_a_queued_request_says_its_place_then_runs_and_is_done(live, service, settings):  # noqa: F811
    app, base = live(SLOW_WORKERS=1, SLOW_QUEUE=1, SLOW_QUEUE_WAIT=20)
    ts = token_store_for(settings.data_dir)
    fay = ts.create("sponsor", "fay", label="test")[0]
    other = ts.create("sponsor", "fay", label="another token")[0]
    held = HeldSuggest(service)
    first, first_out = _background(_call_tracked, base, fay, "POST", "/api/v1/teams/suggest", SUGGEST, "pg-first-0001")
    assert held.entered.acquire(timeout=20)
    second, second_out = _background(_call_tracked, base, fay, "POST", "/api/v1/teams/suggest", SUGGEST,
                                     "pg-second-001")
    waiting = _poll(base, fay, "pg-second-001", lambda b: b["ahead"] is not None)
    assert waiting == {"id": "pg-second-001", "phase": "Waiting for a turn", "ahead": 0, "done": False,
                       "seconds": waiting["seconds"]}
    running = _poll(base, fay, "pg-first-0001", lambda b: True)
    assert running["done"] is False and running["ahead"] is None
    # another caller (even of the same person) cannot read it; an unknown id is a 404 too
    assert _call(base, other, "GET", "/api/v1/progress/pg-second-001")[0] == 404
    assert _call(base, fay, "GET", "/api/v1/progress/pg-unknown-01")[0] == 404
    held.release.set()
    first.join(30)
    second.join(30)
    assert first_out[0][0] == 200 and second_out[0][0] == 200
    assert _poll(base, fay, "pg-first-0001", lambda b: b["done"])["done"]
    assert _poll(base, fay, "pg-second-001", lambda b: b["done"])["ahead"] is None


def test_ids_that_are_not_ids_are_not_tracked(app, client, auth):
    board = app.extensions["teamgraph.progress"]
    for pid in ("short", "has space inside!", "x" * 65):
        resp = client.post("/api/v1/teams/suggest", json=SUGGEST, headers={**auth("sponsor"), "X-Progress-Id": pid})
        assert resp.status_code == 200
        assert len(board) == 0


class Recording(Progress):
    def __init__(self):
        super().__init__()
        self.phases: list = []

    def set(self, phase):
        super().set(phase)
        self.phases.append(phase)


def test_a_suggestion_reports_finding_relevance_and_solving_in_order(service):
    service.index_build()  # so the relevance term (retrieval) runs
    rec = Recording()
    with tracking(rec):
        sug = service.suggest(SUGGEST["request"], service.viewer("sponsor", "fay"), alternatives=0)
    assert sug.team is not None
    assert rec.phases == [FINDING, RELEVANCE, SOLVING]
