"""The engine's retrieval part: the indexes' lifecycle and the searches over them.

One Retriever per engine, built lazily: the encoder loads on the first text that needs encoding
(~5 s, then warm). A stale index (the store moved on, e.g. a write by another process) catches
up incrementally before a search (`on_stale="sync"`), so a kickoff never fails for staleness.
A missing index is built by the server and the demo (`build_index=True`); the CLI says
`teamgraph index build` instead.
"""

from __future__ import annotations

from teamgraph.errors import IndexMissing
from teamgraph.graph.model import SYSTEM, Viewer
from teamgraph.reads import GraphReads

BUILD_HINT = "run `teamgraph index build`"


class Retrieval(GraphReads):

    def _new_retriever(self):
        from teamgraph.embeddings.encoder import encoder_for
        from teamgraph.embeddings.retriever import Retriever
        encoder = self._encoder or encoder_for(self.settings, progress=self._progress)
        return Retriever(self.store, self.settings.index_dir, encoder, on_stale="sync")

    def _index_exists(self) -> bool:
        from teamgraph.embeddings.retriever import MANIFEST
        return (self.settings.index_dir / MANIFEST).exists()

    @property
    def retriever(self):
        """The retriever over the store: built when missing (if the engine may), brought up to the
        store's revision when stale (re-encoding only changed texts)."""
        if self._retriever is None:
            with self._lock:
                if self._retriever is None:
                    r = self._new_retriever()
                    status = r.status()
                    if not status.get("built"):
                        if not self._build_index:
                            raise IndexMissing(status.get("error") or f"no retrieval index: {BUILD_HINT}")
                        r.build(progress=self._progress)
                    elif status.get("stale"):
                        r.sync(progress=self._progress)
                    self._retriever = r
        return self._retriever

    def warm(self) -> None:
        """Load the indexes and the model before the first request (the server and the demo)."""
        self.retriever.similar_cases("warm up the model", SYSTEM, k=1)

    def index_status(self, viewer: Viewer = SYSTEM) -> dict:
        """Index sizes, model, layout and freshness; case counts are the viewer's visible cases."""
        if self._retriever is None and not self._index_exists():
            return {"built": False, "loaded": False, "store_revision": self.store.revision(),
                    "message": f"no retrieval index yet: {BUILD_HINT}"}
        loaded = self._retriever is not None
        r = self._retriever or self._new_retriever()
        status = {"loaded": loaded, **r.status(viewer)}
        if not viewer.privileged:
            status.pop("index_dir", None)  # server paths are for administrators
        return status

    def _own_retriever(self):
        """The engine's retriever, made (not built nor synced) when there is none yet."""
        with self._lock:
            if self._retriever is None:
                self._retriever = self._new_retriever()
            return self._retriever

    def _forget_in_index(self, person_id: str) -> dict:
        """Drop a forgotten person from the index files at once (no model needed: it runs even
        when the update after the write cannot): their profile document and its vectors, their
        authorship in case metadata. Returns {"removed": {kind: n}, "files_rewritten": [paths
        relative to the data dir, the store's own files first]}."""
        from teamgraph.embeddings.documents import forget_in_folder
        with self._lock:
            if self._retriever is not None:
                done = self._retriever.forget(person_id)
            elif self._index_exists():
                done = forget_in_folder(self.settings.index_dir, person_id)
            else:
                done = {"removed": {}, "files_rewritten": []}
        index = self.settings.index_dir
        files = [str((index / f).relative_to(self.settings.data_dir)) if index.is_relative_to(self.settings.data_dir)
                 else str(index / f) for f in done["files_rewritten"]]
        path = getattr(self.store, "path", None)  # the embedded store: vacuumed, WAL emptied
        if path is not None:
            files = [path.name, path.name + "-wal"] + files
        from teamgraph.embeddings.cache import clear_cache, drop_memory  # vectors made from their texts
        if self._retriever is not None:
            drop_memory(self._retriever.encoder)
        files += [str(p.relative_to(self.settings.data_dir)) for p in clear_cache(self.settings.data_dir)]
        return {"removed": done["removed"], "files_rewritten": files}

    def index_build(self) -> dict:
        """Index every case, project and person profile from scratch (encodes everything)."""
        with self._lock:
            return self._own_retriever().build(progress=self._progress)

    def index_update(self) -> dict:
        """Bring the indexes up to the store's revision, re-encoding only changed documents."""
        with self._lock:
            return self._own_retriever().sync(progress=self._progress)

    def similar_cases(self, brief: str, viewer: Viewer, *, k: int = 5, **filters) -> list:
        return self.retriever.similar_cases(brief, viewer, k=k, **filters)

    def experts(self, brief: str, viewer: Viewer, *, k: int = 5, **kw) -> list:
        return self.retriever.experts(brief, viewer, k=k, **kw)
