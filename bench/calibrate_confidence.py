"""Fit and measure the kickoff's match confidence (embeddings.confidence) on real data.

    python bench/calibrate_confidence.py [--model NAME] [--llis DIR] [--team2box DIR]

The index is the LLIS lessons (all fields). Briefs come from data that is not in the index:
- fit — real: LLIS title queries (each lesson indexed without its title) and the even lines of
  the hand-written paraphrase and Chinese sets (bench/queries: briefs with few or no words in
  common with their lesson, so the fit learns that meaning alone can mean a fit); off-topic:
  Stack Exchange *android* question texts (team2box), generated nonsense (seed 1);
- measure — real: the odd lines of the paraphrase and Chinese sets and driving-event queries
  (lessons indexed without their driving event); off-topic: Stack Exchange *history* question
  texts, the hand-written English and Chinese off-topic sets, other nonsense (seed 2).
A logistic regression (Platt scaling of three features, see embeddings.confidence) is fitted on
the first group; the second says how often real briefs are flagged as "no case fits well" and
how often off-topic ones are not. Prints the CALIBRATION row to paste into
embeddings/confidence.py and writes bench/results/confidence.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
QUERIES = ROOT / "bench" / "queries"


def question_texts(folder: Path, n: int, words: int = 14) -> list[str]:
    """The first `words` words of the first `n` test questions of a team2box site."""
    out = []
    for line in (folder / "test_text.txt").read_text(encoding="utf-8").splitlines():
        text = line.split(",")[0].split()
        if len(text) >= 4:
            out.append(" ".join(text[:words]))
        if len(out) >= n:
            break
    return out


def top_features(corpus, texts: list[str], encoder) -> list[tuple[float, float, float]]:
    from teamgraph.embeddings.lexical import tokenize
    from teamgraph.embeddings.query_parts import foreign_vectors, query_vectors
    vecs = query_vectors(encoder, texts)
    foreign = foreign_vectors(encoder, texts)
    out = []
    for i, (text, vec) in enumerate(zip(texts, vecs)):
        hits = corpus.hybrid(vec, tokenize(text), 1, qvec_foreign=None if foreign is None else foreign[i])
        f = hits[0].features if hits else None
        out.append((f.dense, f.gap, f.lexical) if f else (0.0, 0.0, 0.0))
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float = 1e-3,
                 steps: int = 20000) -> np.ndarray:
    """Weights (bias first) of a weighted logistic regression by gradient descent on standardised
    features; `weight` per sample (mean 1)."""
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mu) / sd
    a = np.hstack([np.ones((len(z), 1)), z])
    w = np.zeros(a.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-a @ w))
        grad = a.T @ (weight * (p - y)) / len(y) + l2 * np.r_[0, w[1:]]
        w -= 0.5 * grad
    # back to raw feature units: z_i = (x_i − mu_i)/sd_i
    raw = w[1:] / sd
    return np.r_[w[0] - (raw * mu).sum(), raw]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--llis", type=Path, default=SHARED / "llis")
    ap.add_argument("--team2box", type=Path, default=SHARED / "team2box")
    ap.add_argument("--n", type=int, default=150, help="briefs per off-topic source")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "confidence.json")
    args = ap.parse_args()
    from teamgraph.embeddings import evaluate as ev
    result = run(ev._encoder(args.model), args.llis, args.team2box, args.n)
    print(f'CALIBRATION["{result["model"]}"] = {tuple(result["coefficients"])}')
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


def run(encoder, llis: Path, team2box: Path, n: int) -> dict:
    """Fit on the fit group, measure on the rest (module docstring); the result as JSON data."""
    from teamgraph.embeddings import evaluate as ev
    from teamgraph.embeddings.confidence import THRESHOLD, nonsense_briefs
    encoder = ev._Memo(encoder)
    rows = ev.load_lessons(llis)
    by_key = {str(r["lesson_number"]): r for r in rows}
    full = ev._corpus("all", {k: ev._lesson_text(r, None) for k, r in by_key.items()}, encoder, True)
    no_title = ev._corpus("title", {k: ev._lesson_text(r, "title") for k, r in by_key.items()}, encoder, True)
    no_event = ev._corpus("event", {k: ev._lesson_text(r, "driving_event") for k, r in by_key.items()},
                          encoder, True)

    def qset(name):
        return [json.loads(x)["query"] for x in (QUERIES / name).read_text(encoding="utf-8").splitlines() if x.strip()]

    para, zh = qset("llis-paraphrase.jsonl"), qset("llis-zh.jsonl")
    sets = {  # name → (corpus, briefs, real?, fit?)
        "llis-title": (no_title, [r["title"] for r in rows if r.get("title")], 1, True),
        "llis-paraphrase-even": (full, para[::2], 1, True),
        "llis-zh-even": (full, zh[::2], 1, True),
        "android": (full, question_texts(team2box / "android", n), 0, True),
        "nonsense-1": (full, nonsense_briefs(n, seed=1), 0, True),
        "llis-paraphrase-odd": (full, para[1::2], 1, False),
        "llis-zh-odd": (full, zh[1::2], 1, False),
        "llis-event": (no_event, [ev.first_sentences(r["driving_event"]) for r in rows
                                  if (r.get("driving_event") or "").strip()], 1, False),
        "history": (full, question_texts(team2box / "history", n), 0, False),
        "offtopic-en": (full, qset("offtopic-en.jsonl"), 0, False),
        "offtopic-zh": (full, qset("offtopic-zh.jsonl"), 0, False),
        "nonsense-2": (full, nonsense_briefs(n, seed=2), 0, False),
    }
    feats = {name: np.array(top_features(c, briefs, encoder)) for name, (c, briefs, _, _) in sets.items()}
    fit = [n for n, v in sets.items() if v[3]]
    x = np.vstack([feats[n] for n in fit])
    y = np.concatenate([np.full(len(feats[n]), sets[n][2]) for n in fit])
    # every fit set weighs the same within its class, and both classes weigh the same: the 537
    # title queries must not drown the 25 Chinese ones
    per_class = {c: sum(1 for n in fit if sets[n][2] == c) for c in (0, 1)}
    weight = np.concatenate([np.full(len(feats[n]), len(y) / (2 * per_class[sets[n][2]] * len(feats[n])))
                             for n in fit])
    w = fit_logistic(x, y, weight)
    row = tuple(round(float(v), 3) for v in w)
    result = {"model": encoder.name, "coefficients": row, "threshold": THRESHOLD, "sets": {}}
    for name, (_, briefs, real, is_fit) in sets.items():
        f = feats[name]
        p = 1 / (1 + np.exp(-(w[0] + f @ w[1:])))
        flagged = float((p < THRESHOLD).mean())
        result["sets"][name] = {"n": len(briefs), "real": bool(real), "fit": is_fit, "flagged": round(flagged, 3),
                                "mean_features": [round(float(v), 3) for v in f.mean(axis=0)]}
        print(f"{'fit ' if is_fit else 'test'} {name:<16} {'real' if real else 'off '} n={len(briefs):<4} "
              f"flagged {flagged:6.1%}   mean dense/gap/lexical {np.round(f.mean(axis=0), 3)}", file=sys.stderr)
    return result


if __name__ == "__main__":
    main()
