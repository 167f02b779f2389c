"""The service: one object per process composing the store, matching and retrieval.

The API, `teamgraph demo` and `teamgraph serve` all go through `Teamgraph`. Collaborators are
built once, lazily (the store on first use, the embedding model and indexes on the first
retrieval call: ~5 s, then warm), and shared by every request thread.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

from teamgraph.graph.model import SYSTEM, Viewer
from teamgraph.errors import FieldProblem, IndexMissing, NotFoundError, ValidationError
from teamgraph.settings import Settings

log = logging.getLogger("teamgraph.service")
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
                    from teamgraph.graph.store import open_store
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

    # --- retrieval ----------------------------------------------------------------------------
    @property
    def retriever(self):
        """The retriever over the store, built once: loads the encoder, builds the indexes when
        missing or syncs them when stale (with progress), and warms the model up."""
        if self._retriever is None:
            with self._lock:
                if self._retriever is None:
                    from teamgraph.embeddings.encoder import load_encoder
                    from teamgraph.embeddings.retriever import Retriever
                    encoder = self._encoder or load_encoder(self.settings.model)
                    # on_stale="sync": a long-running service catches up with writes made elsewhere.
                    r = Retriever(self.store, self.settings.index_dir, encoder, on_stale="sync")
                    status = r.status()
                    if not status.get("built"):
                        r.build(progress=self._progress)
                    elif status.get("stale"):
                        r.sync(progress=self._progress)
                    r.similar_cases("warm up the model", SYSTEM, k=1)
                    self._retriever = r
        return self._retriever

    def index_status(self, viewer: Viewer) -> dict:
        """Index sizes and freshness; the case count is the viewer's visible cases only."""
        if self._retriever is None and not (self.settings.index_dir / "manifest.json").exists():
            return {"built": False, "loaded": False}
        status = {"loaded": self._retriever is not None, **self.retriever.status(viewer)}
        if not viewer.privileged:
            status.pop("index_dir", None)  # server paths are for administrators
        return status

    def counts(self, viewer: Viewer) -> dict[str, int]:
        """Record counts, with cases counted as the viewer may see them (counts must not leak)."""
        counts = dict(self.store.counts())
        if not viewer.privileged:
            counts["case"] = len(self.store.visible_case_ids(viewer))
        return counts

    def similar_cases(self, brief: str, viewer: Viewer, *, k: int = 5, **filters) -> list:
        return self.retriever.similar_cases(brief, viewer, k=k, **filters)

    def experts(self, brief: str, viewer: Viewer, *, k: int = 5, **kw) -> list:
        return self.retriever.experts(brief, viewer, k=k, **kw)

    def kickoff(self, viewer: Viewer, *, brief: str | None = None, project_id: str | None = None,
                k_cases: int = 5, k_experts: int = 5, with_team: bool = False, team_request: dict | None = None,
                skills=(), department: str | None = None, process: str | None = None):
        """The kickoff package (embeddings.kickoff) for a project or an ad-hoc brief; with
        `with_team`, the matching engine suggests the team for `viewer` (from the project's
        needs, `team_request`, or the brief's skills)."""
        from teamgraph.embeddings.kickoff import kickoff_package
        suggester = self._team_suggester(viewer, team_request, project_id) if with_team else None
        return kickoff_package(self.retriever, self.store, brief=brief, project_id=project_id, viewer=viewer,
                               k_cases=k_cases, k_experts=k_experts, team_suggester=suggester,
                               skills=self.skill_ids(skills), department=department, process=process)

    def skill_ids(self, names, field: str = "skills") -> tuple[str, ...]:
        """Skill ids for ids, names or aliases (any case); unknown ones are a 400 naming them."""
        index = {}
        for s in self.skills():
            for key in (s.id, s.name, *s.aliases):
                index.setdefault(key.strip().casefold(), s.id)
        out, problems = [], []
        for i, name in enumerate(names):
            sid = index.get(str(name).strip().casefold())
            if sid is None:
                near = [s.name for s in self.search_skills(str(name)[:3], 3)]
                problems.append(FieldProblem(f"unknown skill {name!r}" + (f"; try {', '.join(near)}" if near else ""),
                                             field=f"{field}[{i}]"))
            else:
                out.append(sid)
        if problems:
            raise ValidationError(problems)
        return tuple(out)

    def _team_suggester(self, viewer: Viewer, team_request: dict | None, project_id: str | None):
        """The kickoff's team: `context` {brief, project, skills, window, …} → a Suggestion dict.
        A project's needs give the requirements (level, count); a brief's skills ask for one
        person at level 3 each, unless the caller sent a full team request."""
        from teamgraph.matching.engine import suggest

        def suggester(context: dict) -> dict:
            if team_request is not None:
                request = self.team_request(team_request)
            else:
                needs = [n for n in self.store.all("project_need") if n.project == project_id] if project_id else []
                reqs = ([{"skill": n.skill, "level": n.level, "count": n.count} for n in needs]
                        or [{"skill": sk, "level": 3, "count": 1} for sk in context.get("skills") or ()])
                if not reqs:
                    raise ValidationError(FieldProblem("no skill needs to staff: the project lists none and the "
                                                       "brief names no skills", field="skills"))
                window = context["window"]
                request = self.team_request({
                    "name": context.get("project") or "", "brief": context.get("brief") or "",
                    "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
                    "requirements": reqs, "size": {"min": 1, "max": max(2, sum(r["count"] for r in reqs) + 1)}})
            return suggest(self.store, request, viewer=viewer, alternatives=0, relevance=self._relevance(viewer),
                           time_limit=5.0).to_dict()
        return suggester

    def _relevance(self, viewer: Viewer):
        """The matching engine's relevance term from retrieval, for this viewer's visible evidence;
        None (the engine then notes it) when retrieval cannot be loaded."""
        try:
            retriever = self.retriever
        except (IndexMissing, ImportError, OSError) as e:
            log.warning("retrieval unavailable, suggesting without the relevance term: %s", e)
            return None
        return lambda brief, person_ids: retriever.person_relevance(brief, person_ids, viewer)

    # --- matching -----------------------------------------------------------------------------
    def team_request(self, data: dict, field: str = "request"):
        """Validate a request body (`matching.request.parse_request`) with skills resolved; field
        names in errors are prefixed with `field.` so they point into the API body."""
        from teamgraph.matching.request import parse_request
        try:
            return parse_request(data, field, skills=self.skills())
        except ValidationError as e:
            raise ValidationError([replace(p, file=None, field=f"{field}.{p.field}" if p.field else field)
                                   for p in e.problems], str(e).splitlines()[0]) from e

    def suggest(self, data: dict, viewer: Viewer, *, alternatives: int = 2, min_diff: int = 1, seed: int = 0,
                time_limit: float | None = 10.0, pins=()):
        """The best team for a request body, with alternatives, explained for `viewer`."""
        from teamgraph.matching.engine import suggest
        request = self.team_request(data)
        self._check_people(pins, "pins")
        result = suggest(self.store, request, viewer=viewer, alternatives=alternatives, min_diff=min_diff,
                         relevance=self._relevance(viewer), seed=seed, time_limit=time_limit, pins=pins)
        self._remember(data, viewer, seed, pins, result)
        return result

    def why_not(self, data: dict, person_id: str, viewer: Viewer, *, alternatives: int = 0, min_diff: int = 1,
                seed: int = 0, time_limit: float | None = 10.0):
        """Why `person_id` is not in the team suggested for this request (reuses that suggestion)."""
        from teamgraph.matching.engine import why_not
        request = self.team_request(data)
        self._check_people([person_id], "person")
        previous = self._suggestions.get(self._key(data, viewer, seed, ()))
        return why_not(self.store, request, person_id, suggestion=previous, viewer=viewer,
                       relevance=self._relevance(viewer), seed=seed, time_limit=time_limit)

    def resolve(self, data: dict, viewer: Viewer, *, pins=(), previous=(), seed: int = 0,
                time_limit: float | None = 10.0):
        """Re-solve with `pins` locked in; the result's diff is against the `previous` member ids."""
        from teamgraph.matching.engine import suggest
        from teamgraph.matching.explain import Diff
        request = self.team_request(data)
        self._check_people(pins, "pins")
        result = suggest(self.store, request, viewer=viewer, alternatives=0, relevance=self._relevance(viewer),
                         seed=seed, time_limit=time_limit, pins=pins)
        after = result.team.ids if result.team else []
        before = list(previous)
        result.diff = Diff(added=[p for p in after if p not in before], removed=[p for p in before if p not in after],
                           kept=[p for p in after if p in before])
        return result

    def staff(self, data: dict, viewer: Viewer, *, max_load: float | None = None, time_limit: float = 30.0,
              seed: int = 0):
        """Staff a portfolio body (`{requests: [...]}`) from one pool."""
        from teamgraph.matching.portfolio import staff
        from teamgraph.matching.request import parse_portfolio
        requests = data.get("requests")
        if isinstance(requests, list):
            # `{file: …}` entries would read files on the server: only inline requests over the API.
            bad = [i for i, r in enumerate(requests) if isinstance(r, dict) and "file" in r]
            if bad:
                raise ValidationError([FieldProblem("file references are not accepted here; inline the request",
                                                    field=f"portfolio.requests[{i}].file") for i in bad])
        try:
            portfolio = parse_portfolio(data, "portfolio", skills=self.skills())
        except ValidationError as e:
            raise ValidationError([replace(p, file=None, field=f"portfolio.{p.field}" if p.field else "portfolio")
                                   for p in e.problems], str(e).splitlines()[0]) from e
        return staff(self.store, portfolio, max_load=max_load if max_load is not None else portfolio.max_load,
                     time_limit=time_limit, seed=seed)

    def _check_people(self, ids, field: str) -> None:
        missing = [p for p in ids if self.store.get("person", p) is None]
        if missing:
            raise ValidationError([FieldProblem(f"unknown person {p!r}", field=field) for p in missing])

    def _key(self, data: dict, viewer: Viewer, seed: int, pins) -> tuple:
        return (json.dumps(data, sort_keys=True, default=str), viewer.role, viewer.person, seed,
                tuple(sorted(pins)), self.revision())

    def _remember(self, data, viewer, seed, pins, result) -> None:
        """Keep recent suggestions so why-not explains the team the sponsor is looking at."""
        with self._lock:
            self._suggestions[self._key(data, viewer, seed, pins)] = result
            while len(self._suggestions) > 256:
                self._suggestions.popitem(last=False)

    # --- ingest -------------------------------------------------------------------------------
    def ingest(self, folder: str | Path, *, dry_run: bool = False, replace_missing: bool = False) -> dict:
        """Validate a data folder completely, write it in one transaction (unless `dry_run`),
        then bring the retrieval indexes up to date incrementally."""
        from teamgraph.ingest.loader import ingest_folder
        with self._lock:
            report = ingest_folder(self.store, folder, dry_run=dry_run, replace=replace_missing,
                                   progress=self._progress)
            out = report.to_dict()
            if not dry_run and report.changed:
                self._changed()
                if self._retriever is not None:
                    applied = getattr(report, "apply_report", None)
                    out["index"] = (self._retriever.update(applied) if applied is not None
                                    else self._retriever.sync(progress=self._progress))
        return out

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
