"""How well a retrieved case fits a brief: a calibrated match probability, and the threshold
below which the kickoff says that no past case fits well.

Raw fused scores cannot say this: they are max-normalised per query, so the best hit of a
nonsense brief scores as high as the best hit of a perfect one. Instead each hit gets three
features that do not depend on the ranking's normalisation:
- `dense`: the hit's dense cosine (best passage) — how close in meaning;
- `gap`: that cosine minus the query's background level, the cosine of its FLOOR_RANK-th
  document (query performance prediction from the score distribution: an off-topic brief is
  about as close to its best document as to its 50th; a real one stands out);
- `lexical`: the share of the brief's term weight (BM25 idf of its meaningful terms, see
  lexical.meaningful) that the hit contains; a brief whose words the corpus never saw ("qwzxv")
  gets 0 here.
A logistic model per dense model maps them to P(fits) (Platt scaling). With the multilingual
model the fit weighs `dense` up and `gap` down: the query's background level itself says
something (a brief about the organisation's work is fairly close to many of its cases; an
off-topic one is far from all of them), so it is the best cosine *and* a high floor that count.
Its coefficients are fitted by
`bench/calibrate_confidence.py` on one set of briefs and measured on others (README, "Honest
confidence"): fitted on LLIS title queries (real) against Stack Exchange android questions and
generated nonsense (off-topic); measured on paraphrase, Chinese and driving-event queries against
Stack Exchange history questions, hand-written off-topic briefs and other nonsense.
A model without coefficients here (the hashing stand-in, a model named by path) uses the
lexical-only row: honest about words, blind to meaning.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

FLOOR_RANK = 50  # the document whose cosine is the query's background level
THRESHOLD = 0.5  # below: "no past case fits well"
MAX_WEAK = 3  # weak matches shown when nothing fits well
EVIDENCE_MATCH = 0.25  # cases and projects at least this likely to fit count as expert evidence

# model name → (bias, w_dense, w_gap, w_lexical), fitted by bench/calibrate_confidence.py on the
# LLIS lessons (results in bench/results/confidence.json and the README)
CALIBRATION: dict[str, tuple[float, float, float, float]] = {
    "multilingual": (-13.093, 41.137, -22.308, 6.809),
    "all-MiniLM-L6-v2": (-3.326, 8.399, 1.267, 1.379),
}
LEXICAL_ONLY = (-2.0, 0.0, 0.0, 6.0)  # P = 0.5 at a 1/3 share of the brief's term weight


@dataclass(frozen=True)
class MatchFeatures:
    dense: float  # cosine of the best passage (0 when the hit came from BM25 alone)
    gap: float  # dense − the query's background cosine
    lexical: float  # share of the brief's meaningful term weight the document holds, in [0, 1]

    def to_dict(self) -> dict:
        return {"dense": round(self.dense, 4), "gap": round(self.gap, 4), "lexical": round(self.lexical, 4)}


def coefficients(model: str) -> tuple[float, float, float, float]:
    for name, row in CALIBRATION.items():
        if name.lower() == model.strip().lower():
            return row
    return LEXICAL_ONLY


def match_probability(f: MatchFeatures, model: str) -> float:
    b, wd, wg, wl = coefficients(model)
    z = b + wd * f.dense + wg * f.gap + wl * f.lexical
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def fits(p: float | None) -> bool:
    return p is not None and p >= THRESHOLD


def nonsense_briefs(n: int, seed: int) -> list[str]:
    """Briefs that mean nothing: keyboard runs, random Latin letters, random CJK characters and
    mixtures, 1–4 "words" each (for calibrating and measuring the flag, never for tests of
    meaning)."""
    rng = random.Random(seed)
    latin = "abcdefghijklmnopqrstuvwxyz"
    rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
    out = []
    for i in range(n):
        kind = i % 4
        words = []
        for _ in range(rng.randint(1, 4)):
            if kind == 0:
                words.append("".join(rng.choice(latin) for _ in range(rng.randint(3, 9))))
            elif kind == 1:
                row = rng.choice(rows)
                a = rng.randrange(len(row) - 3)
                words.append(row[a:a + rng.randint(3, len(row) - a)])
            elif kind == 2:
                words.append("".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(2, 5))))
            else:
                words.append("".join(rng.choice(latin + "0123456789") for _ in range(rng.randint(2, 7))))
        out.append(" ".join(words) if kind != 2 else "".join(words))
    return out
