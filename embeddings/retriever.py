"""The public retrieval API: similar cases, experts and person relevance for a brief.

Indexes (cases, projects, person profiles; dense + BM25 each) live in `index_dir` with a
manifest recording the store revision and model they reflect. Data comes only through the
GraphStore protocol, so both backends behave the same.

Freshness: `update(report)` applies one write's touched keys incrementally (re-encoding only
documents whose text changed; the engine calls it after every write it makes); `sync()`
reconciles against a full scan of the store, again re-encoding only what changed; `build()`
starts from nothing. Index files another process brought further are read back, not rebuilt. A search on an index whose
revision differs from `store.revision()` raises IndexMissing with the fix (on_stale="error",
the default) or first syncs incrementally (on_stale="sync", what the long-running service uses).

Visibility is enforced inside retrieval: the allow-list `store.visible_case_ids(viewer)` is
passed into the FAISS search (IDSelector) and the BM25 scoring (mask), so hidden cases are
never scored, counted or used as expert evidence.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from teamgraph.embeddings.corpus import Corpus
from teamgraph.embeddings.documents import (
    all_documents, forget_in_folder, forget_person, save_forgotten, skill_terms, touched_documents,
)
from teamgraph.embeddings.encoder import Encoder
from teamgraph.embeddings.confidence import EVIDENCE_MATCH, match_probability
from teamgraph.embeddings.experts import (
    OUTCOME_WEIGHT, evidence_signals, fuse_people, load_discount, rating_factor, signal_parts,
)
from teamgraph.embeddings.fusion import ranked
from teamgraph.embeddings.lexical import matching_terms, tokenize
from teamgraph.embeddings.rerank import learned_ranker
from teamgraph.embeddings.results import CaseHit, Evidence, ExpertHit, ScoreParts
from teamgraph.embeddings.query_parts import (
    check_brief, foreign_vectors, graph_score, members_by_project, passes, peak_loads, query_vectors,
)
from teamgraph.graph.model import Viewer, Window
from teamgraph.errors import IndexMissing

CORPORA = ("case", "project", "person")
MANIFEST = "manifest.json"
SKILL_NAMES = "skills.json"  # skill id → the names a brief may use for it (id, name, aliases)
SKILL_TERMS = "skill_terms.json"  # skill name → its index terms, so a query never re-tokenises them
FORMAT = 2  # 2: profiles carry the mean rating received, membership order fixed in the text
SYNCED_FORMATS = (1,)  # older formats a sync brings up to FORMAT (no rebuild needed)
EVIDENCE_DEPTH = 100  # documents retrieved per brief to collect expert evidence from
BUILD_HINT = "run `teamgraph index build`"


class Retriever:
    """Similar cases and experts over one store. Thread-safe; load once per process."""

    def __init__(self, store, index_dir: str | Path, encoder: Encoder, *, on_stale: str = "error"):
        if on_stale not in ("error", "sync"):
            raise ValueError("on_stale must be 'error' or 'sync'")
        self.store, self.index_dir, self.encoder, self.on_stale = store, Path(index_dir), encoder, on_stale
        self._lock = threading.RLock()
        self._corpora: dict[str, Corpus] | None = None
        self._skill_names: dict[str, list[str]] = {}
        self._name_terms: dict[str, list[str]] = {}  # skill name → tokenize(name), kept in SKILL_TERMS
        self._revision: int | None = None
        self._cache: dict[str, tuple[int, object]] = {}
        self._qcache: dict[str, tuple] = {}  # brief → (vector, vector for foreign passages or None)

    # --- index lifecycle ---------------------------------------------------------------------
    def build(self, progress: bool = True) -> dict:
        """Index everything from scratch (encodes every document); returns `status()`."""
        with self._lock:
            dim = self.encoder.dim
            self._corpora = {name: Corpus(name, dim) for name in CORPORA}
            self._sync_all(progress)
            return self.status()

    def sync(self, progress: bool = False) -> dict:
        """Reconcile with a full scan of the store, re-encoding only changed texts."""
        with self._lock:
            try:
                self._load()
            except IndexMissing:
                return self.build(progress)
            self._sync_all(progress)
            return self.status()

    def update(self, report) -> dict:
        """Apply one ApplyReport incrementally: touched keys (and what they cascade to) only.

        If the index was not at the revision just before this write (another writer got in
        between), falls back to `sync()`, which is still incremental in encoding.
        """
        with self._lock:
            self._load()
            self._reload_if_newer_on_disk()
            if report.revision == self._revision:
                return {"mode": "noop", "revision": self._revision}
            if self._revision != report.revision - 1 or self.store.revision() != report.revision:
                self.sync()
                return {"mode": "sync", "revision": self._revision}
            changed = self._apply_touched(report.touched)
            self._revision = report.revision
            self._save()
            return {"mode": "incremental", "revision": self._revision, "changed": changed}

    def forget(self, person_id: str) -> dict:
        """Remove a forgotten person from the index files now (and from this copy if loaded),
        before and whatever the update does; see documents.forget_person."""
        with self._lock:
            if self._corpora is None:
                return forget_in_folder(self.index_dir, person_id)
            self._reload_if_newer_on_disk()
            removed = forget_person(self._corpora, person_id)
            self._cache.clear()
            return {"removed": removed, "files_rewritten": save_forgotten(self.index_dir, self._corpora, removed)}

    def status(self, viewer: Viewer | None = None) -> dict:
        """Sizes, model, revision and staleness. Case counts are per-viewer when `viewer` is given."""
        with self._lock:
            try:
                self._load()
            except IndexMissing as e:
                return {"built": False, "index_dir": str(self.index_dir), "error": str(e),
                        "store_revision": self.store.revision()}
            store_rev = self.store.revision()
            sizes = {n: len(c) for n, c in self._corpora.items()}
            if viewer is not None and not viewer.privileged:
                visible = self.store.visible_case_ids(viewer)
                sizes["case"] = sum(1 for k in self._corpora["case"].meta if k in visible)
            return {"built": True, "index_dir": str(self.index_dir), "model": self.encoder.name,
                    "revision": self._revision, "store_revision": store_rev,
                    "stale": self._revision != store_rev, "sizes": sizes,
                    "layout": {n: c.vectors.stats or {"kind": c.vectors.kind} for n, c in self._corpora.items()}}

    def _load(self) -> None:
        if self._corpora is not None:
            return
        manifest = self.index_dir / MANIFEST
        if not manifest.exists() or not all(Corpus.exists(self.index_dir, n) for n in CORPORA):
            raise IndexMissing(f"no retrieval index in {self.index_dir}: {BUILD_HINT}")
        m = json.loads(manifest.read_text(encoding="utf-8"))
        if m.get("format") not in (FORMAT, *SYNCED_FORMATS) or m.get("model") != self.encoder.name:
            raise IndexMissing(f"the index in {self.index_dir} was built with model {m.get('model')!r} "
                               f"(format {m.get('format')}), not {self.encoder.name!r}: {BUILD_HINT}")
        corpora = {n: Corpus.load(self.index_dir, n) for n in CORPORA}
        if any(set(c.meta) != set(c.passages) or sum(c.passages.values()) != len(c.vectors)
               for c in corpora.values()):
            raise IndexMissing(f"the index in {self.index_dir} is incomplete (interrupted write?): {BUILD_HINT}")
        # An older format counts as stale, so the next sync (incremental) rewrites it as FORMAT.
        self._corpora = corpora
        self._revision = m["revision"] if m.get("format") == FORMAT else None
        names = self.index_dir / SKILL_NAMES
        # Indexes written before the skill names were kept read them once from the store.
        self._skill_names = (json.loads(names.read_text(encoding="utf-8")) if names.exists()
                             else {sk.id: skill_terms(sk) for sk in self.store.all("skill")})
        terms = self.index_dir / SKILL_TERMS  # written beside skills.json since issue 11; else made on use
        self._name_terms = json.loads(terms.read_text(encoding="utf-8")) if terms.exists() else {}

    def _disk_revision(self) -> int | None:
        try:
            return json.loads((self.index_dir / MANIFEST).read_text(encoding="utf-8")).get("revision")
        except (OSError, ValueError):
            return None

    def _reload_if_newer_on_disk(self) -> None:
        """Another process (a CLI write beside a running server) may have brought the files
        further than this copy: reading them back is cheaper than re-scanning the store."""
        disk = self._disk_revision()
        if disk is not None and self._revision is not None and self._revision < disk <= self.store.revision():
            self._corpora = None
            self._load()

    def _save(self) -> None:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        for c in self._corpora.values():
            c.save(self.index_dir)
        tmp = self.index_dir / (SKILL_NAMES + ".tmp")
        tmp.write_text(json.dumps(self._skill_names, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.index_dir / SKILL_NAMES)
        tmp = self.index_dir / (SKILL_TERMS + ".tmp")
        tmp.write_text(json.dumps(self._skill_name_terms(), ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.index_dir / SKILL_TERMS)
        tmp = self.index_dir / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps({"format": FORMAT, "model": self.encoder.name, "revision": self._revision,
                                   "saved": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}),
                       encoding="utf-8")
        tmp.replace(self.index_dir / MANIFEST)
        self._cache.clear()

    def _ready(self) -> dict[str, Corpus]:
        with self._lock:
            self._load()
            store_rev = self.store.revision()
            if self._revision != store_rev and self.on_stale == "sync":
                self._reload_if_newer_on_disk()
            if self._revision != store_rev:
                if self.on_stale == "sync":
                    self.sync()
                else:
                    raise IndexMissing(f"the retrieval index reflects store revision {self._revision} but the "
                                       f"store is at {store_rev}: run `teamgraph index update` (incremental) "
                                       "or `teamgraph index build`")
            return self._corpora

    # --- documents from the store ------------------------------------------------------------
    def _sync_all(self, progress: bool) -> None:
        rev = self.store.revision()
        self._skill_names = {sk.id: skill_terms(sk) for sk in self.store.all("skill")}
        for name, docs in all_documents(self.store).items():
            c = self._corpora[name]
            c.remove(set(c.meta) - {d.key for d in docs})
            c.upsert(docs, self.encoder, progress=progress)
        self._revision = rev
        self._save()

    def _apply_touched(self, touched: dict) -> dict[str, int]:
        """Re-read what one write touched (and what it cascades to); returns changes per corpus."""
        for (sid, *_) in touched.get("skill", ()):
            sk = self.store.get("skill", sid)
            if sk is None:
                self._skill_names.pop(sid, None)
            else:
                self._skill_names[sid] = skill_terms(sk)
        found = touched_documents(self.store, touched, self._corpora["case"].meta, self._corpora["person"].meta)
        return {name: self._corpora[name].upsert(docs, self.encoder) + self._corpora[name].remove(gone)
                for name, (docs, gone) in found.items()}

    # --- shared query pieces -----------------------------------------------------------------
    def _cached(self, name: str, build):
        rev = self._revision
        hit = self._cache.get(name)
        if hit is None or hit[0] != rev:
            hit = (rev, build())
            self._cache[name] = hit
        return hit[1]

    def _doc_share(self, corpus: Corpus) -> dict[str, float]:
        """term → share of the corpus's documents holding it (filler terms explain nothing)."""
        return self._cached(f"share:{corpus.name}", lambda: corpus.lexical_index().doc_share())

    def _skill_name_terms(self) -> dict[str, list[str]]:
        """Index terms of every skill name, each name tokenised once (and kept in SKILL_TERMS, so a
        cold query loads no Chinese segmenter dictionary for an English brief)."""
        names = {name for names in self._skill_names.values() for name in names}
        for name in names - self._name_terms.keys():
            self._name_terms[name] = tokenize(name)
        if len(self._name_terms) > len(names):
            self._name_terms = {n: t for n, t in self._name_terms.items() if n in names}
        return self._name_terms

    def _skills_in(self, text: str) -> set[str]:
        """Skills a brief names (id, name or alias, as whole index terms; CJK aliases as substrings)."""
        def table():  # from the index's copy of the skill names, never a scan per query
            out = []
            name_terms = self._skill_name_terms()
            for sid, names in self._skill_names.items():
                for name in names:
                    terms = name_terms[name]
                    if terms:
                        out.append((sid, name, frozenset(terms)))
            return out
        terms = set(tokenize(text))
        return {sid for sid, name, ts in self._cached("skills", table)
                if ts <= terms or (not name.isascii() and len(name) >= 2 and name in text)}

    def _encode(self, text: str) -> np.ndarray | None:
        """The brief's vector; the last few are kept, since a kickoff asks for cases and experts."""
        if not text.strip():
            return None
        hit = self._qcache.get(text)
        if hit is None:
            foreign = foreign_vectors(self.encoder, [text])
            hit = (query_vectors(self.encoder, [text])[0], None if foreign is None else foreign[0])
            with self._lock:
                if len(self._qcache) >= 64:
                    self._qcache.pop(next(iter(self._qcache)))
                self._qcache[text] = hit
        return hit[0]

    def _foreign(self, text: str) -> np.ndarray | None:
        """The brief's vector for passages an English-only model part cannot read (or None)."""
        if not text.strip():
            return None
        if text not in self._qcache:
            self._encode(text)
        hit = self._qcache.get(text)
        return hit[1] if hit is not None else foreign_vectors(self.encoder, [text])[0]

    def _case_search(self, brief: str, viewer: Viewer, k: int, *, department=None, process=None,
                     since=None, until=None, language=None, skills=(), prefer_department=None,
                     prefer_process=None, qvec=None, depth: int | None = None):
        corpora = self._ready()
        cases = corpora["case"]
        visible = self.store.visible_case_ids(viewer)
        since_s, until_s = (d.isoformat() if d else None for d in (since, until))
        allowed = {cid for cid in visible if cid in cases.meta and passes(
            cases.meta[cid], department, process, since_s, until_s, language)}
        qterms = tokenize(brief)
        if qvec is None:
            qvec = self._encode(brief)
        qf = self._foreign(brief) if qvec is not None else None
        wanted = set(skills) | self._skills_in(brief)
        depth = max(depth or 0, 4 * k, 50)
        graph: dict[str, float] = {}
        if wanted or prefer_department or prefer_process:
            pool = allowed
            if qvec is not None or qterms:  # graph signals re-rank text candidates; they never add noise
                pool = {key for key, _ in cases.dense(qvec, depth, allowed, qf)} if qvec is not None else set()
                pool |= {key for key, _ in cases.bm25(qterms, depth, allowed)}
            graph = {cid: graph_score(cases.meta[cid], wanted, prefer_department, prefer_process)
                     for cid in pool}
        extra = {"graph": [(c, graph[c]) for c in ranked(graph)]} if graph else {}
        scored = cases.hybrid(qvec, qterms, k, allowed, extra=extra, depth=depth, qvec_foreign=qf,
                              ranker=learned_ranker(self.encoder.name, self.encoder.dim))
        return scored, graph, wanted, qterms, qvec

    # --- public queries ----------------------------------------------------------------------
    def similar_cases(self, brief: str, viewer: Viewer, *, k: int = 10, department: str | None = None,
                      process: str | None = None, since: date | None = None, until: date | None = None,
                      language: str | None = None, skills=(), prefer_department: str | None = None,
                      prefer_process: str | None = None) -> list[CaseHit]:
        """Cases like the brief that `viewer` may see, best first, each with why it matched.

        department/process/since/until/language filter; skills, prefer_department and
        prefer_process are graph signals (shared skills, same department/process), fused with the
        dense and BM25 scores (embeddings.fusion).
        """
        check_brief(brief, skills)
        qvec = self._encode(brief)  # the costly part runs outside the lock
        with self._lock:  # updates mutate the corpora; searches read them
            scored, graph, wanted, _, _ = self._case_search(
                brief, viewer, k, department=department, process=process, since=since, until=until,
                language=language, skills=skills, prefer_department=prefer_department, prefer_process=prefer_process,
                qvec=qvec)
            cases = self._corpora["case"]
            grank = {key: r for r, key in enumerate(ranked(graph), 1)}
            hits = []
            for s in scored:
                case = self.store.get_case(s.key, viewer)
                if case is None:  # deleted or hidden since the index was written: never show it
                    continue
                m = cases.meta[s.key]
                hits.append(CaseHit(
                    id=case.id, title=case.title, problem=case.problem, action=case.action, result=case.result,
                    lesson=case.lesson, project=case.project, department=case.department,
                    process=m.get("process", ""), outcome=m.get("outcome", ""),
                    date=case.date.isoformat() if case.date else None, language=case.language,
                    skills=tuple(case.skills), score=s.score,
                    matching_terms=tuple(matching_terms(brief, cases.terms.get(s.key, ()),
                                                        doc_share=self._doc_share(cases))),
                    shared_skills=tuple(sorted(wanted & set(case.skills))),
                    same_process=bool(prefer_process and m.get("process") == prefer_process),
                    same_department=bool(prefer_department and case.department == prefer_department),
                    parts=ScoreParts(fused=s.score, dense=s.dense, bm25=s.bm25, graph=graph.get(s.key),
                                     dense_rank=s.dense_rank, bm25_rank=s.bm25_rank, graph_rank=grank.get(s.key)),
                    match=self._match(s)))
            return hits

    def _match(self, s) -> float | None:
        """The calibrated chance that hit `s` fits its brief (embeddings.confidence)."""
        return None if s.features is None else match_probability(s.features, self.encoder.name)

    def _people_signals(self, brief: str, viewer: Viewer, skills, prefer_department, prefer_process, qvec):
        """Per-signal person scores for a brief, plus the case/project rankings used as evidence."""
        corpora = self._ready()
        scored, _, wanted, qterms, _ = self._case_search(
            brief, viewer, EVIDENCE_DEPTH, skills=skills, prefer_department=prefer_department,
            prefer_process=prefer_process, qvec=qvec, depth=EVIDENCE_DEPTH)
        # only cases and projects that plausibly fit the brief are evidence (an off-topic 50th case
        # made its author an "expert" before)
        case_rank = [s.key for s in scored if (self._match(s) or 0.0) >= EVIDENCE_MATCH]
        cmeta, pmeta, projmeta = corpora["case"].meta, corpora["person"].meta, corpora["project"].meta
        qf = self._foreign(brief) if qvec is not None else None
        proj_rank = [s.key for s in corpora["project"].hybrid(qvec, qterms, EVIDENCE_DEPTH, qvec_foreign=qf)
                     if (self._match(s) or 0.0) >= EVIDENCE_MATCH]
        members = self._cached("members", lambda: members_by_project(pmeta))
        track = {p: len(m["projects"]) for p, m in pmeta.items()}
        for cid in self.store.visible_case_ids(viewer):  # only cases this viewer may see count
            for a in cmeta.get(cid, {}).get("authors", ()):
                if a in track:
                    track[a] += 1
        signals = evidence_signals(
            case_rank, {c: cmeta[c].get("authors", ()) for c in case_rank},
            project_rank=proj_rank, project_people={p: [m for m, _ in members.get(p, ())] for p in proj_rank},
            project_weight={p: OUTCOME_WEIGHT.get(projmeta[p].get("outcome", ""), 0.85) for p in proj_rank},
            wanted=wanted, skills_of={p: m["skills"] for p, m in pmeta.items()}, track=track,
            profile_rank=[s.key for s in corpora["person"].hybrid(qvec, qterms, EVIDENCE_DEPTH, qvec_foreign=qf)])
        eligible = {p for p, m in pmeta.items() if m.get("status", "active") == "active"}
        return signals, eligible, case_rank, proj_rank, wanted, members

    def experts(self, brief: str, viewer: Viewer, *, k: int = 10, skills=(), window: Window | None = None,
                prefer_department: str | None = None, prefer_process: str | None = None) -> list[ExpertHit]:
        """Active people ranked by evidence for the brief, discounted by load in `window`
        (default: the next 90 days). See embeddings.experts for the signals and the discount."""
        check_brief(brief, skills)
        qvec = self._encode(brief)
        with self._lock:
            signals, eligible, case_rank, proj_rank, wanted, members = self._people_signals(
                brief, viewer, skills, prefer_department, prefer_process, qvec)
            fused, ranks = fuse_people(signals, eligible)
            if not fused:
                return []
            parts = signal_parts(signals, eligible)
            window = window or Window(date.today(), date.today() + timedelta(days=90))
            pool = sorted(fused, key=lambda p: (-fused[p], p))[: max(3 * k, 30)]
            loads = peak_loads(self.store, pool, window)  # the time-phased rule (graph/load.py)
            pmeta, cmeta = self._corpora["person"].meta, self._corpora["case"].meta
            projmeta = self._corpora["project"].meta
            hits = []
            for pid in pool:
                m = pmeta[pid]
                mean = m.get("rating")  # [mean, count] of the ratings received, kept in the index
                # ratings count only where the viewer may see them, so every factor of the order is
                # on the card: score = relevance × rating factor × load discount
                rf = rating_factor(mean[0] if mean and viewer.privileged else None)
                peak = loads.get(pid)
                load, capacity = (peak.load, peak.capacity) if peak else (0.0, m.get("capacity", 1.0))
                disc = load_discount(load, capacity)
                score = fused[pid] * rf * disc
                evidence = [Evidence("case", c, cmeta[c]["title"], r, outcome=cmeta[c].get("outcome", ""))
                            for r, c in enumerate(case_rank, 1) if pid in cmeta[c].get("authors", ())][:5]
                evidence += [Evidence("project", p, projmeta[p]["name"], r, role=role,
                                      outcome=projmeta[p].get("outcome", ""))
                             for r, p in enumerate(proj_rank, 1) for who, role in members.get(p, ()) if who == pid][:5]
                hits.append(ExpertHit(
                    person=pid, name=m["name"], department=m["department"], title=m.get("title", ""),
                    score=score, relevance=fused[pid], load=load,
                    capacity=capacity, load_discount=disc, evidence=tuple(evidence),
                    skills=tuple((s, *m["skills"][s]) for s in sorted(wanted) if s in m["skills"]),
                    expert_in=tuple(m.get("expert_in", ())), ranks=ranks.get(pid, {}),
                    ratings=({"mean": round(mean[0], 3), "count": mean[1]} if mean and viewer.privileged else None),
                    rating_factor=rf, signals=parts.get(pid, {})))
            hits.sort(key=lambda h: (-h.score, h.person))
            return hits[:k]

    def person_relevance(self, brief: str, person_ids, viewer: Viewer | None = None, *, skills=()) -> dict[str, float]:
        """Relevance of each person to the brief in [0, 1] (1 = first on every evidence signal;
        0 = no evidence), as in `experts`. Load is NOT applied: the matching engine handles it.
        Without a viewer only public cases count as evidence, so a team never reflects hidden cases."""
        viewer = viewer or Viewer(role="member")
        ids = list(person_ids)
        if not brief.strip() and not skills:
            return {p: 0.0 for p in ids}
        qvec = self._encode(brief)
        with self._lock:
            signals, *_ = self._people_signals(brief, viewer, skills, None, None, qvec)
        fused, _ = fuse_people(signals)
        return {p: round(min(1.0, fused.get(p, 0.0)), 6) for p in ids}


__all__ = ["Retriever"]
