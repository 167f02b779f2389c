"""Score fusion. One rule everywhere: CombSUM of max-normalised scores (Fox & Shaw 1994; score
normalisation as in Montague & Aslam 2001): each list's scores are divided by that list's best
score, so dense cosines (≈0.2–0.8), BM25 scores (0–30+, corpus-dependent) and graph overlaps all
land on [0, 1], and the normalised scores are added. A document absent from a list gets 0 there.

Why not reciprocal rank fusion (RRF, k = 60, also here): RRF throws away how far ahead the top
result is. On the LLIS known-item task BM25 is often confidently right and MiniLM less so; RRF
(MRR@10 0.892 title / 0.778 event) fell below BM25 alone on the event queries (0.815), while
max-normalised CombSUM beat BM25 on all three tasks (0.911 / 0.817 / nDCG 0.217 vs 0.206), as it
does for experts, where the same normalisation is used (experts.fuse_people). Min-max and z-score
normalisation were within ±0.01 on two tasks and lost on topical relevance. Nothing is weighted:
every list counts once.

Expert evidence uses a different, equally standard aggregation: the reciprocal-rank "voting"
model of expert search (Macdonald & Ounis, CIKM 2006): each retrieved document votes 1/rank for
each of its people, so both how much relevant work someone did and how relevant it was count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

RRF_K = 60


# Share of a cross-script stand-in score taken from dictionary glosses (embeddings.glosses): the
# rest stays the other list's (dense) score. Measured on the mixed dev index (147 English briefs whose
# answer is a Chinese text, product ranker), English → Chinese MRR@10 for 0 / 0.3 / 0.5 / 0.7 / 1.0:
# 0.562 / 0.576 / 0.583 / 0.596 / 0.611; normalising glosses by the same-script BM25 best instead of
# the glossed best lowered every Chinese case (0.532 at 0.3). So BM25's share for such a case is its
# BM25 over its glosses, scaled among the glossed cases.
GLOSS_WEIGHT = 1.0


def combsum_max(lists: Mapping[str, list[tuple[str, float]]],
                stand_in: Mapping[str, tuple[str, set[str]]] | None = None,
                glossed: Mapping[str, Mapping[str, float]] | None = None) -> dict[str, float]:
    """Σ over lists of score / (best score in that list); lists whose best score is ≤ 0 are skipped.

    `stand_in` {list: (other list, keys)}: `list` cannot see `keys` at all (BM25 and a document
    in another script than the brief: no word can match), so for them its normalised score is
    the other list's instead of 0 or a chance match. Without this, a Chinese case could never
    beat an English one that shares two filler words with an English brief.
    `glossed` {list: {key: score}}: for stand-in keys, that list's score of the brief against the
    document's dictionary glosses (BM25 of an English brief over a Chinese case's English glosses,
    on BM25's scale): divided by the best such score (the glossed documents' own list: glosses hold
    fewer of a brief's words than an English text that uses them) and blended in with GLOSS_WEIGHT,
    so shared meaning in words counts, not only the other list's closeness."""
    norm: dict[str, dict[str, float]] = {}
    for name, pairs in lists.items():
        top = max((s for _, s in pairs), default=0.0)
        if top > 0:
            norm[name] = {key: s / top for key, s in pairs}
    for name, (other, keys) in (stand_in or {}).items():
        if keys and other in norm:
            own = {k: v for k, v in norm.get(name, {}).items() if k not in keys}
            via = (glossed or {}).get(name) or {}
            top = max((via.get(k, 0.0) for k in keys), default=0.0)
            if top <= 0:
                norm[name] = own | {k: norm[other][k] for k in keys if k in norm[other]}
                continue
            norm[name] = own | {k: (1 - GLOSS_WEIGHT) * norm[other].get(k, 0.0) + GLOSS_WEIGHT * min(1.0, via.get(k, 0.0) / top)
                                for k in keys if k in norm[other] or k in via}
    out: dict[str, float] = {}
    for scores in norm.values():
        for key, v in scores.items():
            out[key] = out.get(key, 0.0) + v
    return out


def ranked(scores: Mapping[str, float]) -> list[str]:
    """Keys with a positive score, best first (ties by key, so results are deterministic)."""
    return [k for k, s in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])) if s > 0]


def rrf(rankings: Mapping[str, list[str]], k: int = RRF_K) -> dict[str, float]:
    """Σ over lists of 1/(k + rank) (rank from 1) for every key that appears in any list."""
    out: dict[str, float] = {}
    for keys in rankings.values():
        for rank, key in enumerate(keys, start=1):
            out[key] = out.get(key, 0.0) + 1.0 / (k + rank)
    return out


def rank_positions(rankings: Mapping[str, list[str]]) -> dict[str, dict[str, int]]:
    """key → {list name: rank} — the "why" of a fused result."""
    out: dict[str, dict[str, int]] = {}
    for name, keys in rankings.items():
        for rank, key in enumerate(keys, start=1):
            out.setdefault(key, {})[name] = rank
    return out


def reciprocal_rank_votes(doc_ranking: list[str], people_of: Mapping[str, Iterable[str]],
                          weight_of: Mapping[str, float] | None = None) -> dict[str, float]:
    """Voting model: person score = Σ over retrieved docs they are attached to of w(doc)/rank."""
    votes: dict[str, float] = {}
    for rank, doc in enumerate(doc_ranking, start=1):
        w = 1.0 if weight_of is None else weight_of.get(doc, 1.0)
        for person in people_of.get(doc, ()):
            votes[person] = votes.get(person, 0.0) + w / rank
    return votes
