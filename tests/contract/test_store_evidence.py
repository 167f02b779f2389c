"""Contract: evidence linking people to cases they wrote and projects they worked on."""

from __future__ import annotations

from datetime import date

from tests.tinyorg import CASES, MEMBERSHIPS

from teamgraph.graph.reads import EvidenceLink


def test_evidence_for_one_person(tiny_store):
    # dee wrote c-2 (2025-12-15) and c-3 (2025-11-01) and led p-wms until 2025-12-31
    assert tiny_store.evidence(["dee"]) == [
        EvidenceLink("dee", "authored", "c-2", None, date(2025, 12, 15)),
        EvidenceLink("dee", "authored", "c-3", None, date(2025, 11, 1)),
        EvidenceLink("dee", "member", "p-wms", "lead", date(2025, 12, 31)),
    ]


def test_evidence_for_everyone(tiny_store):
    got = tiny_store.evidence()
    # c-1 ana+gus, c-2 dee, c-3 dee, c-4 hal+ivy, c-5 ana+bo: 8 author links
    authored = {(p, c.id) for c in CASES for p in c.authors}
    members = {(m.person, m.project, m.role) for m in MEMBERSHIPS}  # 12
    assert {(e.person, e.target) for e in got if e.kind == "authored"} == authored
    assert {(e.person, e.target, e.role) for e in got if e.kind == "member"} == members
    assert len(got) == len(authored) + len(members) == 20
    assert got == sorted(got, key=lambda e: (e.person, e.kind, e.target))


def test_evidence_for_unknown_or_no_people(tiny_store):
    assert tiny_store.evidence(["nobody"]) == []
    assert tiny_store.evidence([]) == []
