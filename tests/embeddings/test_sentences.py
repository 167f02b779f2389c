"""Whole sentences (abbreviations, initials, numbers, lists, Chinese) and text repair at ingest."""

from __future__ import annotations

import json

from teamgraph.embeddings.corpus import passages
from teamgraph.embeddings.evaluate import first_sentences
from teamgraph.embeddings.kickoff import lessons_to_read
from teamgraph.embeddings.results import CaseHit, ScoreParts
from teamgraph.embeddings.sentences import sentences
from teamgraph.graph.model import SYSTEM
from teamgraph.ingest.text_repair import clean_text


def test_abbreviations_and_initials_do_not_end_a_sentence():
    assert sentences("Buy parts from the OEM, e.g. a franchised distributor. Brokers sold fakes.") == [
        "Buy parts from the OEM, e.g. a franchised distributor.", "Brokers sold fakes."]
    assert sentences("The U.S. Army ran it, i.e. the range. Dr. Smith signed. See Fig. 3 and No. 12.") == [
        "The U.S. Army ran it, i.e. the range.", "Dr. Smith signed.", "See Fig. 3 and No. 12."]
    assert sentences("Pressure rose to 3.5 psi. Then the valve opened.") == [
        "Pressure rose to 3.5 psi.", "Then the valve opened."]
    assert sentences("Tools, wires, etc. were left. The next shift found them.") == [
        "Tools, wires, etc. were left.", "The next shift found them."]


def test_lists_and_numbering_are_kept_with_their_items():
    assert sentences("1. Check the seals. 2. Replace the O-ring.\n3. Test again.") == [
        "1. Check the seals.", "2. Replace the O-ring.", "3. Test again."]
    assert sentences("Lessons:\n- plan the outage\n- name one owner") == [
        "Lessons:", "- plan the outage", "- name one owner"]


def test_chinese_and_quotes():
    assert sentences("报价审批太慢。并行审批更好！流程负责人要负责") == ["报价审批太慢。", "并行审批更好！", "流程负责人要负责"]
    assert sentences('He said "stop." Then left.') == ['He said "stop."', "Then left."]


def test_the_splitter_is_the_one_for_passages_lessons_and_eval_queries():
    text = "Use approved parts, e.g. from the OEM. Do not buy from brokers. Inspect every lot."
    assert passages(text, max_words=8) == ["Use approved parts, e.g. from the OEM.",
                                           "Do not buy from brokers. Inspect every lot."]
    assert first_sentences(text) == "Use approved parts, e.g. from the OEM. Do not buy from brokers."
    hit = CaseHit("a", "t", "", "", "", text, None, None, "", "", None, "en", (), 1.0, (), (), False, False,
                  ScoreParts(1.0))
    assert [x.text for x in lessons_to_read([hit])][0] == "Use approved parts, e.g. from the OEM."


def test_lessons_come_from_several_cases_in_turn():
    def hit(cid, lesson):
        return CaseHit(cid, cid, "", "", "", lesson, None, None, "", "", None, "en", (), 1.0, (), (), False,
                       False, ScoreParts(1.0))
    a = hit("a", "Survey radio coverage before rollout. Budget a data-quality sprint. Train the pickers early.")
    b = hit("b", "Name one owner for the whole outage. Write the lockout steps down.")
    got = [(x.case, x.text) for x in lessons_to_read([a, b], limit=4)]
    assert got == [("a", "Survey radio coverage before rollout."), ("b", "Name one owner for the whole outage."),
                   ("a", "Budget a data-quality sprint."), ("b", "Write the lockout steps down.")]


def test_entities_are_decoded():
    assert clean_text("Battery quotPoppingquot During ATLO") == 'Battery "Popping" During ATLO'
    assert clean_text("electrolyte quotpoolingquot in a 1 g. environment") == 'electrolyte "pooling" in a 1 g. environment'
    assert clean_text("diameters from 0.55quot to 16.75quot") == 'diameters from 0.55" to 16.75"'
    assert clean_text("R&amp;D &raquo; Phase A &#8217;s") == "R&D » Phase A ’s"
    for word in ("the quota was met", "an aliquot of fluid", "a quotation, quoted twice"):
        assert clean_text(word) == word


def test_ingest_stores_decoded_text(tmp_path):
    from teamgraph.graph.sqlite_store import SqliteStore
    from teamgraph.ingest.loader import ingest_folder
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "departments.csv").write_text("id,name\neng,Engineering\n", encoding="utf-8")
    case = {"id": "c-1", "title": "Battery quotPoppingquot During Test", "problem": "R&amp;D saw it &raquo; twice.",
            "lesson": "Vent cells &amp; log it.", "department": "eng"}
    (folder / "cases.jsonl").write_text(json.dumps(case) + "\n", encoding="utf-8")
    store = SqliteStore(tmp_path / "s.sqlite3")
    ingest_folder(store, folder, progress=False)
    got = store.get_case("c-1", SYSTEM)
    assert (got.title, got.problem, got.lesson) == ('Battery "Popping" During Test', "R&D saw it » twice.",
                                                    "Vent cells & log it.")
