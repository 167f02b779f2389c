"""The learned second ranking stage (embeddings.rerank) and the brief's word knowledge
(lexical.known_word_share): pure parts on hand-made rows, then the shipped weights with the real
`multilingual` model on the first NASA lessons and the Chinese cases of the sample organisation."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from teamgraph.embeddings.corpus import Corpus, Doc
from teamgraph.embeddings.lexical import known_word_share, tokenize
from teamgraph.embeddings.rerank import (
    FEATURES, WORD_FEATURES, Candidates, _impute_words, column_names, learned_ranker, text_scores, weights_path,
)
from teamgraph.graph.model import Case, ChangeSet, Viewer
from teamgraph.ingest.sample import sample_path

MEMBER = Viewer(role="member")


def test_cross_script_rows_get_the_word_features_of_same_script_rows_as_close_in_meaning():
    d, b, s = FEATURES.index("dense"), FEATURES.index("bm25"), FEATURES.index("share")
    x = np.zeros((4, len(FEATURES)))
    x[:, d] = [1.0, 0.5, 0.75, 0.2]
    x[0, [b, s]], x[1, [b, s]] = (0.8, 0.6), (0.4, 0.2)
    _impute_words(x, [False, False, True, True])
    assert x[2, b] == pytest.approx(0.6) and x[2, s] == pytest.approx(0.4)  # halfway between the two
    assert x[3, b] == pytest.approx(0.4)  # below every same-script row: the lowest one's value
    assert x[0, b] == 0.8 and x[1, s] == 0.2  # same-script rows keep their own
    y = np.ones((2, len(FEATURES)))
    _impute_words(y, [True, True])  # nothing to compare with: word features say nothing
    assert all(y[:, FEATURES.index(n)].tolist() == [0.0, 0.0] for n in WORD_FEATURES)
    assert y[:, d].tolist() == [1.0, 1.0]


def test_text_scores_put_the_best_at_one_and_place_cross_script_candidates_by_combsum():
    keys = ["a", "b", "c", "zh"]
    cand = Candidates(keys, {"a": 0.9, "b": 0.6, "c": 0.3, "zh": 0.8}, {"a": 10.0, "b": 6.0, "c": 8.0},
                      {"a": 1, "zh": 2, "b": 3, "c": 4}, {"a": 1, "c": 2, "b": 3}, {"zh"})
    got = text_scores(np.array([0.0, -1.0, -2.0, -9.0]), cand)
    assert got["a"] == 1.0 and got["b"] == pytest.approx(np.exp(-1.0)) and got["c"] == pytest.approx(np.exp(-2.0))
    # CombSUM: a 2.0, zh 0.8/0.9 twice = 1.78, c 1.13, b 1.27: zh between a and b, whatever the model's -9
    assert got["b"] < got["zh"] < got["a"]
    alone = text_scores(np.array([1.0, 3.0]), Candidates(["x", "y"], {"x": 0.5, "y": 0.4}, {}, {}, {}, {"x", "y"}))
    assert alone == {"x": pytest.approx(np.exp(-2.0)), "y": 1.0}  # every candidate cross-script: the model ranks


def test_nonsense_knows_no_words_and_real_briefs_do():
    for brief in ("qwzxv plorbt", "asdfghjkl zxcvbnm", "璧蹇鏉熷啓", "x7k2 ab9"):
        assert known_word_share(tokenize(brief)) < 0.2, brief
    for brief in ("Quote approvals take weeks", "Retractable Platform Hinge Mounts Secured With Pop Rivets",
                  "报价审批周期过长导致大客户流失", "how long to rest a steak after grilling it"):
        assert known_word_share(tokenize(brief)) > 0.7, brief


def test_a_weights_file_for_other_features_is_not_used(tmp_path, monkeypatch):
    from teamgraph.embeddings import rerank
    data = json.loads(weights_path("multilingual").read_text(encoding="utf-8"))
    assert data["features"] == column_names() and data["trained_by"].startswith("python bench/ltr_fusion.py")
    data["features"] = data["features"][:-1]
    (tmp_path / "ranker-multilingual.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(rerank, "WEIGHTS_DIR", tmp_path)
    learned_ranker.cache_clear()
    try:
        assert learned_ranker("multilingual", data["dim"]) is None
        assert learned_ranker("hashing", 256) is None  # no weights: CombSUM ranks
    finally:
        learned_ranker.cache_clear()


@pytest.fixture(scope="module")
def encoder():
    from teamgraph.embeddings.encoder import load_encoder
    from teamgraph.embeddings.ensemble import multilingual
    return multilingual(load_encoder("all-MiniLM-L6-v2"))


@pytest.fixture(scope="module")
def cases():
    rows = [json.loads(x) for x in (sample_path() / "cases.jsonl").read_text(encoding="utf-8").splitlines() if x]
    return [r for r in rows if r["language"] == "en"][:60] + [r for r in rows if r["language"] == "zh"]


@pytest.fixture(scope="module")
def corpus(cases, encoder):
    c = Corpus("case", encoder.dim)
    c.upsert([Doc(r["id"], "\n".join(r[f] for f in ("title", "problem", "action", "result", "lesson") if r.get(f)))
              for r in cases], encoder)
    return c


@pytest.mark.model
def test_the_shipped_ranker_fits_the_multilingual_model(encoder):
    r = learned_ranker(encoder.name, encoder.dim)
    assert r is not None and r.parts == [(0, 512, False), (512, 896, True)]


@pytest.mark.model
def test_the_second_stage_ranks_an_event_above_combsum_or_level(corpus, cases, encoder):
    """Each English case's problem (the event), with its title left out of nothing: the learned
    stage puts the case first at least as often as CombSUM did, and the Chinese cases stay
    findable across scripts."""
    from teamgraph.embeddings.query_parts import foreign_vectors, query_vectors
    ranker = learned_ranker(encoder.name, encoder.dim)
    firsts = {"combsum": 0, "learned": 0}
    english = [r for r in cases if r["language"] == "en"][:30]
    briefs = [" ".join(r["problem"].split()[:30]) for r in english]
    vecs, foreign = query_vectors(encoder, briefs), foreign_vectors(encoder, briefs)
    for r, brief, v, f in zip(english, briefs, vecs, foreign):
        terms = tokenize(brief)
        firsts["combsum"] += corpus.hybrid(v, terms, 1, qvec_foreign=f)[0].key == r["id"]
        top = corpus.hybrid(v, terms, 3, qvec_foreign=f, ranker=ranker)
        firsts["learned"] += top[0].key == r["id"]
        assert top[0].score == pytest.approx(2.0) and top[0].score >= top[1].score  # best text score: 2 × 1
    assert firsts["learned"] >= firsts["combsum"] and firsts["learned"] >= 24
    brief = "supplier deliveries arrive late and hold up final assembly"
    hits = corpus.hybrid(query_vectors(encoder, [brief])[0], tokenize(brief), 3,
                         qvec_foreign=foreign_vectors(encoder, [brief])[0], ranker=ranker)
    assert hits[0].key == "case-zh-09" and hits[0].bm25 is None  # 供应商交期延误影响总装进度, by meaning alone


@pytest.mark.model
def test_the_retriever_ranks_cases_with_the_second_stage(store, tmp_path, encoder, cases):
    from teamgraph.embeddings.retriever import Retriever
    store.apply(ChangeSet().add(*[Case(r["id"], r["title"], r["problem"], r.get("action", ""), r.get("result", ""),
                                       r.get("lesson", ""), language=r["language"],
                                       date=date.fromisoformat(r["date"])) for r in cases]))
    r = Retriever(store, tmp_path / "index", encoder)
    r.build(progress=False)
    hits = r.similar_cases("可燃液体储罐里用油浸加热器加热，结果发生爆燃起火", MEMBER, k=3)
    assert hits[0].id == "case-llis-1766" and hits[0].score == pytest.approx(2.0)
