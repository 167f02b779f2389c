"""Slow work never blocks cheap requests: a bounded gate in front of the solving and ingesting views.

Solves (suggest, why-not, resolve, staff), kickoff packages (they suggest a team) and uploads
hold a worker for seconds; everything else answers in milliseconds. The server's threads are
split (api.server.threads_for): at most `SLOW_WORKERS` slow requests run at once, at most
`SLOW_QUEUE` more wait for a turn (each at most `SLOW_QUEUE_WAIT` seconds), and the remaining
threads are only ever taken by cheap requests. A slow request beyond that answers at once
with 503, `Retry-After` and a JSON error naming the reason (`code: "busy"`), so a burst of
solves can neither hold every thread nor make a trivial 400 wait behind it. Defaults and their
reasons are in teamgraph.limits (README "Limits").
"""

from __future__ import annotations

import functools
import math
import threading
import time

from flask import Flask, current_app, request

from teamgraph import limits
from teamgraph.api.errors import Busy
from teamgraph.api.progress import for_this_request
from teamgraph.api.progress import init_app as progress_init
from teamgraph.progress import tracking

QUEUE_POLL = 0.25  # seconds between updates of a tracked waiter's place in line

# Views that run a solver, build a kickoff package or ingest: endpoint → when the call is slow
# (None: always). The kickoff page is only slow with a brief; without one it lists projects.
SLOW_ENDPOINTS = {
    "teams.suggest": None, "teams.why_not": None, "teams.resolve": None, "teams.staff": None, "scenarios.run": None,
    "knowledge.brief_kickoff": None, "knowledge.project_kickoff": None, "uploads.ingest": None,
    "pages.kickoff": None, "pages.kickoff_index": lambda: bool((request.args.get("brief") or "").strip()),
    "bookings.book_portfolio": lambda: not isinstance((request.get_json(silent=True) or {}).get("teams"), list),
    "scenarios.apply": lambda: bool((request.get_json(silent=True) or {}).get("book")),  # books: may solve
}


class SlowGate:
    """At most `workers` holders at once and `queue` waiters; others are refused at once."""

    def __init__(self, workers: int, queue: int, wait: float):
        if workers < 1 or queue < 0 or wait < 0:
            raise ValueError("SLOW_WORKERS must be at least 1, SLOW_QUEUE and SLOW_QUEUE_WAIT at least 0")
        self.workers, self.queue, self.wait = workers, queue, wait
        self._running = threading.BoundedSemaphore(workers)
        self._admitted = threading.BoundedSemaphore(workers + queue)
        self._lock = threading.Lock()
        self.waiting = 0  # slow requests admitted and waiting for a turn
        self._line: list[object] = []  # the waiting ones in order of arrival (for "2 ahead of you")

    @property
    def capacity(self) -> int:
        """Threads slow requests can hold at most (running + waiting)."""
        return self.workers + self.queue

    def retry_after(self) -> int:
        """Seconds a refused client should wait: one solve's time limit, when a turn usually frees."""
        return max(1, math.ceil(limits.MAX_SOLVE_SECONDS))

    def run(self, work, progress=None):
        """Run `work()` in a turn, or raise Busy when every turn and place in the queue is taken.
        A `progress` tracker (teamgraph.progress) learns how many wait ahead while it waits."""
        if not self._admitted.acquire(blocking=False):
            raise Busy(f"the server is busy with {self.workers} slow request(s) and {self.queue} waiting; "
                       "try again shortly", reason="slow_pool_full", retry_after=self.retry_after())
        try:
            with self._lock:
                self.waiting += 1
            try:
                turn = self._turn(progress)
            finally:
                with self._lock:
                    self.waiting -= 1
            if not turn:
                raise Busy(f"waited {self.wait:g} s for a turn to solve; try again shortly",
                           reason="slow_queue_timeout", retry_after=self.retry_after())
            if progress is not None:
                progress.set(None)  # its turn: the work says its own phases from here
            try:
                return work()
            finally:
                self._running.release()
        finally:
            self._admitted.release()

    def _turn(self, progress) -> bool:
        """A turn at once if one is free, else after waiting at most `wait` seconds in line."""
        if self._running.acquire(blocking=False):
            return True
        if self.wait <= 0:
            return False
        ticket = object()
        with self._lock:
            self._line.append(ticket)
        deadline = time.monotonic() + self.wait
        try:
            while True:
                if progress is not None:
                    with self._lock:
                        progress.queued(self._line.index(ticket))
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                if self._running.acquire(timeout=min(left, QUEUE_POLL if progress is not None else left)):
                    return True
        finally:
            with self._lock:
                self._line.remove(ticket)


def gate() -> SlowGate:
    return current_app.extensions["teamgraph.slow"]


def _gated(view, when):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if when is not None and not when():
            return view(*args, **kwargs)
        progress = for_this_request()  # the page sent a progress id: it polls /api/v1/progress/<id>
        if progress is None:
            return gate().run(lambda: view(*args, **kwargs))
        try:
            with tracking(progress):
                return gate().run(lambda: view(*args, **kwargs), progress)
        finally:
            progress.finish()
    return wrapper


def init_app(app: Flask) -> None:
    """Make the gate from the app's SLOW_* settings and put every slow view behind it (call
    after the blueprints are registered)."""
    app.config.setdefault("SLOW_WORKERS", limits.SLOW_WORKERS)
    app.config.setdefault("SLOW_QUEUE", limits.SLOW_QUEUE)
    app.config.setdefault("SLOW_QUEUE_WAIT", limits.SLOW_QUEUE_WAIT)
    app.extensions["teamgraph.slow"] = SlowGate(int(app.config["SLOW_WORKERS"]), int(app.config["SLOW_QUEUE"]),
                                                float(app.config["SLOW_QUEUE_WAIT"]))
    progress_init(app)
    for endpoint, when in SLOW_ENDPOINTS.items():
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = _gated(app.view_functions[endpoint], when)
