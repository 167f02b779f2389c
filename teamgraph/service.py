"""The service: one object per process composing the store, matching and retrieval.

The API, `teamgraph demo` and `teamgraph serve` all go through `Teamgraph`. Collaborators are
built once, lazily (the store on first use, the embedding model and indexes on the first
retrieval call: ~5 s, then warm), and shared by every request thread.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from pathlib import Path

from graph.model import SYSTEM, Viewer
from teamgraph.errors import FieldProblem, IndexMissing, NotFoundError, ValidationError
from teamgraph.settings import Settings

REVISION_TTL = 1.0  # seconds a store revision is trusted before asking the store again


class Teamgraph:
    """Store + matching + retrieval behind one facade; thread-safe, built once per process."""

    def __init__(self, settings: Settings, *, store=None, encoder=None, progress: bool = True):
        self.settings = settings
        self._store = store
        self._encoder = encoder
        self._retriever = None
        self._progress = progress
        self._lock = threading.RLock()  # guards lazy construction and writes
        self._revision: tuple[float, int] | None = None
        self._viewers: dict[tuple, Viewer] = {}
        self._skills: tuple[int, list] | None = None
        self._people: tuple[int, list] | None = None
        self._suggestions: OrderedDict[tuple, object] = OrderedDict()

    # --- store ------------------------------------------------------------------------------
    @property
    def store(self):
        if self._store is None:
            with self._lock:
                if self._store is None:
                    from graph.store import open_store
                    self._store = open_store(self.settings)
        return self._store

    def revision(self) -> int:
        """The store revision, re-read at most once a second (writes through this service reset it)."""
        cached = self._revision
        now = time.monotonic()
        if cached is None or now - cached[0] > REVISION_TTL:
            cached = (now, self.store.revision())
            self._revision = cached
        return cached[1]

    def _changed(self) -> None:
        self._revision = None
        self._viewers.clear()
        self._suggestions.clear()

    def viewer(self, role: str, person: str | None) -> Viewer:
        """The visibility Viewer of a token: the person's department and the projects they are on."""
        key = (role, person, self.revision())
        hit = self._viewers.get(key)
        if hit is None:
            department, projects = None, frozenset()
            if person:
                p = self.store.get("person", person)
                department = p.department if p else None
                projects = frozenset(m.project for m in self.store.memberships_of([person]))
            hit = Viewer(role=role, person=person, department=department, projects=projects)
            if len(self._viewers) > 10_000:
                self._viewers.clear()
            self._viewers[key] = hit
        return hit

    # --- graph reads ------------------------------------------------------------------------
    def skills(self) -> list:
        rev = self.revision()
        if self._skills is None or self._skills[0] != rev:
            self._skills = (rev, sorted(self.store.all("skill"), key=lambda s: s.name.lower()))
        return self._skills[1]

    def search_skills(self, query: str, limit: int = 10) -> list:
        """Skills whose id, name or an alias matches `query` (prefix first, then substring)."""
        q = query.strip().lower()
        if not q:
            return self.skills()[:limit]
        scored = []
        for s in self.skills():
            names = [s.id.lower(), s.name.lower(), *(a.lower() for a in s.aliases)]
            if any(n.startswith(q) for n in names):
                scored.append((0, s.name.lower(), s))
            elif any(q in n for n in names):
                scored.append((1, s.name.lower(), s))
        return [s for _, _, s in sorted(scored, key=lambda t: t[:2])[:limit]]

    def people(self) -> list:
        """Active people, sorted by name (cached per revision: autocomplete and search)."""
        rev = self.revision()
        if self._people is None or self._people[0] != rev:
            people = [p for p in self.store.all("person") if p.status == "active"]
            self._people = (rev, sorted(people, key=lambda p: p.name.lower()))
        return self._people[1]

    def search_people(self, query: str, limit: int = 10) -> list:
        """Active people whose id, name or title contains `query` (name prefix first)."""
        q = query.strip().lower()
        hits = [(0 if p.name.lower().startswith(q) or p.id.lower() == q else 1, p) for p in self.people()
                if q in p.name.lower() or q in p.id.lower() or q in p.title.lower()]
        return [p for _, p in sorted(hits, key=lambda t: t[0])[:limit]]

    def supply_demand(self, department: str | None = None, limit: int = 25) -> list[dict]:
        """Skills asked for by proposed/active projects: supply (holders at level ≥ 3) vs demand,
        largest shortfall first. Uses the store's skill_neighbourhood so the numbers match it."""
        open_projects = {p.id for p in self.store.all("project") if p.status in ("proposed", "active")}
        demanded = sorted({n.skill for n in self.store.all("project_need") if n.project in open_projects})
        rows = []
        for sid in demanded:
            n = self.store.skill_neighbourhood(sid, department=department, limit=1)
            if n is not None:
                rows.append({"skill": n.skill.id, "name": n.skill.name, "supply": n.supply, "demand": n.demand,
                             "gap": n.demand - n.supply})
        rows.sort(key=lambda r: (-r["gap"], -r["demand"], r["name"]))
        return rows[:limit]

    def require(self, kind: str, ident: str):
        record = self.store.get(kind, ident)
        if record is None:
            raise NotFoundError(kind, ident)
        return record

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
