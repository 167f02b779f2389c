"""Confidence and fusion rules by hand: the weak-match judgement, the ensemble's scores per
language, BM25's stand-in for documents in another script, meaningful match terms."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from teamgraph.embeddings.confidence import (
    MAX_WEAK, THRESHOLD, MatchFeatures, match_probability, nonsense_briefs,
)
from teamgraph.embeddings.corpus import Corpus, Doc
from teamgraph.embeddings.encoder import HashingEncoder
from teamgraph.embeddings.ensemble import EnsembleEncoder, mostly_latin
from teamgraph.embeddings.fusion import combsum_max
from teamgraph.embeddings.kickoff import fold_duplicates, judge
from teamgraph.embeddings.lexical import matching_terms, tokenize
from teamgraph.embeddings.query_parts import foreign_vectors
from teamgraph.embeddings.results import CaseHit, ScoreParts


def _hit(cid, match, lesson="Check the seals before the test."):
    return CaseHit(cid, f"title {cid}", f"problem of {cid}", "", "", lesson, None, None, "", "", None, "en", (),
                   1.0, (), (), False, False, ScoreParts(1.0), match=match)


def test_below_the_threshold_at_most_a_few_weak_matches():
    cases, conf = judge([_hit(c, m) for c, m in zip("abcde", (0.3, 0.2, 0.1, 0.05, 0.01))])
    assert conf["fits"] is False and conf["match"] == 0.3 and conf["threshold"] == THRESHOLD
    assert [c.id for c in cases] == ["a", "b", "c"] and len(cases) == MAX_WEAK and all(c.weak for c in cases)
    assert conf["message"].startswith("No past case fits this brief well (best match 30%)")


def test_a_good_best_case_keeps_the_list_and_marks_only_weak_ones():
    cases, conf = judge([_hit("a", 0.9), _hit("b", 0.7), _hit("c", 0.2), _hit("d", 0.1)])
    assert conf["fits"] is True and [c.id for c in cases] == ["a", "b", "c", "d"]
    assert [c.weak for c in cases] == [False, False, True, True]
    assert judge([])[1]["fits"] is False
    assert judge([_hit("a", 0.2), _hit("b", 0.7)])[1] | {"message": ""} == {
        "match": 0.7, "fits": True, "threshold": THRESHOLD, "message": ""}  # the best, not the first


def test_match_probability_rises_with_meaning_and_shared_words():
    low = match_probability(MatchFeatures(0.2, 0.05, 0.0), "multilingual")
    high = match_probability(MatchFeatures(0.6, 0.25, 0.8), "multilingual")
    assert low < THRESHOLD < high
    # an uncalibrated model (the hashing stand-in) judges by shared words alone
    assert match_probability(MatchFeatures(0.9, 0.5, 0.0), "hashing") < THRESHOLD
    assert match_probability(MatchFeatures(0.0, 0.0, 0.9), "hashing") > THRESHOLD


def test_nonsense_briefs_are_seeded():
    assert nonsense_briefs(8, seed=3) == nonsense_briefs(8, seed=3) != nonsense_briefs(8, seed=4)


def _ensemble():
    return EnsembleEncoder("t", [(HashingEncoder(64), 1.0, False), (HashingEncoder(32), 1.0, True)])


def _cos(enc, a, b):
    return float(enc.encode([a])[0] @ enc.encode([b])[0])


def test_the_ensemble_scores_by_every_part_that_can_read_both_sides():
    ens = _ensemble()
    multi, english = ens.parts[0][0], ens.parts[1][0]
    doc = "quote approval takes weeks"
    q = ens.encode_queries(["quote approval is slow"])[0]
    assert float(q @ ens.encode([doc])[0]) == pytest.approx(
        0.5 * _cos(multi, "quote approval is slow", doc) + 0.5 * _cos(english, "quote approval is slow", doc))
    zq = ens.encode_queries(["报价审批太慢"])[0]  # not readable by the English-only part: multilingual alone
    assert float(zq @ ens.encode(["报价审批 很慢"])[0]) == pytest.approx(_cos(multi, "报价审批太慢", "报价审批 很慢"))
    fq = foreign_vectors(ens, ["quote approval is slow"])[0]
    assert float(fq @ ens.encode(["报价审批 很慢"])[0]) == pytest.approx(
        _cos(multi, "quote approval is slow", "报价审批 很慢"))
    assert mostly_latin("Quote-to-order 报价") and not mostly_latin("报价审批流程 ok")
    assert foreign_vectors(HashingEncoder(), ["x"]) is None


def test_foreign_passages_are_scored_with_the_briefs_foreign_vector(tmp_path):
    ens = _ensemble()
    c = Corpus("case", ens.dim)
    c.upsert([Doc("en", "quote approval takes weeks in sales"), Doc("zh", "报价审批周期过长")], ens)
    assert c.foreign == {"zh\x1f0"}
    brief = "quote approval"
    q, fq = ens.encode_queries([brief])[0], foreign_vectors(ens, [brief])[0]
    got = dict(c.dense(q, 2, qvec_foreign=fq))
    assert got["zh"] == pytest.approx(_cos(ens.parts[0][0], brief, "报价审批周期过长"), abs=1e-5)
    from teamgraph.embeddings.lexical import tokenize
    feats = {s.key: s.features for s in c.hybrid(q, tokenize(brief), 2, qvec_foreign=fq)}
    assert feats["zh"].cross and not feats["en"].cross  # judged by the cross-script row
    # its background is on the multilingual scale: the brief's multilingual-only cosines
    floor = min(_cos(ens.parts[0][0], brief, t) for t in ("quote approval takes weeks in sales", "报价审批周期过长"))
    assert feats["zh"].gap == pytest.approx(feats["zh"].dense - floor, abs=1e-5)
    c.save(tmp_path)
    assert Corpus.load(tmp_path, "case").foreign == {"zh\x1f0"}
    c.remove(["zh"])
    assert c.foreign == set()


def test_bm25_stands_in_with_the_dense_score_where_it_cannot_see():
    lists = {"dense": [("zh", 0.4), ("en", 0.2)], "bm25": [("en", 9.0), ("zh", 0.5)]}
    assert combsum_max(lists) == pytest.approx({"en": 0.5 + 1.0, "zh": 1.0 + 0.5 / 9})
    fused = combsum_max(lists, {"bm25": ("dense", {"zh"})})
    assert fused == pytest.approx({"en": 0.5 + 1.0, "zh": 1.0 + 1.0})


def test_why_it_matched_leaves_out_numbers_stop_words_and_filler():
    doc = tokenize("The project 3 of 20 tested the battery charger in project 7")
    share = {t: 0.5 for t in tokenize("project")} | {t: 0.01 for t in tokenize("battery charger")}
    got = matching_terms("project 3 battery charger test 20", doc, doc_share=share)
    assert got == ["test", "battery", "charger"]  # rarest first; no "3", "20", "the" or "project"


def test_near_duplicate_cases_are_folded_into_the_first():
    a = _hit("a", 0.9, "Vent the cells and log every test.")
    b = _hit("b", 0.8, "Vent the cells and log every test.")
    b = CaseHit(**{**b.__dict__, "title": "title a", "problem": "problem of a"})
    c = _hit("c", 0.7, "Name one owner for the outage.")
    folded = fold_duplicates([a, b, c])
    assert [x.id for x in folded] == ["a", "c"] and folded[0].duplicates == ("b",)
    assert np.isclose(folded[0].match, 0.9)


def test_cross_script_hits_use_the_cross_row():
    same = MatchFeatures(0.45, 0.2, 0.0)
    cross = MatchFeatures(0.45, 0.2, 0.0, cross=True)
    # no word can be shared across scripts: the cross row does not wait for lexical evidence
    assert match_probability(cross, "multilingual") > match_probability(same, "multilingual")
    assert match_probability(MatchFeatures(0.25, 0.1, 0.0, cross=True), "multilingual") < THRESHOLD
    # a model without a cross row falls back to its one row
    assert match_probability(cross, "all-MiniLM-L6-v2") == match_probability(same, "all-MiniLM-L6-v2")


def test_a_hit_with_passages_in_both_scripts_gets_the_better_judgement():
    cross = MatchFeatures(0.22, 0.05, 0.3, cross=True)  # its Chinese passages, by meaning alone: weak
    line = MatchFeatures(0.62, 0.3, 0.3)  # its English line (the project's name) shares the brief's words
    both = MatchFeatures(0.22, 0.05, 0.3, cross=True, also=line)
    assert match_probability(cross, "multilingual") < THRESHOLD < match_probability(both, "multilingual")
    assert match_probability(both, "multilingual") == match_probability(line, "multilingual")
    assert both.to_dict()["also"]["dense"] == 0.62


def test_a_brief_of_no_words_needs_more_meaning_to_fit():
    words, noise = MatchFeatures(0.4, 0.1, 0.3), MatchFeatures(0.4, 0.1, 0.3, words=0.0)
    assert match_probability(noise, "multilingual") < match_probability(words, "multilingual")
    cross = MatchFeatures(0.33, 0.1, 0.2, cross=True)  # a fifth of the brief's term weight in its glosses
    assert match_probability(replace(cross, words=0.0), "multilingual") < THRESHOLD < match_probability(
        cross, "multilingual")


def test_a_case_carries_the_name_of_its_project_as_a_line_of_its_own():
    from teamgraph.embeddings.corpus import passages
    from teamgraph.embeddings.documents import case_doc
    from teamgraph.graph.model import Case, Project
    case = Case("c1", "报价审批周期过长导致大客户流失", "销售、财务和法务各自审批。", project="p1")
    doc = case_doc(case, Project("p1", "Quote-to-order automation — Shenzhen 2023 (2)"))
    assert doc.text.splitlines()[-1] == "Quote-to-order automation — Shenzhen 2023 (2)"
    assert passages(doc.text)[-1] == "Quote-to-order automation — Shenzhen 2023 (2)"  # never mixed with Chinese
    assert mostly_latin(passages(doc.text)[-1]) and not mostly_latin(passages(doc.text)[0])
    assert case_doc(case, None).text == case.text()
