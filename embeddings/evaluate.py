"""Evaluation harness on real data folders: `teamgraph eval cases DIR` and `eval experts DIR`.

Both run the production retrieval code (Corpus: FAISS + BM25 + score fusion; experts.fuse_people) on
folders in the formats of ../shared/data; nothing here is tuned to those folders.

cases (LLIS format: DIR/lessons.jsonl) — known-item: the query is a lesson's title (resp. the
first two sentences of its driving event) and the target is the same lesson, indexed WITHOUT
that field; MRR@10, recall@1, recall@10. Topical: the query is a lesson's title, relevant are the
other lessons sharing a NASA topic (the query lesson itself is excluded); nDCG@10.

experts (team2box format) — a test question's tags and text form the brief; people are ranked
from profiles built from the training questions only (its own answers never count); relevant
are its real answerers; recall@10 and nDCG@10, beside a plain tag-overlap baseline.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from teamgraph.embeddings.query_parts import foreign_vectors, query_vectors
from teamgraph.errors import ErrorReport, FieldProblem, ValidationError

K = 10


# --- metrics -----------------------------------------------------------------------------------
def reciprocal_rank(ranking: list[str], target: str, k: int = K) -> float:
    for i, key in enumerate(ranking[:k], start=1):
        if key == target:
            return 1.0 / i
    return 0.0


def recall_at(ranking: list[str], relevant: set[str], k: int) -> float:
    return len(set(ranking[:k]) & relevant) / len(relevant) if relevant else 0.0


def ndcg_at(ranking: list[str], relevant: set[str], k: int = K) -> float:
    """Binary-gain nDCG@k: Σ 1/log2(i+1) over relevant hits, over the ideal for |relevant|."""
    dcg = sum(1.0 / math.log2(i + 1) for i, key in enumerate(ranking[:k], start=1) if key in relevant)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(k, len(relevant)) + 1))
    return dcg / ideal if ideal else 0.0


def _mean(xs: list[float]) -> float:
    return round(sum(xs) / len(xs), 4) if xs else 0.0


# --- cases on LLIS ---------------------------------------------------------------------------------
FIELDS = ("title", "abstract", "driving_event", "lesson", "recommendation")
def first_sentences(text: str, n: int = 2) -> str:
    from teamgraph.embeddings.sentences import sentences
    return " ".join(sentences(text)[:n])


def _json_lines(path: Path, report: ErrorReport):
    """(line number, parsed value) of each non-blank line; lines that are not JSON go to `report`."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ValidationError(FieldProblem(f"cannot read: {e}", file=str(path))) from e
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield line_no, json.loads(line)
        except json.JSONDecodeError as e:
            report.add(f"not JSON: {e.msg}", file=str(path), line=line_no)


def load_lessons(folder: Path) -> list[dict]:
    path = Path(folder) / "lessons.jsonl"
    if not path.is_file():
        raise ValidationError(FieldProblem("no lessons.jsonl here (expected an LLIS-format folder)", file=str(path)))
    report, out, seen = ErrorReport(), [], set()
    for line_no, row in _json_lines(path, report):
        if not isinstance(row, dict):
            report.add("must be an object (one lesson a line)", file=str(path), line=line_no)
            continue
        key = str(row.get("lesson_number", "")).strip()
        if not key:
            report.add("missing", file=str(path), line=line_no, field="lesson_number")
        elif key in seen:
            report.add(f"duplicate lesson {key!r}", file=str(path), line=line_no, field="lesson_number")
        for fld in FIELDS:
            if not isinstance(row.get(fld, ""), str):
                report.add("must be a string", file=str(path), line=line_no, field=fld)
        seen.add(key)
        out.append(row)
    report.raise_if_any(f"{path}: invalid lessons")
    return out


def _lesson_text(row: dict, without: str | None) -> str:
    return "\n".join(row.get(f) or "" for f in FIELDS if f != without and row.get(f))


def _topics(row: dict) -> set[str]:
    return {t for t in row.get("nasa_topics") or () if t and t != "None"}


class _Memo:
    """Encodes each distinct text once across the task variants (passages repeat between them)."""

    def __init__(self, encoder):
        self.encoder, self.name, self.dim, self._vecs = encoder, encoder.name, encoder.dim, {}
        self._qvecs: dict[str, object] = {}

    def encode(self, texts, batch_size: int = 64, progress: bool = False):
        import numpy as np
        texts = list(texts)
        todo = list(dict.fromkeys(t for t in texts if t not in self._vecs))
        if todo:
            for t, v in zip(todo, self.encoder.encode(todo, batch_size=batch_size, progress=progress)):
                self._vecs[t] = v
        return np.vstack([self._vecs[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    @property
    def has_english_only(self) -> bool:
        return getattr(self.encoder, "has_english_only", False)

    def encode_queries_foreign(self, texts):
        from teamgraph.embeddings.query_parts import foreign_vectors
        return foreign_vectors(self.encoder, texts)

    def encode_queries(self, texts, batch_size: int = 64):
        import numpy as np
        texts = list(texts)
        todo = list(dict.fromkeys(t for t in texts if t not in self._qvecs))
        if todo:
            for t, v in zip(todo, query_vectors(self.encoder, todo)):
                self._qvecs[t] = v
        return np.vstack([self._qvecs[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


def _corpus(name: str, texts: dict[str, str], encoder, progress: bool):
    from teamgraph.embeddings.corpus import Corpus, Doc
    c = Corpus(name, encoder.dim)
    c.upsert([Doc(k, t) for k, t in texts.items()], encoder, progress=progress)
    return c


RETRIEVERS = ("dense", "bm25", "hybrid", "final")


@dataclass
class Ranked:
    """One query's top-K keys per retriever, and whether the final ranking flagged it as having
    no case that fits well (embeddings.confidence)."""

    lists: dict[str, list[str]]
    flagged: bool
    match: float | None


def _rankings(corpus, queries: dict[str, str], encoder, exclude_self: bool = False) -> dict[str, Ranked]:
    """query key → Ranked, via the production Corpus code: "dense" and "bm25" alone, "hybrid"
    (the earlier ranker: Corpus.hybrid's CombSUM of max-normalised dense and BM25) and "final"
    (the product's ranker: Corpus.hybrid with the model's learned second stage,
    embeddings.rerank, where it has one; else the same as hybrid). With exclude_self the query's
    own document is outside the allow-list, as a hidden case is."""
    from teamgraph.embeddings.confidence import fits, match_probability
    from teamgraph.embeddings.lexical import tokenize
    from teamgraph.embeddings.rerank import learned_ranker
    ranker = learned_ranker(encoder.name, encoder.dim)
    keys = list(queries)
    vecs = query_vectors(encoder, [queries[k] for k in keys])
    foreign = foreign_vectors(encoder, [queries[k] for k in keys])
    everything = set(corpus.keys())
    out = {}
    for i, (key, vec) in enumerate(zip(keys, vecs)):
        terms = tokenize(queries[key])
        allowed = everything - {key} if exclude_self else None
        qf = None if foreign is None else foreign[i]
        dense = corpus.dense(vec, DEPTH, allowed, qf)
        lex = corpus.bm25(terms, DEPTH, allowed)
        hybrid = corpus.hybrid(vec, terms, K, allowed, qvec_foreign=qf)
        final = corpus.hybrid(vec, terms, K, allowed, qvec_foreign=qf, ranker=ranker) if ranker else hybrid
        match = match_probability(final[0].features, encoder.name) if final and final[0].features else None
        out[key] = Ranked({"dense": [d for d, _ in dense[:K]], "bm25": [d for d, _ in lex[:K]],
                           "hybrid": [s.key for s in hybrid], "final": [s.key for s in final]},
                          not fits(match), match)
    return out


DEPTH = 50  # candidates per list before fusion, as in Corpus.hybrid


def _known_item(ranks: dict[str, Ranked], target_of) -> dict:
    """MRR@10, recall@1, recall@10 per retriever (+ the share of queries flagged as no good
    match) for queries whose one relevant document is `target_of(query key)`."""
    out = {m: {"mrr@10": _mean([reciprocal_rank(r.lists[m], target_of(q)) for q, r in ranks.items()]),
               "recall@1": _mean([float(r.lists[m][:1] == [target_of(q)]) for q, r in ranks.items()]),
               "recall@10": _mean([recall_at(r.lists[m], {target_of(q)}, K) for q, r in ranks.items()])}
           for m in RETRIEVERS}
    out["flagged"] = _mean([float(r.flagged) for r in ranks.values()])
    out["n"] = len(ranks)
    return out


def read_queries(path: Path, known: set[str] | None = None) -> list[dict]:
    """A query set: JSONL {"query": "…", "target": <lesson_number>} ("target" may be left out
    for off-topic sets); problems name the file, line and field."""
    report, out = ErrorReport(), []
    for line_no, row in _json_lines(path, report):
        if not isinstance(row, dict):
            report.add("must be an object with query and target", file=str(path), line=line_no)
            continue
        q = row.get("query")
        if not isinstance(q, str) or not q.strip():
            report.add("must be a non-empty string", file=str(path), line=line_no, field="query")
            continue
        target = row.get("target")
        if target is not None:
            if isinstance(target, bool) or not isinstance(target, (str, int)):
                report.add("must be a lesson number", file=str(path), line=line_no, field="target")
                continue
            target = str(target).strip()
            if known is not None and target not in known:
                report.add(f"no lesson {target!r} in the folder", file=str(path), line=line_no, field="target")
                continue
        out.append({"query": q, "target": target, "line": line_no})
    report.raise_if_any(f"{path}: invalid query set")
    if not out:
        raise ValidationError(FieldProblem("no queries", file=str(path)))
    return out


def eval_query_set(folder: Path, queries_file: Path, encoder, progress: bool = False,
                   rows: list[dict] | None = None, corpus=None) -> dict:
    """Metrics of one query set against every lesson of `folder` indexed with all its fields:
    known-item metrics where queries have targets, and the share flagged as no good match."""
    rows = rows if rows is not None else load_lessons(folder)
    by_key = {str(r["lesson_number"]): r for r in rows}
    qs = read_queries(queries_file, set(by_key))
    if corpus is None:
        corpus = _corpus("all", {k: _lesson_text(r, None) for k, r in by_key.items()}, encoder, progress)
    ranks = _rankings(corpus, {f"{i}": q["query"] for i, q in enumerate(qs)}, encoder)
    with_target = {k: r for k, r in ranks.items() if qs[int(k)]["target"] is not None}
    out: dict = {"file": str(queries_file), "n": len(qs)}
    if with_target:
        out.update(_known_item(with_target, lambda k: qs[int(k)]["target"]))
    else:
        out["flagged"] = _mean([float(r.flagged) for r in ranks.values()])
    print(f"{Path(queries_file).name}: {len(qs)} queries", file=sys.stderr)
    return out


def eval_cases(folder: Path, encoder, progress: bool = False, queries: list[Path] = ()) -> dict:
    """Known-item (title, event) and topical tasks on `folder`, or, with `queries`, those query
    sets instead (see eval_query_set)."""
    rows = load_lessons(folder)
    encoder = _Memo(encoder)
    by_key = {str(r["lesson_number"]): r for r in rows}
    result: dict = {"n": len(rows), "model": encoder.name}
    if queries:
        corpus = _corpus("all", {k: _lesson_text(r, None) for k, r in by_key.items()}, encoder, progress)
        result["queries"] = [eval_query_set(folder, q, encoder, progress, rows=rows, corpus=corpus)
                             for q in queries]
        return result
    for task, field in (("title", "title"), ("event", "driving_event")):
        corpus = _corpus(task, {k: _lesson_text(r, field) for k, r in by_key.items()}, encoder, progress)
        qs = {k: (r[field] if task == "title" else first_sentences(r[field]))
              for k, r in by_key.items() if (r.get(field) or "").strip()}
        result[task] = _known_item(_rankings(corpus, qs, encoder), lambda k: k)
        print(f"{task}: {len(qs)} queries", file=sys.stderr)
    topical = {k: r for k, r in by_key.items() if _topics(r)}
    corpus = _corpus("topic", {k: _lesson_text(r, None) for k, r in by_key.items()}, encoder, progress)
    relevant = {k: {o for o, ro in topical.items() if o != k and _topics(r) & _topics(ro)} for k, r in topical.items()}
    qs = {k: topical[k]["title"] for k in topical if relevant[k] and topical[k].get("title")}
    ranks = _rankings(corpus, qs, encoder, exclude_self=True)
    result["topic"] = {m: {"ndcg@10": _mean([ndcg_at(r.lists[m], relevant[q]) for q, r in ranks.items()])}
                       for m in RETRIEVERS}
    print(f"topic: {len(qs)} queries", file=sys.stderr)
    return result


# --- experts on team2box ----------------------------------------------------------------------------
@dataclass
class Question:
    id: str
    tags: list[str]
    answerers: list[str]
    text: str  # question text (+ answers for training questions) where the folder has it


def _read_rows(path: Path, header: bool) -> list[list[str]]:
    if not path.is_file():
        raise ValidationError(FieldProblem("missing (expected a team2box-format folder)", file=str(path)))
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.split() for ln in (lines[1:] if header else lines)]


def _segments(path: Path) -> list[list[str]]:
    return [ln.split(",") for ln in path.read_text(encoding="utf-8").splitlines()] if path.is_file() else []


def load_team2box(folder: Path) -> tuple[list[Question], list[Question]]:
    """(train, test) questions. The authors' split lists questions in Q_ID_Map order: the first
    len(train.txt) are training, the next len(test.txt) are test; each line holds the question,
    its n answers and n sampled negatives, which we check against q_answer_ids_score.txt."""
    folder = Path(folder)
    order = [r[1] for r in _read_rows(folder / "Q_ID_Map.txt", header=True) if len(r) >= 2]
    tags = {r[0]: r[1:] for r in _read_rows(folder / "Q_tags.txt", header=False) if r}
    answer_user = {r[0]: r[1] for r in _read_rows(folder / "answer_user_ids.txt", header=True) if len(r) >= 2}
    answers = {r[0]: r[1::2] for r in _read_rows(folder / "q_answer_ids_score.txt", header=True) if r}
    split_rows = {s: _segments(folder / f"{s}.txt") for s in ("train", "test")}
    texts = {s: _segments(folder / f"{s}_text.txt") for s in ("train", "test")}
    if not split_rows["train"] or not split_rows["test"]:
        raise ValidationError(FieldProblem("train.txt and test.txt are required", file=str(folder)))
    questions, start = {}, 0
    for split in ("train", "test"):
        out = []
        for i, segs in enumerate(split_rows[split]):
            if start + i >= len(order):
                raise ValidationError(FieldProblem("more lines than questions in Q_ID_Map.txt",
                                                   file=str(folder / f"{split}.txt"), line=i + 1))
            qid = order[start + i]
            users = [answer_user[a] for a in answers.get(qid, ()) if a in answer_user]
            if len(segs) - 1 != 2 * len(answers.get(qid, ())):
                raise ValidationError(FieldProblem(
                    f"line does not match question {qid} (expected 1 + 2×{len(answers.get(qid, ()))} "
                    f"segments, found {len(segs)}); the split must follow Q_ID_Map order",
                    file=str(folder / f"{split}.txt"), line=i + 1))
            tx = texts[split][i] if i < len(texts[split]) else []
            n_own = 1 + len(answers.get(qid, ())) if split == "train" else 1  # never a test answer
            out.append(Question(qid, tags.get(qid, []), list(dict.fromkeys(users)), " ".join(tx[:n_own])))
        questions[split] = out
        start += len(split_rows[split])
    return questions["train"], questions["test"]


def _tag_words(tags: list[str]) -> str:
    return " ".join(t.replace("-", " ") for t in tags)


def eval_experts(folder: Path, encoder, progress: bool = False) -> dict:
    from teamgraph.embeddings.experts import evidence_signals, fuse_people
    from teamgraph.embeddings.lexical import tokenize
    train, test = load_team2box(folder)
    counts: dict[str, dict[str, int]] = {}
    for q in train:
        for u in q.answerers:
            for t in q.tags:
                counts.setdefault(u, {}).setdefault(t, 0)
                counts[u][t] += 1
    # skill level from how many training answers carry the tag: 1, 2, 4, 8, 16+ → levels 1..5
    levels = {u: {t: (min(5, 1 + int(math.log2(n))), "inferred-from-project") for t, n in tc.items()}
              for u, tc in counts.items()}
    activity = {u: sum(tc.values()) for u, tc in counts.items()}
    answered: dict[str, int] = {}
    for q in train:
        for u in q.answerers:
            answered[u] = answered.get(u, 0) + 1
    cases = _corpus("questions", {q.id: "\n".join(p for p in (q.text, _tag_words(q.tags)) if p) for q in train},
                    encoder, progress)
    profiles = _corpus("people", {u: _tag_words(sorted(tc, key=lambda t: -tc[t])) for u, tc in counts.items()},
                       encoder, progress)
    authors = {q.id: q.answerers for q in train}
    briefs = [(q, "\n".join(p for p in (q.text, _tag_words(q.tags)) if p)) for q in test if q.answerers]
    vecs = query_vectors(encoder, [b for _, b in briefs])
    ours, base = {"recall@10": [], "ndcg@10": []}, {"recall@10": [], "ndcg@10": []}
    for (q, brief), vec in zip(briefs, vecs):
        terms = tokenize(brief)
        case_rank = [s.key for s in cases.hybrid(vec, terms, 100)]
        signals = evidence_signals(case_rank, authors, wanted=q.tags, skills_of=levels, track=answered,
                                   profile_rank=[s.key for s in profiles.hybrid(vec, terms, 100)])
        fused, _ = fuse_people(signals)
        ranking = sorted(fused, key=lambda u: (-fused[u], u))[:K]
        overlap = {u: len(set(q.tags) & set(tc)) for u, tc in counts.items()}
        baseline = sorted((u for u in overlap if overlap[u]), key=lambda u: (-overlap[u], -activity[u], u))[:K]
        rel = set(q.answerers)
        for acc, r in ((ours, ranking), (base, baseline)):
            acc["recall@10"].append(recall_at(r, rel, K))
            acc["ndcg@10"].append(ndcg_at(r, rel, K))
    print(f"experts: {len(briefs)} test questions, {len(train)} training questions, {len(counts)} people",
          file=sys.stderr)
    return {"n": len(briefs), "teamgraph": {m: _mean(v) for m, v in ours.items()},
            "tag_overlap": {m: _mean(v) for m, v in base.items()}}


# --- commands ------------------------------------------------------------------------------------
def _encoder(model: str | None):
    """The engine's encoder (with the data dir's embedding cache, so a second run re-encodes
    nothing), for `model` when given."""
    from teamgraph.embeddings.encoder import encoder_for
    from teamgraph.settings import Settings
    settings = Settings.from_env(**({"model": model} if model else {}))
    return encoder_for(settings)


@click.command("cases")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--queries", "queries", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='A query set: JSONL {"query": "…", "target": <lesson_number>} (target optional for '
                   "off-topic sets); may be repeated. Without it: the title, event and topic tasks.")
@click.option("--model", default=None, help="Embedding model (default: TEAMGRAPH_MODEL).")
def eval_cases_cmd(folder: Path, queries: tuple[Path, ...], model: str | None) -> None:
    """Case retrieval on an LLIS-format FOLDER (lessons.jsonl): dense, BM25, hybrid and the final
    ranker, with the share of queries flagged as having no good match, as JSON."""
    click.echo(json.dumps(eval_cases(folder, _encoder(model), progress=True, queries=list(queries)), indent=2))


@click.command("experts")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--model", default=None, help="Embedding model (default: TEAMGRAPH_MODEL or all-MiniLM-L6-v2).")
def eval_experts_cmd(folder: Path, model: str | None) -> None:
    """Expert finding on a team2box-format FOLDER's test split, beside tag overlap, as JSON."""
    click.echo(json.dumps(eval_experts(folder, _encoder(model), progress=True), indent=2))
