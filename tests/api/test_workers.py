"""Slow work never blocks cheap requests (issue 12): solves run behind a bounded gate
(api.workers) and the server's threads are split so cheap requests always find one.

The server is real (waitress on loopback); the pool is made tiny through its configuration
knobs (SLOW_WORKERS, SLOW_QUEUE, SLOW_QUEUE_WAIT), and the engine's suggest is held on an event
so the test decides how long the slow work takes (how fast the solver is is beside the point).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest

from teamgraph.api.app import create_app
from teamgraph.api.server import make_server, threads_for
from teamgraph.api.tokens import token_store_for

from tests.api.api_samples import REQUEST


class HeldSuggest:
    """Wraps the engine's suggest: each call signals `entered`, then waits for `release`."""

    def __init__(self, service):
        self.inner, self.entered, self.release = service.suggest, threading.Semaphore(0), threading.Event()
        service.suggest = self

    def __call__(self, *args, **kwargs):
        self.entered.release()
        assert self.release.wait(30), "the test never released the held solve"
        return self.inner(*args, **kwargs)


@pytest.fixture
def live(settings, service):
    """(call, held) for an app with one slow worker, served by waitress with one cheap thread."""
    def serve(**config):
        app = create_app({"TESTING": True, **config}, settings=settings, service=service)
        server = make_server(app, "127.0.0.1", 0, threads=1)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        return app, f"http://127.0.0.1:{server.effective_port}"

    servers: list = []
    yield serve
    for server, thread in servers:
        server.close()
        thread.join(5)


def _call(base: str, token: str, method: str, path: str, body=None):
    """(status, headers, JSON) of one request."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read())


def _background(fn, *args):
    out: list = []
    t = threading.Thread(target=lambda: out.append(fn(*args)), daemon=True)
    t.start()
    return t, out


SUGGEST = {"request": REQUEST, "alternatives": 0}


def test_a_full_slow_pool_answers_503_while_cheap_requests_still_answer(live, service, settings):
    app, base = live(SLOW_WORKERS=1, SLOW_QUEUE=0)
    assert threads_for(app, 1) == 2  # one slow turn + one thread only cheap requests can take
    token = token_store_for(settings.data_dir).create("hr", "ivy", label="test")[0]
    held = HeldSuggest(service)
    first, first_out = _background(_call, base, token, "POST", "/api/v1/teams/suggest", SUGGEST)
    assert held.entered.acquire(timeout=20)  # the one slow turn is taken and its solve is running

    status, _, body = _call(base, token, "GET", "/api/v1/skills?q=python")
    assert status == 200 and body["skills"]
    status, _, body = _call(base, token, "GET", "/api/v1/people/bo?start=not-a-date")
    assert status == 400 and body["fields"][0]["field"] == "start"  # a trivial 400 does not wait

    status, headers, body = _call(base, token, "POST", "/api/v1/teams/why-not", dict(SUGGEST, person="bo"))
    assert status == 503 and body["code"] == "busy" and body["reason"] == "slow_pool_full"
    assert int(headers["Retry-After"]) >= 1 and body["retry_after"] == int(headers["Retry-After"])
    assert "busy" in body["message"]

    held.release.set()
    first.join(20)
    assert first_out[0][0] == 200 and first_out[0][2]["team"]["members"]
    status, _, body = _call(base, token, "POST", "/api/v1/teams/suggest", SUGGEST)  # the turn is free again
    assert status == 200 and body["team"]["members"]


def _one_held(live, service, settings, **config):
    """A one-turn pool with one place in the queue, its turn taken by a held sponsor's suggest."""
    app, base = live(SLOW_WORKERS=1, SLOW_QUEUE=1, **config)
    token = token_store_for(settings.data_dir).create("sponsor", "fay", label="test")[0]
    held = HeldSuggest(service)
    first, first_out = _background(_call, base, token, "POST", "/api/v1/teams/suggest", SUGGEST)
    assert held.entered.acquire(timeout=20)
    return app, base, token, held, first, first_out


def test_a_queued_slow_request_waits_its_bounded_turn_then_is_refused(live, service, settings):
    _, base, token, held, first, first_out = _one_held(live, service, settings, SLOW_QUEUE_WAIT=0.5)
    queued, queued_out = _background(_call, base, token, "POST", "/api/v1/teams/suggest", SUGGEST)
    queued.join(20)  # waits SLOW_QUEUE_WAIT for the held turn, then gives up
    status, headers, body = queued_out[0]
    assert status == 503 and body["reason"] == "slow_queue_timeout" and "Retry-After" in headers
    held.release.set()
    first.join(20)
    assert first_out[0][0] == 200


def test_a_queued_slow_request_runs_when_the_turn_frees_and_a_third_is_refused_at_once(live, service, settings):
    app, base, token, held, first, first_out = _one_held(live, service, settings, SLOW_QUEUE_WAIT=20)
    queued, queued_out = _background(_call, base, token, "POST", "/api/v1/teams/suggest", SUGGEST)
    gate = app.extensions["teamgraph.slow"]
    for _ in range(400):  # until the second request waits in the queue's one place
        if gate.waiting == 1:
            break
        time.sleep(0.05)
    assert gate.waiting == 1
    status, headers, body = _call(base, token, "POST", "/api/v1/kickoff", {"brief": "payments platform"})
    assert status == 503 and body["reason"] == "slow_pool_full" and "Retry-After" in headers
    assert _call(base, token, "GET", "/api/v1/skills")[0] == 200
    held.release.set()
    first.join(20)
    queued.join(20)
    assert first_out[0][0] == 200 and queued_out[0][0] == 200  # the queued one got its turn


def test_the_gate_refuses_bad_settings():
    from teamgraph.api.workers import SlowGate
    with pytest.raises(ValueError):
        SlowGate(0, 0, 1.0)


def test_pages_and_kickoff_share_the_gate_and_the_kickoff_list_does_not_wait(app, client, login, auth):
    """Every turn and queue place taken (the app's default pool): the kickoff page with a brief
    and the project kickoff answer 503 with Retry-After, the plain project list still answers."""
    gate = app.extensions["teamgraph.slow"]
    release, holders = threading.Event(), []
    for _ in range(gate.capacity):
        t = threading.Thread(target=gate.run, args=(lambda: release.wait(30),), daemon=True)
        t.start()
        holders.append(t)
    try:
        for _ in range(400):
            if gate.waiting == gate.queue:
                break
            time.sleep(0.05)
        login("sponsor")
        assert client.get("/kickoff").status_code == 200  # the list of projects: not slow work
        page = client.get("/kickoff?brief=pricing+engine")
        assert page.status_code == 503 and page.headers["Retry-After"] and "busy" in page.get_data(as_text=True)
        api = client.get("/api/v1/projects/p-new/kickoff", headers=auth("sponsor"))
        assert api.status_code == 503 and api.get_json()["reason"] == "slow_pool_full"
    finally:
        release.set()
        for t in holders:
            t.join(10)
    assert client.get("/api/v1/projects/p-new/kickoff", headers=auth("sponsor")).status_code == 200
