"""The second ranking stage for cases: a learned linear fusion of a candidate's scores.

The first stage (Corpus.hybrid) gathers candidates — the dense and BM25 top lists — and until now
fused them by CombSUM (embeddings.fusion), every list counting once. Here each candidate gets a
feature row instead, and a linear listwise model (softmax over one brief's candidates, trained
so that the known right case comes first; ListNet-style, Cao et al. 2007) weighs them:

- `dense`, `bm25`: the fused lists' scores, each divided by its list's best (as CombSUM uses them);
- `use`, `minilm`, `use_mean`, `minilm_mean`: each part model's own cosine, best and mean passage
  (the `multilingual` vector is two models side by side: the equal-weight ensemble gives USE half
  the vote, while on English MiniLM is the better judge);
- `dense_rr`, `bm25_rr`: 1 / rank in each list; `bm25_log`: log(1 + BM25);
- `share`: the share of the brief's meaningful term weight (idf) the case holds; `bigrams`: the
  share of the brief's adjacent term pairs found adjacent in the case; `coverage`: the share of its
  distinct meaningful terms the case holds;
- each of `dense`, `bm25`, `use`, `minilm`, `share` also times log(1 + the brief's terms), so a
  long brief (an event told in two sentences) can lean on words more than a short title.

Cross-script candidates (a Chinese case for an English brief, or the other way round) cannot share
a word, and the English-only part cannot read them: their MiniLM features are USE's, and every
word feature is *imputed* — the value that feature takes, among this brief's same-script candidates,
at the same dense score (linear interpolation). So a Chinese case as close in meaning as an English
one gets the word agreement typical of that closeness, not zero (the same idea as CombSUM's
stand-in rule, embeddings.fusion.combsum_max). With no same-script candidate at all (a Chinese
brief over English lessons) word features are constant and drop out of the softmax.

The weights live beside this file (`ranker-<model>.json`: feature names, standardisation, weights,
the training command and its cross-validated numbers), written by `python bench/ltr_fusion.py
--write` from the dev data. A model without a weights file (MiniLM alone, the hashing stand-in)
keeps CombSUM. The text score handed on is exp(s − s_best) ∈ (0, 1]: the model's probability of a
candidate relative to the best one; graph signals are then added as before (Corpus.hybrid).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from teamgraph.embeddings.lexical import meaningful

WEIGHTS_DIR = Path(__file__).resolve().parent
FEATURES = ("dense", "bm25", "use", "minilm", "use_mean", "minilm_mean", "dense_rr", "bm25_rr", "bm25_log",
            "share", "bigrams", "coverage")
LENGTH_TERMS = ("dense", "bm25", "use", "minilm", "share")  # also × log(1 + brief terms)
WORD_FEATURES = ("bm25", "bm25_rr", "bm25_log", "share", "bigrams", "coverage")  # imputed across scripts
NO_RANK = 1000  # rank given to a candidate absent from a list


def column_names() -> list[str]:
    return list(FEATURES) + [f"{n}*len" for n in LENGTH_TERMS]


@dataclass(frozen=True)
class Candidates:
    """One brief's candidates and what the features are computed from."""

    keys: list[str]
    dense: dict[str, float]  # key → dense score (best passage), for those in the dense list
    bm25: dict[str, float]  # key → BM25 score, for those with one
    dense_rank: dict[str, int]
    bm25_rank: dict[str, int]
    cross: set[str]  # keys in another script than the brief
    gloss: dict[str, float] = field(default_factory=dict)  # key → BM25 over its glosses (Corpus.gloss)


def feature_matrix(corpus, qvec: np.ndarray, qterms: list[str], cand: Candidates,
                   parts: list[tuple[int, int, bool]]) -> np.ndarray:
    """Rows of column_names() for `cand.keys`. `parts`: the encoder's (start, stop, english_only)
    slices of a vector (the ensemble's models); the first part that is not English-only is the
    multilingual one, whose cosine stands in for an English-only part that cannot read."""
    top_d = max(cand.dense.values(), default=0.0) or 1.0
    top_b = max(cand.bm25.values(), default=0.0) or 1.0
    lex = corpus.lexical_index()
    uq = [t for t in dict.fromkeys(qterms) if meaningful(t)]
    idf = {t: lex.idf(t) for t in uq}
    total_idf = sum(idf.values())
    pairs_q = list(zip(qterms, qterms[1:]))
    qlen = math.log1p(len(qterms))
    multi = next(i for i, (_, _, english) in enumerate(parts) if not english)
    qparts = [qvec[a:b] for a, b, _ in parts]
    qnorm = [float(np.linalg.norm(q)) for q in qparts]
    rows = []
    for key in cand.keys:
        pkeys = corpus._passage_keys(key)
        v = corpus.vectors.vectors(pkeys)
        foreign = np.array([p in corpus.foreign for p in pkeys])
        cos = []
        for (a, b, _), q, qn in zip(parts, qparts, qnorm):
            vn = np.linalg.norm(v[:, a:b], axis=1)
            cos.append((v[:, a:b] @ q) / np.maximum(vn * qn, 1e-9) if qn > 0 else None)
        use = cos[multi]
        mini = next((c for i, c in enumerate(cos) if i != multi), use)
        if mini is None:  # the brief is not readable by the English-only part
            mini = use
        mini = np.where(foreign, use, mini)  # nor are passages not in Latin script
        d = cand.dense.get(key, float(np.max(v @ qvec)) if len(v) else 0.0)
        terms = corpus.terms.get(key, ())
        tset = set(terms)
        share = sum(w for t, w in idf.items() if t in tset) / total_idf if total_idf > 0 else 0.0
        adjacent = set(zip(terms, terms[1:]))
        bigrams = sum(1 for p in pairs_q if p in adjacent) / len(pairs_q) if pairs_q else 0.0
        coverage = sum(1 for t in uq if t in tset) / len(uq) if uq else 0.0
        bm = cand.bm25.get(key, 0.0)
        rows.append([d / top_d, bm / top_b, float(use.max()), float(mini.max()), float(use.mean()),
                     float(mini.mean()), 1 / cand.dense_rank.get(key, NO_RANK),
                     1 / cand.bm25_rank.get(key, NO_RANK), math.log1p(bm), share, bigrams, coverage])
    x = np.array(rows, dtype=np.float64).reshape(len(cand.keys), len(FEATURES))
    _impute_words(x, [k in cand.cross for k in cand.keys])
    inter = np.column_stack([x[:, FEATURES.index(n)] * qlen for n in LENGTH_TERMS]) if len(x) else \
        np.zeros((0, len(LENGTH_TERMS)))
    return np.hstack([x, inter])


def _impute_words(x: np.ndarray, cross: list[bool]) -> None:
    """Word features of cross-script rows := those of same-script rows at the same dense score."""
    cross = np.array(cross, dtype=bool)
    if not cross.any():
        return
    same = ~cross
    cols = [FEATURES.index(n) for n in WORD_FEATURES]
    if not same.any():
        x[:, cols] = 0.0
        return
    d = x[:, FEATURES.index("dense")]
    order = np.argsort(d[same], kind="stable")
    ds = d[same][order]
    for c in cols:
        x[cross, c] = np.interp(d[cross], ds, x[same, c][order])


def text_scores(s: np.ndarray, cand: Candidates) -> dict[str, float]:
    """Each candidate's text score in (0, 1] from the model's scores `s` (aligned with
    `cand.keys`): exp(s − s_best), the probability relative to the best candidate.

    Cross-script candidates are placed by CombSUM instead (the dense list standing in for BM25,
    embeddings.fusion), mapped onto the learned scale by quantile: one that CombSUM ranks between
    the same-script candidates it ranks i-th and (i+1)-th gets a learned score between theirs. The
    model never saw a brief whose answer is in another script (the dev data has none to train on):
    fed imputed features it ranked English → Chinese answers far below CombSUM (MRR@10 0.33 vs
    0.57, bench/ltr_fusion.py). CombSUM's BM25 share for them is their BM25 over their English
    glosses where the index has any (embeddings.glosses, `cand.gloss`). A brief with no same-script
    candidate is ranked by the model alone."""
    from teamgraph.embeddings.fusion import combsum_max
    keys = cand.keys
    if not keys:
        return {}
    same = np.array([k not in cand.cross for k in keys])
    if same.all() or not same.any():
        return dict(zip(keys, np.exp(s - s.max()).tolist()))
    t = np.exp(s - s[same].max())
    comb = combsum_max({"dense": list(cand.dense.items()), "bm25": list(cand.bm25.items())},
                       {"bm25": ("dense", cand.cross)}, {"bm25": cand.gloss} if cand.gloss else None)
    c = np.array([comb.get(k, 0.0) for k in keys])
    cs, ts = np.sort(c[same]), np.sort(t[same])  # ascending: the i-th CombSUM place ↔ the i-th learned score
    placed = np.interp(c[~same], cs, ts)
    above = c[~same] > cs[-1]  # above every same-script candidate: as far above the best as CombSUM says
    placed[above] = ts[-1] * (1.0 + (c[~same][above] - cs[-1]) / max(cs[-1], 1e-9))
    t[~same] = placed
    t = t / t.max()
    return dict(zip(keys, t.tolist()))


@dataclass(frozen=True)
class LearnedRanker:
    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    parts: list[tuple[int, int, bool]]
    dim: int

    def scores(self, x: np.ndarray) -> np.ndarray:
        """The model's score per row (higher = more likely the case the brief is about)."""
        return ((x - self.mean) / self.scale) @ self.weights

    def to_dict(self, **extra) -> dict:
        return {"features": list(self.names), "mean": [round(float(v), 6) for v in self.mean],
                "scale": [round(float(v), 6) for v in self.scale],
                "weights": [round(float(v), 6) for v in self.weights],
                "parts": [list(p) for p in self.parts], "dim": self.dim, **extra}


def vector_parts(encoder) -> list[tuple[int, int, bool]]:
    """(start, stop, english_only) of each model's slice of `encoder`'s vectors: the parts of an
    ensemble (embeddings.ensemble), or the whole vector as one multilingual-or-not part."""
    inner = getattr(encoder, "encoder", encoder)  # the evaluation's memo wraps the engine's encoder
    out, start = [], 0
    for enc, _, english in getattr(inner, "parts", ()):
        out.append((start, start + enc.dim, bool(english)))
        start += enc.dim
    return out or [(0, encoder.dim, False)]


def weights_path(model: str, folder: Path | None = None) -> Path:
    return (folder or WEIGHTS_DIR) / f"ranker-{model.strip().lower()}.json"


@lru_cache(maxsize=8)
def learned_ranker(model: str, dim: int) -> LearnedRanker | None:
    """The shipped ranker for `model` (None: no weights file, or one for other features or
    another vector layout — then CombSUM ranks)."""
    path = weights_path(model)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("features") != column_names() or data.get("dim") != dim:
        return None
    return LearnedRanker(tuple(data["features"]), np.array(data["mean"]), np.array(data["scale"]),
                         np.array(data["weights"]), [tuple(p) for p in data["parts"]], dim)
