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
A logistic model per dense model maps them to P(fits) (Platt scaling), with every feature weight
≥ 0 (a closer hit never fits less): left free, the fit on LLIS weighed the gap *down*, because a
brief about NASA work sits close to many NASA lessons — true of that one homogeneous corpus, not of
an organisation whose cases span many kinds of work, where it turned a plain retelling of a case
into a 2 % match. Fitted that way, the gap's weight comes out 0: the best cosine and the share of
the brief's term weight carry the decision.
A hit in another script than the brief (an English brief and a Chinese case, or the other way
round) has its own row (CROSS_CALIBRATION): no word can be shared, its cosine is the multilingual
model's alone (embeddings.ensemble), its background is the brief's multilingual-only cosines, and its
`lexical` is the share of the brief's term weight found in the hit's English dictionary glosses
(embeddings.glosses; 0 for a Chinese brief, whose words are not glossed).
Both rows are fitted by `bench/calibrate_confidence.py` on one set of briefs and measured on
others (README, "Honest confidence"): real — LLIS title queries, hand-written paraphrases, Chinese
briefs → English lessons and English titles/paraphrases → the Chinese briefs as documents (their
lessons left out); off-topic — Stack Exchange android questions and generated nonsense; measured on
the other halves, driving-event queries, Stack Exchange history questions, hand-written off-topic
briefs and other nonsense.
Both rows also weigh `words`, the share of the brief's letters that belong to words of its language
(lexical.known_word_share: English dictionary stems, jieba's dictionary words): random letters,
keyboard runs and random characters reach cosines of ≈ 0.27 with everything, as high as a short
English title's with its Chinese counterpart, but know no words — so the cosine that counts as
a match can be lower for a brief made of words.
A hit with passages in both scripts (a Chinese case filed on an English-named project) is judged
both ways — its other-script passages on the cross row, its same-script ones on the same row —
and the better judgement counts (MatchFeatures.also).
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

# model name → (bias, w_dense, w_gap, w_lexical, w_words), fitted by bench/calibrate_confidence.py on the
# LLIS lessons (results in bench/results/confidence.json and the README)
CALIBRATION: dict[str, tuple[float, float, float, float, float]] = {
    "multilingual": (-11.502, 19.736, 0.0, 7.535, 3.911),
    "all-MiniLM-L6-v2": (-3.326, 8.399, 1.267, 1.379, 0.0),
    # the optional e5 model (TEAMGRAPH_MODEL=multilingual-e5-small): its cosines sit in a narrow band
    "multilingual-e5-small": (-43.655, 43.295, 39.625, 11.863, 3.047),
}
# model name → (bias, w_dense, w_gap, w_lexical, w_words) for hits in another script than the brief
# (cross-lingual: the multilingual cosine, its gap to the brief's multilingual-only background, and the
# share of the brief's term weight found in the hit's dictionary glosses, embeddings.glosses), fitted
# by the same script on held-out cross-lingual briefs both ways
CROSS_CALIBRATION: dict[str, tuple[float, float, float, float, float]] = {
    "multilingual": (-16.666, 32.647, 0.0, 12.265, 5.454),
    "multilingual-e5-small": (-243.118, 270.644, 32.447, 0.0, 19.258),
}
LEXICAL_ONLY = (-2.0, 0.0, 0.0, 6.0, 0.0)  # P = 0.5 at a 1/3 share of the brief's term weight


@dataclass(frozen=True)
class MatchFeatures:
    dense: float  # cosine of the best passage (0 when the hit came from BM25 alone)
    gap: float  # dense − the query's background cosine
    lexical: float  # share of the brief's meaningful term weight the document holds (cross: its glosses), in [0, 1]
    cross: bool = False  # brief and document in different scripts: multilingual scores only
    words: float = 1.0  # share of the brief's letters in words of its language (lexical.known_word_share)
    also: MatchFeatures | None = None  # a cross-script hit's passages in the brief's script, judged alike

    def to_dict(self) -> dict:
        out = {"dense": round(self.dense, 4), "gap": round(self.gap, 4), "lexical": round(self.lexical, 4),
               "cross": self.cross, "words": round(self.words, 4)}
        if self.also is not None:
            out["also"] = self.also.to_dict()
        return out


def coefficients(model: str) -> tuple[float, float, float, float, float]:
    for name, row in CALIBRATION.items():
        if name.lower() == model.strip().lower():
            return row
    return LEXICAL_ONLY


def cross_coefficients(model: str) -> tuple[float, float, float, float, float] | None:
    for name, row in CROSS_CALIBRATION.items():
        if name.lower() == model.strip().lower():
            return row
    return None


def match_probability(f: MatchFeatures, model: str) -> float:
    """P(the hit fits the brief); a hit with passages in both scripts gets the better of its two
    judgements (its other-script part on the cross row, its same-script part on the same row)."""
    p = _probability(f, model)
    return p if f.also is None else max(p, _probability(f.also, model))


def _probability(f: MatchFeatures, model: str) -> float:
    cross = cross_coefficients(model) if f.cross else None
    # across scripts no word can be shared: meaning against its own background, and words only
    # through the hit's dictionary glosses (its `lexical`)
    b, wd, wg, wl, ww = cross if cross is not None else coefficients(model)
    z = b + wd * f.dense + wg * f.gap + wl * f.lexical + ww * f.words
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
