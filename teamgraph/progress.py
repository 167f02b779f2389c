"""Where a long call is, for whoever waits: the pages' status line (api/workers.py polls it).

The engine says what it is doing with `phase("Solving for the best team")` at the few points where
a wait changes character (finding candidates, scoring past work against the brief, solving,
staffing a portfolio, finding similar cases). Outside `tracking(progress)` that is a no-op, so
the library, the CLI and the tests pay nothing. A context variable carries the tracker, so each
server thread reports on its own request only.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar

FINDING = "Finding candidates"
RELEVANCE = "Scoring past work against the brief"
SOLVING = "Solving for the best team"
CASES = "Finding similar cases, lessons and experts"


class Progress:
    """One slow call's state: its phase now, when it started, its place in a queue, whether done."""

    def __init__(self, owner: str = ""):
        self.owner = owner
        self.started = time.monotonic()
        self.phase: str | None = None
        self.ahead: int | None = None  # requests ahead of it in the slow-work queue, while waiting
        self.done = False
        self._lock = threading.Lock()

    def set(self, phase: str | None) -> None:
        with self._lock:
            self.phase, self.ahead = phase, None

    def queued(self, ahead: int) -> None:
        with self._lock:
            self.phase, self.ahead = "Waiting for a turn", ahead

    def finish(self) -> None:
        with self._lock:
            self.done = True

    def to_dict(self) -> dict:
        with self._lock:
            return {"phase": self.phase, "seconds": round(time.monotonic() - self.started, 1),
                    "ahead": self.ahead, "done": self.done}


_current: ContextVar[Progress | None] = ContextVar("teamgraph_progress", default=None)


@contextmanager
def tracking(progress: Progress):
    """Within the block, `phase(...)` calls (in this thread or context) report to `progress`."""
    token = _current.set(progress)
    try:
        yield progress
    finally:
        _current.reset(token)


def phase(label: str) -> None:
    """Say what the current call is doing now; nothing happens when nobody is tracking it."""
    progress = _current.get()
    if progress is not None:
        progress.set(label)
