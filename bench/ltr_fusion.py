"""Learned fusion for case ranking, measured honestly: 5-fold cross-validation by lesson on LLIS.

    python bench/ltr_fusion.py [--llis DIR] [--features a,b,c]

Per query (title or first driving-event sentences; the lesson indexed without that field) the
candidates are the union of the dense and BM25 top-50. Each candidate gets features: fused-list
scores (dense cosine, dense/best, BM25/best, log BM25, 1/rank in each list and in the product's
ranking, the idf share of the query's terms), each model's own cosine (USE and MiniLM, best and
mean passage, from the two halves of the `multilingual` vector) and field-level BM25 (title,
abstract, lesson, recommendation, driving event; each / its best). A linear listwise model (softmax
cross-entropy of the one relevant lesson, L2) is trained on title and event queries of four folds
of lessons and ranks the fifth; MRR@10 is averaged over all held-out queries, beside BM25 and the
product's ranker (Corpus.hybrid) on the same queries. Results: README "Evaluation on real data".
Not the product's ranker: see the README for why.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NAMES = ("dense dnorm use minilm usemean minimean top2 bnorm blog rd rb rh share "
         "f_title f_abs f_lesson f_rec f_event").split()
PARTS = ("title", "abstract", "lesson", "recommendation", "driving_event")
USE_DIM = 512  # the USE half of a `multilingual` vector comes first (embeddings.ensemble)


def build(ev, enc, by_key: dict, without: str):
    """The corpus without field `without`, and one BM25 index per other field."""
    from teamgraph.embeddings.lexical import LexicalIndex, tokenize
    c = ev._corpus(without, {k: ev._lesson_text(r, without) for k, r in by_key.items()}, enc, False)
    fld = {}
    for f in PARTS:
        if f != without:
            fld[f] = LexicalIndex().fit({k: tokenize(r.get(f) or "") for k, r in by_key.items()})
    return c, fld


def features(enc, c, fld: dict, q: str):
    """(candidate keys, feature matrix, the product's top 10, BM25's top 10) for query `q`."""
    from teamgraph.embeddings.lexical import tokenize
    from teamgraph.embeddings.query_parts import foreign_vectors, query_vectors
    qv = query_vectors(enc, [q])[0]
    qf = foreign_vectors(enc, [q])
    qf = None if qf is None else qf[0]
    terms = tokenize(q)
    dense, lex = c.dense(qv, 50, None, qf), c.bm25(terms, 50)
    final = [s.key for s in c.hybrid(qv, terms, 50, qvec_foreign=qf)]
    keys = list(dict.fromkeys([k for k, _ in dense] + [k for k, _ in lex]))
    allb = dict(c.bm25(terms, len(c)))
    dd, td = dict(dense), (dense[0][1] if dense else 1.0)
    tb = max(allb.values(), default=1.0) or 1.0
    drank = {k: i for i, (k, _) in enumerate(dense, 1)}
    brank = {k: i for i, (k, _) in enumerate(sorted(allb.items(), key=lambda kv: -kv[1]), 1)}
    frank = {k: i for i, k in enumerate(final, 1)}
    share = c._term_share(terms)
    fs = {f: dict(li.search(terms, len(c))) for f, li in fld.items()}
    ftop = {f: max(v.values(), default=0) or 1 for f, v in fs.items()}
    x = []
    for k in keys:
        v = c.vectors.vectors(c._passage_keys(k))
        u, m, comb = 2 * v[:, :USE_DIM] @ qv[:USE_DIM], 2 * v[:, USE_DIM:] @ qv[USE_DIM:], np.sort(v @ qv)[::-1]
        d = dd.get(k, comb[0])
        row = [d, d / td, u.max(), m.max(), u.mean(), m.mean(), comb[:2].mean(), allb.get(k, 0) / tb,
               np.log1p(allb.get(k, 0)), 1 / drank.get(k, 100), 1 / brank.get(k, 100), 1 / frank.get(k, 100),
               share(k)]
        row += [fs[f].get(k, 0) / ftop[f] if f in fs else 0.0 for f in PARTS]
        x.append(row)
    return keys, np.array(x, dtype=np.float64), final[:10], [k for k, _ in lex[:10]]


def fold(key: str) -> int:
    return int(hashlib.md5(key.encode()).hexdigest(), 16) % 5


def rr(order: list[str], target: str) -> float:
    return next((1 / i for i, k in enumerate(order[:10], 1) if k == target), 0.0)


def train(qs, l2: float = 1e-2, steps: int = 600, lr: float = 0.5):
    """Linear listwise model: softmax over a query's candidates, cross-entropy of its target."""
    allx = np.vstack([x for _, _, x in qs])
    mu, sd = allx.mean(0), allx.std(0) + 1e-9
    w = np.zeros(allx.shape[1])
    for _ in range(steps):
        g = np.zeros_like(w)
        for t, keys, x in qs:
            if t not in keys:
                continue
            z = (x - mu) / sd
            s = z @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            g += z.T @ p - z[keys.index(t)]
        w -= lr * (g / len(qs) + l2 * w)
    return w, mu, sd


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--llis", type=Path, default=ROOT.parent / "shared" / "data" / "llis")
    ap.add_argument("--features", default=",".join(NAMES))
    args = ap.parse_args()
    from teamgraph.embeddings import evaluate as ev
    enc = ev._Memo(ev._encoder(None))
    by_key = {str(r["lesson_number"]): r for r in ev.load_lessons(args.llis)}
    sel = [NAMES.index(n) for n in args.features.split(",")]
    tasks = {}
    for name, without, query_of in (("title", "title", lambda r: r.get("title")),
                                    ("event", "driving_event",
                                     lambda r: ev.first_sentences(r.get("driving_event") or ""))):
        c, fld = build(ev, enc, by_key, without)
        tasks[name] = [(k, *features(enc, c, fld, query_of(r))) for k, r in by_key.items()
                       if (query_of(r) or "").strip()]
        print(f"{name}: {len(tasks[name])} queries", file=sys.stderr)
    res = {n: {"learned": [], "final": [], "bm25": []} for n in tasks}
    for f in range(5):
        w, mu, sd = train([(k, keys, x[:, sel]) for n in tasks for (k, keys, x, _, _) in tasks[n] if fold(k) != f])
        for n in tasks:
            for k, keys, x, final, bm in tasks[n]:
                if fold(k) == f:
                    order = [keys[i] for i in np.argsort(-(((x[:, sel] - mu) / sd) @ w), kind="stable")]
                    res[n]["learned"].append(rr(order, k))
                    res[n]["final"].append(rr(final, k))
                    res[n]["bm25"].append(rr(bm, k))
    for n, d in res.items():
        print(n, {m: round(float(np.mean(v)), 4) for m, v in d.items()}, f"n={len(d['final'])}")
    w, _, _ = train([(k, keys, x[:, sel]) for n in tasks for (k, keys, x, _, _) in tasks[n]])
    print("weights (standardised features, all folds):", dict(zip([NAMES[i] for i in sel], np.round(w, 3))))


if __name__ == "__main__":
    main()
