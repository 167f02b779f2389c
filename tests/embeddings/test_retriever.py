"""Retriever over both stores, with the hashing stand-in encoder (the model is beside the point
here: index bookkeeping, incremental updates, visibility, persistence, staleness)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from teamgraph.embeddings.encoder import HashingEncoder
from teamgraph.embeddings.retriever import Retriever
from teamgraph.graph.model import SYSTEM, Case, ChangeSet, Viewer
from teamgraph.errors import IndexMissing, ValidationError
from tests.tinyorg import CASES, Q1

MEMBER = Viewer(role="member")  # no department, no projects: public cases only
OPS = Viewer(role="member", person="eli", department="ops", projects=frozenset({"p-wms"}))


class CountingEncoder(HashingEncoder):
    """Hashing encoder that counts how many texts it encoded (to prove updates are incremental)."""

    def __init__(self):
        super().__init__()
        self.encoded = 0

    def encode(self, texts, batch_size=64, progress=False):
        self.encoded += len(texts)
        return super().encode(texts, batch_size, progress)


@pytest.fixture
def retriever(tiny_store, tmp_path):
    r = Retriever(tiny_store, tmp_path / "index", CountingEncoder())
    r.build(progress=False)
    return r


def _ids(hits):
    return [h.id for h in hits]


def test_build_and_status(retriever, tiny_store):
    st = retriever.status()
    assert st["built"] and not st["stale"]
    assert st["sizes"] == {"case": 5, "project": 5, "person": 10}
    assert st["revision"] == tiny_store.revision()
    assert retriever.status(MEMBER)["sizes"]["case"] == 3  # a member's view counts visible cases only


def test_similar_cases_explain_why(retriever):
    hits = retriever.similar_cases("kubernetes cluster upgrade broke batch jobs", MEMBER, k=3,
                                   skills=("k8s",), prefer_department="eng")
    top = hits[0]
    assert top.id == "c-5"
    assert {"kubernetes", "upgrade", "batch"} <= set(top.matching_terms)
    assert top.shared_skills == ("k8s",) and top.same_department
    assert top.parts.dense_rank == 1 and top.parts.bm25_rank == 1 and top.parts.graph_rank == 1
    assert top.lesson.startswith("Scan manifests")
    d = top.to_dict()
    assert d["date"] == "2026-02-01" and d["why"]["parts"]["bm25_rank"] == 1


def test_confidential_case_never_leaks(retriever):
    brief = "vendor contract dispute over change requests pricing"
    assert "c-3" in _ids(retriever.similar_cases(brief, SYSTEM, k=5))
    # a member with no department or projects sees only public cases, and always k of them
    hits = retriever.similar_cases(brief, MEMBER, k=3)
    assert set(_ids(hits)) == {"c-1", "c-4", "c-5"}
    for e in retriever.experts(brief, MEMBER, k=10, window=Q1):
        assert all(ev.id not in ("c-2", "c-3") for ev in e.evidence)
    # the author of the hidden cases gets no evidence from them (test_visibility_equals_absence
    # checks the whole ranking against an organisation where they do not exist)
    dee = {e.person: e for e in retriever.experts(brief, MEMBER, k=10, window=Q1)}.get("dee")
    assert dee is None or all(ev.kind == "project" for ev in dee.evidence)


def test_visibility_equals_absence(tiny_store, tmp_path):
    """What a member gets equals what they would get if hidden cases did not exist."""
    brief = "vendor contract dispute; warehouse scanners lost wifi"
    full = Retriever(tiny_store, tmp_path / "a", HashingEncoder())
    full.build(progress=False)
    seen_cases = _ids(full.similar_cases(brief, MEMBER, k=5))
    seen_experts = [(e.person, round(e.score, 9), [x.id for x in e.evidence])
                    for e in full.experts(brief, MEMBER, k=10, window=Q1)]
    tiny_store.apply(ChangeSet().delete("case", ("c-2",), ("c-3",)))
    absent = Retriever(tiny_store, tmp_path / "b", HashingEncoder())
    absent.build(progress=False)
    assert _ids(absent.similar_cases(brief, MEMBER, k=5)) == seen_cases
    assert [(e.person, round(e.score, 9), [x.id for x in e.evidence])
            for e in absent.experts(brief, MEMBER, k=10, window=Q1)] == seen_experts


def test_department_and_project_visibility(retriever):
    brief = "warehouse scanners wifi vendor contract"
    assert "c-2" in _ids(retriever.similar_cases(brief, OPS, k=5))  # department case, ops member
    assert "c-3" in _ids(retriever.similar_cases(brief, OPS, k=5))  # confidential, on p-wms
    fin = Viewer(role="member", person="gus", department="fin", projects=frozenset({"p-crm"}))
    assert not {"c-2", "c-3"} & set(_ids(retriever.similar_cases(brief, fin, k=5)))
    assert len(retriever.similar_cases(brief, fin, k=5)) == 3


def test_filters(retriever):
    assert _ids(retriever.similar_cases("招聘", SYSTEM, k=5, language="zh")) == ["c-4"]
    assert set(_ids(retriever.similar_cases("project", SYSTEM, k=5, department="ops"))) == {"c-2", "c-3"}
    assert set(_ids(retriever.similar_cases("project", SYSTEM, k=5, process="lead-to-cash"))) == {"c-1"}
    got = _ids(retriever.similar_cases("project", SYSTEM, k=5, since=date(2025, 12, 1), until=date(2026, 1, 31)))
    assert set(got) == {"c-2", "c-4"}


def test_incremental_add_update_delete(retriever, tiny_store):
    enc = retriever.encoder
    before = enc.encoded
    new = Case("c-6", "Quantum widget recall", "Widgets overheated in the field.", lesson="Test widgets hot.",
               department="eng", skills=("python",), authors=("cy",), date=date(2026, 3, 1))
    report = tiny_store.apply(ChangeSet().add(new))
    out = retriever.update(report)
    assert out["mode"] == "incremental" and out["changed"]["case"] == 1
    assert enc.encoded - before <= 3  # the new case's passages (+ cy's profile if it changed), not everything
    assert _ids(retriever.similar_cases("quantum widget overheated", MEMBER, k=1)) == ["c-6"]
    assert any(ev.id == "c-6" for e in retriever.experts("quantum widget overheated", MEMBER, window=Q1)
               for ev in e.evidence if e.person == "cy")

    changed = dataclasses.replace(new, title="Gizmo recall", problem="Gizmos overheated.")
    retriever.update(tiny_store.apply(ChangeSet().add(changed)))
    assert _ids(retriever.similar_cases("gizmo overheated", MEMBER, k=1)) == ["c-6"]

    before = enc.encoded
    retriever.update(tiny_store.apply(ChangeSet().delete("case", ("c-6",))))
    assert enc.encoded == before  # deletes encode nothing
    assert "c-6" not in _ids(retriever.similar_cases("gizmo overheated", SYSTEM, k=10))
    assert retriever.status()["sizes"]["case"] == 5 and not retriever.status()["stale"]


def test_person_delete_removes_authorship_evidence(retriever, tiny_store):
    brief = "kubernetes upgrade broke batch jobs"
    assert "bo" in [e.person for e in retriever.experts(brief, MEMBER, window=Q1)]
    retriever.update(tiny_store.forget_person("bo"))
    assert "bo" not in [e.person for e in retriever.experts(brief, MEMBER, k=20, window=Q1)]
    assert "bo" not in retriever.person_relevance(brief, ["ana"]) and \
        retriever.person_relevance(brief, ["bo"])["bo"] == 0.0


def test_persistence_across_restarts(retriever, tiny_store, tmp_path):
    brief = "CRM migration duplicate customer records"
    first = [(h.id, h.score) for h in retriever.similar_cases(brief, MEMBER, k=3)]
    enc = CountingEncoder()
    again = Retriever(tiny_store, tmp_path / "index", enc)  # a new process: loads, does not rebuild
    assert [(h.id, h.score) for h in again.similar_cases(brief, MEMBER, k=3)] == first
    assert enc.encoded == 1  # only the query


def test_missing_and_stale_index(tiny_store, tmp_path, retriever):
    empty = Retriever(tiny_store, tmp_path / "nothing-here", HashingEncoder())
    with pytest.raises(IndexMissing, match="teamgraph index build"):
        empty.similar_cases("anything", MEMBER)
    assert empty.status()["built"] is False
    tiny_store.apply(ChangeSet().add(dataclasses.replace(CASES[0], title="CRM cleanup, revised")))
    assert retriever.status()["stale"]
    with pytest.raises(IndexMissing, match="teamgraph index update"):
        retriever.similar_cases("crm", MEMBER)
    syncing = Retriever(tiny_store, tmp_path / "index", HashingEncoder(), on_stale="sync")
    assert syncing.similar_cases("CRM cleanup revised", MEMBER, k=1)[0].id == "c-1"
    assert not syncing.status()["stale"]


def test_model_mismatch_is_missing(retriever, tiny_store, tmp_path):
    class Other(HashingEncoder):
        def __init__(self):
            super().__init__()
            self.name = "another-model"
    with pytest.raises(IndexMissing, match="another-model"):
        Retriever(tiny_store, tmp_path / "index", Other()).similar_cases("crm", MEMBER)


def test_experts_show_load_and_discount(retriever):
    hits = retriever.experts("kubernetes platform upgrade", MEMBER, k=5, skills=("k8s",), window=Q1)
    ana = next(h for h in hits if h.person == "ana")
    assert ana.load == pytest.approx(0.9) and ana.load_discount == pytest.approx(0.8)
    assert ("k8s", 4, "confirmed") in ana.skills and ana.ratings is None  # ratings: privileged only
    hr = retriever.experts("kubernetes platform upgrade", Viewer(role="hr"), k=5, skills=("k8s",), window=Q1)
    assert next(h for h in hr if h.person == "ana").ratings["count"] == 2
    assert all(h.person != "jon" for h in hits)  # leavers are not experts to consult
    assert hits == sorted(hits, key=lambda h: -h.score)
    rel = retriever.person_relevance("kubernetes platform upgrade", ["ana", "hal", "nobody"], skills=("k8s",))
    assert 0.0 <= rel["hal"] < rel["ana"] <= 1.0 and rel["nobody"] == 0.0


def test_empty_brief_is_rejected(retriever):
    with pytest.raises(ValidationError):
        retriever.similar_cases("   ", MEMBER)
