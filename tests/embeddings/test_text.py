"""Tokenisation (English + Chinese), BM25 filtering, passages, fusion, and eval metrics."""

from __future__ import annotations

import math

import pytest

from teamgraph.embeddings.corpus import passages
from teamgraph.embeddings.evaluate import first_sentences, ndcg_at, recall_at, reciprocal_rank
from teamgraph.embeddings.experts import fuse_people, load_discount, skill_fit
from teamgraph.embeddings.fusion import reciprocal_rank_votes, rrf
from teamgraph.embeddings.lexical import LexicalIndex, matching_terms, tokenize


def test_english_is_stemmed_and_stopworded():
    assert tokenize("The upgrades failed") == tokenize("upgrade failing")
    assert "the" not in tokenize("The upgrade")
    assert tokenize("upgrades")[0] == tokenize("upgrade")[0]
    assert "k8s" in tokenize("our K8s cluster")


def test_chinese_is_segmented_into_words():
    terms = tokenize("招聘前先对齐岗位画像和面试标准")
    assert "招聘" in terms and "面试" in terms
    assert "的" not in tokenize("面试的标准")


def test_matching_terms_show_surface_words():
    doc = tokenize("Kubernetes upgrade broke nightly batch jobs")
    assert matching_terms("upgrading kubernetes clusters", doc) == ["upgrading", "kubernetes"]


def test_bm25_mask_hides_documents():
    idx = LexicalIndex().fit({"a": tokenize("vendor contract dispute"), "b": tokenize("vendor onboarding"),
                              "c": tokenize("warehouse scanners")})
    assert [k for k, _ in idx.search(tokenize("vendor contract"), 3)] == ["a", "b"]
    assert [k for k, _ in idx.search(tokenize("vendor contract"), 3, allowed={"b", "c"})] == ["b"]


def test_passages_respect_sentences_and_fields():
    text = "Title line\n" + " ".join(f"Sentence number {i} is here." for i in range(40))
    ps = passages(text, max_words=20)
    assert ps[0] == "Title line"
    assert all(len(p.split()) <= 20 for p in ps)
    assert all(p.endswith(".") for p in ps[1:])
    assert " ".join(ps[1:]) == text.split("\n")[1]


def test_rrf_by_hand():
    fused = rrf({"x": ["a", "b"], "y": ["b", "c"]}, k=60)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["a"] == pytest.approx(1 / 61)
    assert max(fused, key=fused.get) == "b"


def test_votes_and_people_fusion_by_hand():
    votes = reciprocal_rank_votes(["c1", "c2", "c3"], {"c1": ["ann"], "c2": ["bob", "ann"], "c3": ["bob"]})
    assert votes == pytest.approx({"ann": 1 + 1 / 2, "bob": 1 / 2 + 1 / 3})
    fused, ranks = fuse_people({"cases": votes, "skills": {"bob": 0.8, "ann": 0.4}})
    assert fused["ann"] == pytest.approx((1 + 0.5) / 2)  # max-normalised, averaged
    assert fused["bob"] == pytest.approx(((5 / 6) / 1.5 + 1) / 2)
    assert ranks["bob"] == {"cases": 2, "skills": 1}


def test_skill_fit_and_load_discount_by_hand():
    assert skill_fit(["py", "sql"], {"py": (5, "confirmed"), "sql": (3, "self-declared")}) == \
        pytest.approx((1.0 + 0.6 * 0.6) / 2)
    assert load_discount(0.4, 1.0) == 1.0
    assert load_discount(1.0, 1.0) == pytest.approx(0.75)
    assert load_discount(3.0, 1.0) == pytest.approx(0.5)
    assert load_discount(0.8, 0.8) == pytest.approx(0.75)  # utilisation, not raw load


def test_eval_metrics_by_hand():
    assert reciprocal_rank(["x", "t", "y"], "t") == 0.5
    assert reciprocal_rank(["x"] * 10 + ["t"], "t") == 0.0  # beyond @10
    assert recall_at(["a", "b", "c"], {"a", "c", "z"}, 2) == pytest.approx(1 / 3)
    # relevant at ranks 1 and 3 of 2 relevant: (1 + 1/log2(4)) / (1 + 1/log2(3))
    assert ndcg_at(["r1", "x", "r2"], {"r1", "r2"}) == pytest.approx((1 + 0.5) / (1 + 1 / math.log2(3)))
    assert ndcg_at(["x"], set()) == 0.0
    assert first_sentences("One here. Two there! Three. Four.") == "One here. Two there!"
