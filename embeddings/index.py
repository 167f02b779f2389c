"""Dense vector indexes (FAISS) with stable string keys, incremental updates and persistence.

Layout: exact inner-product search (IndexFlatIP) up to `APPROX_THRESHOLD` vectors — at 50k a flat
query costs ~6 ms and is exact — and HNSW above it (M=32: ~1.3 ms at 1M vectors with efSearch
128). efSearch is not a constant: a build measures recall@10 against exact search on a sample of
its own vectors and picks the smallest efSearch in 64…512 reaching RECALL_TARGET. Both are
wrapped in an IndexIDMap2 so FAISS ids are ours: each key gets a fresh int64 id, so an update
is "add new id, drop old id" and nothing is re-encoded. HNSW cannot delete, so its dropped ids
are simply absent from the key map and from every search's allow-list; when dropped ids exceed
a quarter of the index, it is compacted from its own stored vectors (no re-encoding). The
measured recall is recorded in `stats`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

APPROX_THRESHOLD = 50_000
HNSW_M = 32
HNSW_EF_SEARCH = 128  # until a build has measured a better one
EF_CHOICES = (64, 128, 256, 512)
RECALL_TARGET = 0.97
HNSW_EF_CONSTRUCTION = 40
# Below this share of allowed vectors, HNSW's filtered graph walk can strand itself; scanning
# the allowed vectors exactly is then both correct and cheap.
EXACT_FALLBACK_SHARE = 0.05


def _with(path: Path, suffix: str) -> Path:
    return path.parent / (path.name + suffix)


def _faiss():
    import faiss
    return faiss


class VectorIndex:
    """Keyed dense vectors: add/remove by key, filtered top-k search, save/load."""

    def __init__(self, dim: int, approx_threshold: int = APPROX_THRESHOLD):
        self.dim = dim
        self.approx_threshold = approx_threshold
        self.key_to_id: dict[str, int] = {}
        self.id_to_key: dict[int, str] = {}
        self.next_id = 0
        self.dead = 0  # ids still inside an HNSW graph whose key was removed or replaced
        self.stats: dict = {}
        self.ef_search = HNSW_EF_SEARCH
        self._index = self._new_index(0)

    # --- construction ------------------------------------------------------------------------
    def _new_index(self, n: int):
        faiss = _faiss()
        if n > self.approx_threshold:
            inner = faiss.IndexHNSWFlat(self.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            inner = faiss.IndexFlatIP(self.dim)
        return faiss.IndexIDMap2(inner)

    @property
    def kind(self) -> str:
        return "hnsw" if "HNSW" in type(_faiss().downcast_index(self._index.index)).__name__ else "flat"

    def __len__(self) -> int:
        return len(self.key_to_id)

    def __contains__(self, key: str) -> bool:
        return key in self.key_to_id

    def build(self, keys: list[str], vectors: np.ndarray, measure_recall: bool = True) -> None:
        """Replace everything with `keys` → `vectors` (rows L2-normalised float32)."""
        self.key_to_id, self.id_to_key, self.next_id, self.dead = {}, {}, 0, 0
        self._index = self._new_index(len(keys))
        self.add(keys, vectors)
        self.stats = {"kind": self.kind, "size": len(keys)}
        if self.kind == "hnsw" and measure_recall:
            self.tune(vectors)

    def tune(self, vectors: np.ndarray, target: float = RECALL_TARGET) -> None:
        """Smallest efSearch whose measured recall@10 reaches `target` (else the largest tried)."""
        truth = None
        for ef in EF_CHOICES:
            self.ef_search = ef
            recall, truth = self.measure_recall(vectors, truth=truth)
            if recall >= target:
                break
        self.stats.update({"recall@10": recall, "ef_search": self.ef_search})

    def add(self, keys: list[str], vectors: np.ndarray) -> None:
        """Insert or replace `keys`; a replaced key's old vector stops being searchable at once."""
        if not len(keys):
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape != (len(keys), self.dim):
            raise ValueError(f"expected {len(keys)}×{self.dim} vectors, got {vectors.shape}")
        self.remove([k for k in keys if k in self.key_to_id])
        ids = np.arange(self.next_id, self.next_id + len(keys), dtype=np.int64)
        self.next_id += len(keys)
        self._index.add_with_ids(vectors, ids)
        for k, i in zip(keys, ids.tolist()):
            self.key_to_id[k] = i
            self.id_to_key[i] = k
        # Crossing the size threshold switches layout on the next compaction.
        if self.kind == "flat" and len(self) > self.approx_threshold:
            self.compact()

    def remove(self, keys: list[str], purge: bool = False) -> None:
        """Drop `keys`. `purge=True` (a forgotten person): their vectors leave the stored index
        now, so an HNSW layout is compacted at once instead of keeping them as dead ids."""
        ids = [self.key_to_id.pop(k) for k in keys if k in self.key_to_id]
        for i in ids:
            del self.id_to_key[i]
        if not ids:
            return
        if self.kind == "flat":
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))
        else:
            self.dead += len(ids)
            if purge or self.dead > 0.25 * max(1, self._index.ntotal):
                self.compact()

    def vectors(self, keys: list[str]) -> np.ndarray:
        """The stored vectors of `keys` (known keys only)."""
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._index.reconstruct(self.key_to_id[k]) for k in keys]).astype(np.float32)

    def compact(self) -> None:
        """Rebuild from the stored vectors of live keys (no re-encoding), choosing the layout anew."""
        keys = list(self.key_to_id)
        vecs = self.vectors(keys)
        self.build(keys, vecs, measure_recall=True)

    # --- search ------------------------------------------------------------------------------
    def search(self, queries: np.ndarray, k: int, allowed: set[str] | None = None) -> list[list[tuple[str, float]]]:
        """Top-k (key, cosine) per query row, restricted to `allowed` keys inside FAISS."""
        faiss = _faiss()
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if allowed is None:
            allowed_ids = None
            n_allowed = len(self)
        else:
            allowed_ids = np.fromiter((self.key_to_id[k] for k in allowed if k in self.key_to_id),
                                      dtype=np.int64)
            n_allowed = len(allowed_ids)
        k = min(k, n_allowed)
        if k <= 0:
            return [[] for _ in range(len(queries))]
        if self.kind == "hnsw" and (allowed_ids is None and self.dead == 0):
            allowed_ids = None
        elif self.kind == "hnsw" and allowed_ids is None:
            allowed_ids = np.fromiter(self.id_to_key, dtype=np.int64)
        few = allowed_ids is not None and len(allowed_ids) < EXACT_FALLBACK_SHARE * self._index.ntotal
        if self.kind == "hnsw" and few:
            return self._exact_subset(queries, k, allowed_ids)
        params = None
        if allowed_ids is not None:
            sel = faiss.IDSelectorBatch(allowed_ids)
            params = (faiss.SearchParametersHNSW(sel=sel, efSearch=max(self.ef_search, k))
                      if self.kind == "hnsw" else faiss.SearchParameters(sel=sel))
        elif self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(self.ef_search, k))
        dists, found = self._index.search(queries, k, params=params)
        out = [[(self.id_to_key[i], float(d)) for d, i in zip(drow, irow) if i in self.id_to_key]
               for drow, irow in zip(dists, found)]
        if self.kind == "hnsw" and allowed_ids is not None:
            # a filtered graph walk can strand itself short of k: redo those queries exactly
            short = [r for r, row in enumerate(out) if len(row) < k]
            if short:
                redo = self._exact_subset(queries[short], k, allowed_ids)
                for r, row in zip(short, redo):
                    out[r] = row
        return out

    def _exact_subset(self, queries: np.ndarray, k: int, ids: np.ndarray) -> list[list[tuple[str, float]]]:
        vecs = np.vstack([self._index.reconstruct(int(i)) for i in ids])
        sims = queries @ vecs.T
        out = []
        for row in sims:
            top = np.argsort(-row, kind="stable")[:k]
            out.append([(self.id_to_key[int(ids[j])], float(row[j])) for j in top])
        return out

    def measure_recall(self, vectors: np.ndarray, n_queries: int = 200, k: int = 10, seed: int = 0,
                       truth=None) -> tuple[float, tuple]:
        """recall@k against exact search, with stored vectors (jittered) as queries; vectors must be
        in build order. Returns (recall, truth) so several settings can share one exact search."""
        if truth is None:
            rng = np.random.default_rng(seed)
            n = len(vectors)
            q = vectors[rng.choice(n, size=min(n_queries, n), replace=False)]
            q = q + rng.normal(scale=0.05, size=q.shape).astype(np.float32)  # not the stored point itself
            q /= np.linalg.norm(q, axis=1, keepdims=True)
            exact = _faiss().IndexFlatIP(self.dim)
            exact.add(np.ascontiguousarray(vectors, dtype=np.float32))
            _, rows = exact.search(q, k)
            keys = list(self.key_to_id)  # build order == row order
            truth = (q, [{keys[j] for j in row} for row in rows])
        q, want = truth
        got = self.search(q, k)
        hits = sum(len(w & {key for key, _ in g}) for w, g in zip(want, got))
        return round(hits / (k * len(q)), 4), truth

    # --- persistence -------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write `<path>.faiss` and `<path>.json` (key map, counters, stats), each atomically."""
        faiss = _faiss()
        tmp = _with(path, ".faiss.tmp")
        faiss.write_index(self._index, str(tmp))
        tmp.replace(_with(path, ".faiss"))
        meta = {"dim": self.dim, "approx_threshold": self.approx_threshold, "next_id": self.next_id,
                "dead": self.dead, "stats": self.stats, "ef_search": self.ef_search, "keys": self.key_to_id}
        tmpj = _with(path, ".json.tmp")
        tmpj.write_text(json.dumps(meta), encoding="utf-8")
        tmpj.replace(_with(path, ".json"))

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        meta = json.loads(_with(path, ".json").read_text(encoding="utf-8"))
        self = cls(meta["dim"], meta["approx_threshold"])
        self._index = _faiss().read_index(str(_with(path, ".faiss")))
        self.next_id, self.dead, self.stats = meta["next_id"], meta["dead"], meta["stats"]
        self.ef_search = meta.get("ef_search", HNSW_EF_SEARCH)
        self.key_to_id = {k: int(v) for k, v in meta["keys"].items()}
        self.id_to_key = {v: k for k, v in self.key_to_id.items()}
        return self
