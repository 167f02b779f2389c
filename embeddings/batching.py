"""Encoding in batches with a progress bar, for backends that take a list at a time."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

import numpy as np


def encode_batches(fn: Callable[[list[str]], np.ndarray], texts: list[str], dim: int, *, batch_size: int,
                   progress: bool, desc: str, lock: threading.Lock) -> np.ndarray:
    """`fn` over `texts` in batches (under `lock`: one call at a time per model), empty texts as a
    space, progress on stderr for more than one batch; rows L2-normalised, float32."""
    texts = [t if t.strip() else " " for t in texts]
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    out = np.empty((len(texts), dim), dtype=np.float32)
    step = max(1, batch_size)
    bar = None
    if progress and len(texts) > step:
        from tqdm import tqdm
        bar = tqdm(total=len(texts), desc=desc, unit="text", file=sys.stderr)
    for a in range(0, len(texts), step):
        chunk = texts[a:a + step]
        with lock:
            vecs = fn(chunk)
        out[a:a + len(chunk)] = np.asarray(vecs, dtype=np.float32).reshape(len(chunk), dim)
        if bar is not None:
            bar.update(len(chunk))
    if bar is not None:
        bar.close()
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


class LazyModel:
    """A model object made on first use by `_load()` (under the lock encode_batches also takes)."""

    def __init__(self, name: str, threads: int | None):
        self.name = name
        self.threads = threads
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        raise NotImplementedError

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model
