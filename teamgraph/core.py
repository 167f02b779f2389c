"""The engine's base: settings, the store, the revision clock and who is asking.

`teamgraph.service.Teamgraph` composes this base with the reads, teams, retrieval and writes
parts (one module each, so none grows past a screenful of concerns); every part reaches the
store only through `self.store`, so the CLI and the API share one composition.
"""

from __future__ import annotations

import threading
import time

from teamgraph.errors import FieldProblem, NotFoundError, ValidationError
from teamgraph.graph.model import Viewer
from teamgraph.settings import Settings

# Who may do what (the API's role checks and the engine's kickoff use these, nothing else).
PLANNERS = ("sponsor", "hr", "admin")  # may ask for teams
PEOPLE_DATA = ("hr", "admin")  # ratings, detailed loads, bus factor, portfolio
ADMIN = ("admin",)
REVISION_TTL = 1.0  # seconds a store revision is trusted before asking the store again


class EngineCore:
    """State shared by every part of the engine; thread-safe, built once per process."""

    def __init__(self, settings: Settings, *, store=None, encoder=None, progress: bool = True,
                 build_index: bool = True):
        """`build_index`: build the retrieval indexes when they are missing (the server and the
        demo); the CLI says `teamgraph index build` instead of spending a minute unasked."""
        self.settings = settings
        self._store = store
        self._encoder = encoder
        self._retriever = None
        self._progress = progress
        self._build_index = build_index
        self._lock = threading.RLock()  # guards lazy construction and writes
        self._revision: tuple[float, int] | None = None
        self._viewers: dict[tuple, Viewer] = {}

    @property
    def store(self):
        if self._store is None:
            with self._lock:
                if self._store is None:
                    from teamgraph.graph.store import open_store
                    if self.settings.store == "embedded":
                        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
                    self._store = open_store(self.settings)
        return self._store

    def revision(self) -> int:
        """The store revision, re-read at most once a second (writes through the engine reset it)."""
        cached = self._revision
        now = time.monotonic()
        if cached is None or now - cached[0] > REVISION_TTL:
            cached = (now, self.store.revision())
            self._revision = cached
        return cached[1]

    def _changed(self) -> None:
        self._revision = None
        self._viewers.clear()

    def viewer(self, role: str, person: str | None = None, *, must_exist: bool = False) -> Viewer:
        """The visibility Viewer of `role` acting as `person`: their department and projects.
        `must_exist` (the CLI's --as): an unknown person is an error rather than a stranger."""
        key = (role, person, self.revision())
        hit = self._viewers.get(key)
        if hit is None:
            department, projects = None, frozenset()
            if person:
                p = self.store.get("person", person)
                if p is None and must_exist:
                    raise NotFoundError("person", person)
                department = p.department if p else None
                projects = frozenset(m.project for m in self.store.memberships_of([person]))
            hit = Viewer(role=role, person=person, department=department, projects=projects)
            if len(self._viewers) > 10_000:
                self._viewers.clear()
            self._viewers[key] = hit
        return hit

    def require(self, kind: str, ident: str):
        record = self.store.get(kind, ident)
        if record is None:
            raise NotFoundError(kind, ident)
        return record

    def _check_people(self, ids, field: str) -> None:
        missing = [p for p in ids if self.store.get("person", p) is None]
        if missing:
            raise ValidationError([FieldProblem(f"unknown person {p!r}", field=field) for p in missing])

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
            self._retriever = None
