"""Train and measure the learned second ranking stage for cases (embeddings.rerank) on LLIS.

    python bench/ltr_fusion.py [--llis DIR] [--write]

Queries (the lesson indexed without the query's field, as in `teamgraph eval cases`): each
lesson's title and the first two sentences of its driving event — the training queries — and,
never trained on, the hand-written Chinese briefs and English paraphrases of bench/queries
(against every lesson with all its fields) and English → Chinese: the titles, paraphrases and
driving events of those 49 dev lessons against a *mixed* index, where each dev lesson is replaced
by its hand-written Chinese brief (so the answer is in another script; as bench/calibrate_confidence.py).

Candidates and features are the product's own (Corpus.candidates, rerank.feature_matrix). The
model is a linear listwise one (softmax cross-entropy of the one right lesson among a query's
candidates, L2), fitted by L-BFGS on standardised features.

Honest numbers: 5-fold cross-validation by lesson — the model that ranks a query never saw a
training query of its lesson (nor, for the held-out sets, of the lesson they are about). Printed
beside BM25, dense and the CombSUM ranker (the product's ranker before this stage) from the same
run. `--write` then fits on every training query and writes embeddings/ranker-<model>.json (the
weights the product ships, with this command and the cross-validated numbers); results go to
bench/results/ltr_fusion.json. README "Evaluation on real data".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QUERIES = ROOT / "bench" / "queries"
TRAIN_TASKS = ("title", "event")
K = 10


def fold(lesson: str) -> int:
    return int(hashlib.md5(lesson.encode()).hexdigest(), 16) % 5


def rr(order: list[str], target: str) -> float:
    return next((1 / i for i, k in enumerate(order[:K], 1) if k == target), 0.0)


def query_rows(enc, corpus, task: str, queries: list[tuple[str, str, str]]) -> list[dict]:
    """Per query: its lesson, target key, candidate keys, features, and the baselines' top 10."""
    from teamgraph.embeddings.corpus import RERANK_DEPTH
    from teamgraph.embeddings.lexical import tokenize
    from teamgraph.embeddings.query_parts import foreign_vectors, query_vectors
    from teamgraph.embeddings.rerank import feature_matrix, vector_parts
    parts = vector_parts(enc)
    texts = [q for _, _, q in queries]
    vecs = query_vectors(enc, texts)
    foreign = foreign_vectors(enc, texts)
    out = []
    for i, (lesson, target, q) in enumerate(queries):
        terms, qf = tokenize(q), None if foreign is None else foreign[i]
        dense, lex, cand = corpus.candidates(vecs[i], terms, RERANK_DEPTH, None, qf)
        old = [s.key for s in corpus.hybrid(vecs[i], terms, K, qvec_foreign=qf)]
        out.append({"task": task, "lesson": lesson, "target": target, "keys": cand.keys, "cand": cand,
                    "x": feature_matrix(corpus, vecs[i], terms, cand, parts),
                    "bm25": [k for k, _ in lex[:K]], "dense": [k for k, _ in dense[:K]], "combsum": old})
    print(f"{task}: {len(out)} queries", file=sys.stderr)
    return out


def train(rows: list[dict], l2: float = 1e-3):
    """(weights, mean, scale) of the listwise model on standardised features."""
    from scipy.optimize import minimize
    allx = np.vstack([r["x"] for r in rows])
    mu, sd = allx.mean(0), allx.std(0) + 1e-9
    data = [((r["x"] - mu) / sd, r["keys"].index(r["target"])) for r in rows if r["target"] in r["keys"]]

    def loss(w):
        total, grad = 0.0, np.zeros_like(w)
        for z, t in data:
            s = z @ w
            p = np.exp(s - s.max())
            norm = p.sum()
            total -= s[t] - s.max() - np.log(norm)
            grad += z.T @ (p / norm) - z[t]
        return total / len(data) + l2 * w @ w, grad / len(data) + 2 * l2 * w
    w = minimize(loss, np.zeros(allx.shape[1]), jac=True, method="L-BFGS-B").x
    return w, mu, sd


def build_rows(enc, llis: Path) -> list[dict]:
    from teamgraph.embeddings import evaluate as ev
    by_key = {str(r["lesson_number"]): r for r in ev.load_lessons(llis)}

    def corpus(name, without=None, skip=(), add=None):
        texts = {k: ev._lesson_text(r, without) for k, r in by_key.items() if k not in skip}
        return ev._corpus(name, {**texts, **(add or {})}, enc, False)

    def qset(name):
        return [json.loads(x) for x in (QUERIES / name).read_text(encoding="utf-8").splitlines() if x.strip()]

    rows = []
    title = [(k, k, r["title"]) for k, r in by_key.items() if (r.get("title") or "").strip()]
    rows += query_rows(enc, corpus("title", "title"), "title", title)
    event = [(k, k, ev.first_sentences(r["driving_event"])) for k, r in by_key.items()
             if (r.get("driving_event") or "").strip()]
    rows += query_rows(enc, corpus("event", "driving_event"), "event", event)
    full = corpus("all")
    zh, para = qset("llis-zh.jsonl"), qset("llis-paraphrase.jsonl")
    rows += query_rows(enc, full, "zh", [(str(q["target"]),) * 2 + (q["query"],) for q in zh])
    rows += query_rows(enc, full, "paraphrase", [(str(q["target"]),) * 2 + (q["query"],) for q in para])
    dev = {str(q["target"]) for q in zh}
    mixed = corpus("mixed", skip=dev, add={f"zh-{q['target']}": q["query"] for q in zh})
    to_zh = [(str(q["target"]), f"zh-{q['target']}", by_key[str(q["target"])]["title"]) for q in zh]
    to_zh += [(str(q["target"]), f"zh-{q['target']}", q["query"]) for q in para]
    to_zh += [(lesson, f"zh-{lesson}", ev.first_sentences(by_key[lesson].get("driving_event") or "")
               or by_key[lesson]["title"]) for lesson in sorted(dev)]
    rows += query_rows(enc, mixed, "en-to-zh", to_zh)
    return rows


def cross_validate(rows: list[dict]) -> dict:
    from teamgraph.embeddings.rerank import text_scores
    res: dict[str, dict[str, list[float]]] = {}
    for f in range(5):
        w, mu, sd = train([r for r in rows if r["task"] in TRAIN_TASKS and fold(r["lesson"]) != f])
        for r in rows:
            if fold(r["lesson"]) != f:
                continue
            text = text_scores(((r["x"] - mu) / sd) @ w, r["cand"])  # as Corpus.hybrid ranks
            order = sorted(text, key=lambda k: (-text[k], k))
            m = res.setdefault(r["task"], {"dense": [], "bm25": [], "combsum": [], "learned": [], "in_candidates": []})
            for name in ("dense", "bm25", "combsum"):
                m[name].append(rr(r[name], r["target"]))
            m["learned"].append(rr(order, r["target"]))
            m["in_candidates"].append(float(r["target"] in r["keys"]))
    out = {}
    for task, m in res.items():
        out[task] = {name: round(float(np.mean(v)), 4) for name, v in m.items()}
        out[task]["n"] = len(m["learned"])
        best = max(out[task][n] for n in ("dense", "bm25"))
        out[task]["miss_rate_cut_vs_best_single"] = round(1 - (1 - out[task]["learned"]) / (1 - best), 3) \
            if best < 1 else 0.0
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--llis", type=Path, default=ROOT.parent / "shared" / "data" / "llis")
    ap.add_argument("--model", default=None, help="embedding model (default: TEAMGRAPH_MODEL)")
    ap.add_argument("--write", action="store_true", help="fit on every training query and write the weights file")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ltr_fusion.json")
    args = ap.parse_args()
    from teamgraph.embeddings import evaluate as ev
    from teamgraph.embeddings.rerank import LearnedRanker, column_names, vector_parts, weights_path
    enc = ev._Memo(ev._encoder(args.model))
    rows = build_rows(enc, args.llis)
    cv = cross_validate(rows)
    for task, m in cv.items():
        print(f"{task:<11} n={m['n']:<4} MRR@10 dense {m['dense']:.4f} bm25 {m['bm25']:.4f} "
              f"combsum {m['combsum']:.4f} learned {m['learned']:.4f} (candidates hold the target: "
              f"{m['in_candidates']:.3f}; miss-rate cut vs best single {m['miss_rate_cut_vs_best_single']:+.1%})",
              file=sys.stderr)
    result = {"model": enc.name, "cross_validation": cv}
    if args.write:
        w, mu, sd = train([r for r in rows if r["task"] in TRAIN_TASKS])
        ranker = LearnedRanker(tuple(column_names()), mu, sd, w, vector_parts(enc), enc.dim)
        path = weights_path(enc.name)
        path.write_text(json.dumps(ranker.to_dict(
            trained_by="python bench/ltr_fusion.py --write",
            trained_on="LLIS (shared/data/llis) title and driving-event known-item queries, all lessons",
            cross_validation={t: {k: v for k, v in m.items() if k in ("learned", "combsum", "bm25", "dense", "n")}
                              for t, m in cv.items()}), indent=1) + "\n", encoding="utf-8")
        result["weights"] = dict(zip(column_names(), np.round(w, 3).tolist()))
        print(f"wrote {path}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
