"""Several dense models as one encoder: weighted, concatenated vectors.

With each part's L2-normalised vector scaled by √wᵢ (Σ wᵢ = 1) and the parts concatenated, the
inner product of a brief and a passage is Σ wᵢ · cosᵢ: a score-level fusion of the models that
needs one FAISS index, one cache entry per text and no second search. The product's default,
`multilingual`, is USE-multilingual v3 (embeddings.use, any language) and all-MiniLM-L6-v2
(English only) with equal weights: MiniLM is the stronger English model, USE finds a Chinese
lesson from an English brief and the other way round (README "Retrieval and kickoff").

An English-only part must not vote where it cannot read: the score is the multilingual cosine
alone, on the same scale, whenever the brief or the passage is not mostly Latin script. For a
brief that is not (`encode_queries`), its English-only slot is zeroed and the other parts are
scaled up to weight 1. For passages that are not (Chinese cases), one inner product cannot do
it, so the index keeps a list of them (Corpus) and scores them with a second search using the
brief's vector as if it were not readable (`encode_queries_foreign`): without it an English
brief's MiniLM bonus on every English passage (MiniLM ≈ 0 on Chinese) buried the right Chinese case.
"""

from __future__ import annotations

import re

import numpy as np

from teamgraph.embeddings.query_parts import query_vectors

MULTILINGUAL = "multilingual"
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LETTER = re.compile(r"[^\W\d_]")


def mostly_latin(text: str) -> bool:
    """At least half of the letters of `text` are Latin (an English-only model can read it)."""
    letters = len(_LETTER.findall(text))
    return letters == 0 or len(_LATIN.findall(text)) * 2 >= letters


class EnsembleEncoder:
    """parts: (encoder, weight, english_only); weights are normalised to sum 1."""

    def __init__(self, name: str, parts: list[tuple[object, float, bool]]):
        total = sum(w for _, w, _ in parts)
        if not parts or total <= 0:
            raise ValueError("an ensemble needs parts with positive weights")
        self.name = name
        self.parts = [(enc, w / total, english) for enc, w, english in parts]

    @property
    def dim(self) -> int:
        return sum(enc.dim for enc, _, _ in self.parts)

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        blocks = [np.sqrt(w) * enc.encode(texts, batch_size=batch_size, progress=progress)
                  for enc, w, _ in self.parts]
        return np.ascontiguousarray(np.hstack(blocks), dtype=np.float32)

    @property
    def has_english_only(self) -> bool:
        return any(english for _, _, english in self.parts)

    def encode_queries(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        return self._queries(list(texts), None)

    def encode_queries_foreign(self, texts: list[str]) -> np.ndarray:
        """Brief vectors for scoring passages an English-only part cannot read: as if the brief
        were not readable either (its score against such a passage is the multilingual cosine)."""
        return self._queries(list(texts), False)

    def _queries(self, texts: list[str], force: bool | None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        readable = np.array([mostly_latin(t) if force is None else force for t in texts])
        blocks = []
        for enc, w, english in self.parts:
            v = query_vectors(enc, texts) * np.sqrt(w)
            if english:
                v[~readable] = 0.0
            blocks.append(v)
        out = np.hstack(blocks)
        # briefs an English-only part cannot read: the other parts carry weight 1 (same score scale)
        rest = sum(w for _, w, english in self.parts if not english)
        if rest > 0 and not readable.all():
            out[~readable] /= rest
        return np.ascontiguousarray(out, dtype=np.float32)


def multilingual(minilm, models_dir=None) -> EnsembleEncoder:
    """The `multilingual` model: USE-multilingual v3 and `minilm` (an all-MiniLM-L6-v2 encoder on
    any backend), equal weights, MiniLM for English briefs only. With `models_dir`, USE loads from
    its fast copy there (embeddings.use_cache)."""
    from teamgraph.embeddings.use import UseEncoder
    return EnsembleEncoder(MULTILINGUAL, [(UseEncoder(models_dir=models_dir), 1.0, False), (minilm, 1.0, True)])
