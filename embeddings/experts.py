"""Expert ranking: people ranked by evidence, then discounted for current load.

Signals, each a score per person, max-normalised and averaged (see `fuse_people`):
- cases: reciprocal-rank votes from the top cases for the brief that the person wrote
  (Macdonald & Ounis' voting model) — only cases the viewer may see are retrieved at all;
- projects: the same votes from relevant projects they worked on, weighted by outcome
  (success 1.0, partial/unknown 0.85, failure 0.7: failed work still taught something);
- skills: fit to the requested skills, Σ level/5 × evidence weight (confirmed 1.0,
  inferred 0.8, self-declared 0.6) over the requested skills, divided by how many there are;
- track record: log(1 + number of pieces of evidence the viewer may see: cases written,
  projects worked on) — the candidate prior of generative expert-finding models (Balog et al.
  2006), for people with some evidence in the signals above only (a prior over everyone put
  prolific people with no relevant work among the experts).
- profile: similarity of the brief to the person's profile (title, skills, expert topics,
  project names — never case text), used only when no other signal has any evidence: on
  team2box it halved recall when fused in (BM25 favours the shortest, least active profiles).
Peer ratings multiply the fused score by 1 + 0.05·(mean − 3) (0.9–1.1): a nudge, not a verdict,
and only for viewers who may see ratings (HR, admin); for everyone else the factor is 1, so the
order can be rebuilt from the card: score = relevance × rating factor × load discount.

Load discount (so the same busy expert is not always first): with utilisation u = peak load in
the window / capacity, the score is multiplied by 1 − 0.5·clamp(u − 0.5, 0, 1): nothing below
50 % utilisation, ×0.75 at 100 %, ×0.5 at 150 % or more. A clearly better expert stays on top;
an equally good free one moves ahead of a busy one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from teamgraph.embeddings.fusion import rank_positions, ranked, reciprocal_rank_votes

EVIDENCE_WEIGHT = {"confirmed": 1.0, "inferred-from-project": 0.8, "self-declared": 0.6}
OUTCOME_WEIGHT = {"success": 1.0, "partial": 0.85, "": 0.85, "failure": 0.7}
LOAD_FREE = 0.5  # utilisation below which there is no discount
LOAD_SLOPE = 0.5  # discount per unit of utilisation above LOAD_FREE
LOAD_FLOOR = 0.5  # the discount never goes below this factor
RATING_SLOPE = 0.05


def evidence_signals(case_rank: list[str], case_people: Mapping[str, Iterable[str]], *,
                     project_rank: list[str] = (), project_people: Mapping[str, Iterable[str]] | None = None,
                     project_weight: Mapping[str, float] | None = None, wanted: Iterable[str] = (),
                     skills_of: Mapping[str, Mapping[str, tuple[int, str]]] | None = None,
                     track: Mapping[str, int] | None = None, profile_rank: list[str] = ()
                     ) -> dict[str, dict[str, float]]:
    """Per-signal person scores (see the module docstring); shared by the Retriever and eval."""
    wanted = list(wanted)
    signals = {
        "cases": reciprocal_rank_votes(case_rank, case_people),
        "projects": reciprocal_rank_votes(list(project_rank), project_people or {}, project_weight),
        "skills": {p: skill_fit(wanted, sk) for p, sk in (skills_of or {}).items()} if wanted else {},
    }
    evidenced = {p for sc in signals.values() for p, v in sc.items() if v > 0}
    if evidenced:  # the prior ranks people with relevant evidence, never everyone with a record
        signals["track"] = {p: math.log1p(n) for p, n in (track or {}).items() if n and p in evidenced}
    else:
        signals["profile"] = reciprocal_rank_votes(list(profile_rank), {p: (p,) for p in profile_rank})
    return signals


def skill_fit(requested: Iterable[str], skills: Mapping[str, tuple[int, str]]) -> float:
    """Σ over requested skills of level/5 × evidence weight, divided by how many were requested."""
    requested = list(dict.fromkeys(requested))
    if not requested:
        return 0.0
    total = 0.0
    for s in requested:
        if s in skills:
            level, evidence = skills[s]
            total += (level / 5.0) * EVIDENCE_WEIGHT.get(evidence, 0.6)
    return total / len(requested)


def load_discount(load: float, capacity: float) -> float:
    """Multiplier in [LOAD_FLOOR, 1] for a person's utilisation (see the module docstring)."""
    u = load / capacity if capacity > 0 else 1.0 + LOAD_FREE
    return max(LOAD_FLOOR, 1.0 - LOAD_SLOPE * min(1.0, max(0.0, u - LOAD_FREE)))


def rating_factor(mean: float | None) -> float:
    return 1.0 if mean is None else 1.0 + RATING_SLOPE * (mean - 3.0)


def fuse_people(signals: Mapping[str, Mapping[str, float]], eligible: set[str] | None = None
                ) -> tuple[dict[str, float], dict[str, dict[str, int]]]:
    """CombSUM of max-normalised signal scores, divided by the number of non-empty signals.

    → (relevance in [0, 1] per eligible person, their rank in each signal). Unlike documents,
    people's signal scores are meaningful magnitudes (how much relevant work they did), and
    with a handful of signals over a few hundred people RRF's rank-only scores are nearly flat,
    which would let any load discount swamp relevance. Max-normalising keeps magnitudes and
    puts every signal on [0, 1] (CombSUM, Fox & Shaw 1994; max-normalisation, Lee 1997).
    """
    live = _normalised(signals, eligible)
    fused: dict[str, float] = {}
    for sc in live.values():
        for p, v in sc.items():
            fused[p] = fused.get(p, 0.0) + v
    n = len(live) or 1
    return {p: v / n for p, v in fused.items()}, rank_positions({k: ranked(v) for k, v in live.items()})


def _normalised(signals: Mapping[str, Mapping[str, float]], eligible: set[str] | None
                ) -> dict[str, dict[str, float]]:
    """Each non-empty signal divided by its best score (eligible people with a positive score)."""
    live = {n: {p: v for p, v in sc.items() if v > 0 and (eligible is None or p in eligible)}
            for n, sc in signals.items()}
    out = {}
    for n, sc in live.items():
        if sc:
            top = max(sc.values())
            out[n] = {p: v / top for p, v in sc.items()}
    return out


def signal_parts(signals: Mapping[str, Mapping[str, float]], eligible: set[str] | None = None
                 ) -> dict[str, dict[str, float]]:
    """person → {signal: normalised score, 0 where they have none}: relevance is their mean,
    so the card shows how relevance was made."""
    live = _normalised(signals, eligible)
    people = {p for sc in live.values() for p in sc}
    return {p: {n: sc.get(p, 0.0) for n, sc in live.items()} for p in people}
