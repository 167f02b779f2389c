"""Retrieval quality with the real model (all-MiniLM-L6-v2, offline) on small real texts."""

from __future__ import annotations

from datetime import date

import pytest

from teamgraph.embeddings.encoder import load_encoder
from teamgraph.embeddings.kickoff import kickoff_package
from teamgraph.embeddings.retriever import Retriever
from teamgraph.graph.model import Case, ChangeSet, Department, Viewer
from tests.tinyorg import Q1

pytestmark = pytest.mark.model
MEMBER = Viewer(role="member")

# Short retrospectives in the style of NASA's lessons (paraphrased), plus tinyorg's five.
EXTRA = [
    Case("n-1", "Counterfeit parts from an unapproved distributor",
         "Electronic parts bought from a broker outside the approved supplier list were fakes.",
         "Quarantined the lot and audited procurement.", "Two boards were rebuilt.",
         "Buy electronic parts only from the original manufacturer or franchised distributors.",
         department="ops", date=date(2024, 5, 1)),
    Case("n-2", "Battery overheated during ground test",
         "A lithium-ion battery pack went into thermal runaway while charging in the lab.",
         "Added cell-level temperature sensors and a charge cut-off.", "No recurrence.",
         "Monitor every cell's temperature while charging lithium batteries.",
         department="eng", date=date(2024, 8, 1)),
    Case("n-3", "Units mismatch between two teams' software",
         "One contractor's software produced pound-force seconds while the other expected newton "
         "seconds, and the trajectory drifted.", "Added interface unit checks to integration tests.",
         "The spacecraft was lost.", "Specify units in every interface control document and test them.",
         department="eng", date=date(2023, 1, 1)),
]


@pytest.fixture(scope="module")
def encoder():
    return load_encoder("all-MiniLM-L6-v2")


@pytest.fixture
def retriever(tiny_store, tmp_path, encoder):
    tiny_store.apply(ChangeSet().add(*EXTRA))
    r = Retriever(tiny_store, tmp_path / "index", encoder)
    r.build(progress=False)
    return r


def test_encoder_vectors_are_normalised(encoder):
    v = encoder.encode(["hello world", "lessons learned"])
    assert v.shape == (2, 384) and v.dtype.name == "float32"
    assert abs(float((v * v).sum(axis=1).max()) - 1.0) < 1e-4
    assert load_encoder("all-MiniLM-L6-v2") is encoder  # cached per process


def test_paraphrase_without_shared_words_is_found_by_meaning(retriever):
    hits = retriever.similar_cases("fake components supplied by a vendor", MEMBER, k=3)
    assert hits[0].id == "n-1"
    assert hits[0].parts.dense_rank == 1


def test_exact_terms_help_where_meaning_is_vague(retriever):
    hits = retriever.similar_cases("newton seconds interface", MEMBER, k=3)
    assert hits[0].id == "n-3" and "newton" in hits[0].matching_terms


def test_chinese_brief_finds_chinese_case(retriever):
    hits = retriever.similar_cases("面试标准不一致，岗位画像没有对齐", MEMBER, k=3)
    assert hits[0].id == "c-4"
    assert hits[0].parts.bm25_rank == 1  # jieba tokens carry it: the default model is English-only
    assert {"面试", "岗位"} <= set(hits[0].matching_terms)


def test_experts_for_a_brief(retriever):
    hits = retriever.experts("upgrade the kubernetes cluster without breaking batch jobs", MEMBER, k=3,
                             window=Q1)
    assert hits[0].person == "ana"
    assert any(e.kind == "case" and e.id == "c-5" for e in hits[0].evidence)


def test_kickoff_for_project(retriever, tiny_store):
    tiny_store.apply(ChangeSet().add(Department("eng", "Engineering")))  # no-op write keeps revision
    pkg = kickoff_package(retriever, tiny_store, project_id="p-plat", viewer=MEMBER, k_cases=3, k_experts=3,
                          team_suggester=lambda ctx: {"members": [], "skills": ctx["skills"]})
    assert pkg.cases and all(c.project != "p-plat" for c in pkg.cases)  # its own case is not a lesson
    assert all(e.person not in ("ana", "bo", "cy") for e in pkg.experts)  # already on the project
    assert pkg.team == {"members": [], "skills": ["k8s"]}
    d = pkg.to_dict()
    assert d["window"] == {"start": "2026-01-15", "end": "2026-06-30"}
    assert len({x["text"] for x in d["lessons"]}) == len(d["lessons"])
