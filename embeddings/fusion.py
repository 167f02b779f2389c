"""Rank fusion. One principled default everywhere: reciprocal rank fusion (Cormack, Clarke &
Büttcher, SIGIR 2009) with k = 60, the constant from the paper, never tuned to our data.

Why RRF rather than adding scores: dense cosines (≈0.2–0.8), BM25 scores (0–30+, corpus-
dependent) and graph overlaps live on unrelated scales; RRF only uses ranks, so no signal can
swamp the others by its units, and a document that is second in two lists beats one that is first
in one and absent from the other.

Expert evidence uses a different, equally standard aggregation: the reciprocal-rank "voting"
model of expert search (Macdonald & Ounis, CIKM 2006): each retrieved document votes 1/rank for
each of its people, so both how much relevant work someone did and how relevant it was count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

RRF_K = 60


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
