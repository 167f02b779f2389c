"""Contract: writes. Round-trip, idempotence, updates, deletes, atomicity, references."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from tests.tinyorg import CASES, DEPARTMENTS, EXPERTS, MEMBERSHIPS, PEOPLE, Q1, tiny_org

from teamgraph.graph.model import (
    ENTITY_TYPES, ChangeSet, CollaborationRating, Department, Expert, Membership, Person, PersonSkill,
    Skill, Viewer, record_key,
)
from teamgraph.errors import ValidationError


def test_empty_store_counts_every_kind_as_zero(store):
    assert store.counts() == {kind: 0 for kind in ENTITY_TYPES}


def test_every_entity_round_trips_exactly(tiny_store):
    org = tiny_org()
    for kind, records in org.upserts.items():
        for r in records:
            assert tiny_store.get(kind, record_key(r)) == r, (kind, record_key(r))
        streamed = sorted(tiny_store.all(kind), key=record_key)
        assert streamed == sorted(records, key=record_key), kind
    assert tiny_store.counts() == {k: len(org.upserts.get(k, ())) for k in ENTITY_TYPES}  # tinyorg has no calendar


def test_get_accepts_a_bare_id_for_nodes_and_returns_none_when_missing(tiny_store):
    assert tiny_store.get("person", "ana") == tiny_store.get("person", ("ana",)) == PEOPLE[0]
    assert tiny_store.get("person", "nobody") is None
    assert tiny_store.get("membership", ("ana", "p-crm", "no such role")) is None


def test_chinese_text_round_trips(tiny_store):
    zh = tiny_store.get("case", "c-4")
    assert zh == CASES[3] and zh.title == "招聘流程跨部门协同" and zh.tags == ("招聘", "跨部门")
    assert tiny_store.get("skill", "budgeting").aliases == ("预算编制",)
    assert tiny_store.get("expert", ("hal", "招聘")) == EXPERTS[2]
    assert [c.id for c in tiny_store.list_cases(Viewer(), language="zh")] == ["c-4"]


def test_reapplying_the_same_changes_changes_nothing(tiny_store):
    before_rev, before_counts = tiny_store.revision(), tiny_store.counts()
    report = tiny_store.apply(tiny_org())
    assert sum(report.written.values()) == 0 and sum(report.deleted.values()) == 0
    assert report.revision == before_rev == tiny_store.revision()
    assert tiny_store.counts() == before_counts


def test_empty_change_set_does_not_bump_revision(tiny_store):
    rev = tiny_store.revision()
    assert tiny_store.apply(ChangeSet()).revision == rev == tiny_store.revision()


def test_changed_rows_update_and_bump_revision(tiny_store):
    rev = tiny_store.revision()
    ana = replace(PEOPLE[0], title="Principal engineer", languages=("en", "pt", "zh"))
    report = tiny_store.apply(ChangeSet().add(ana, PEOPLE[1]))  # bo unchanged
    assert report.written == {"person": 1}
    assert ("ana",) in report.touched["person"]
    assert report.revision == tiny_store.revision() > rev
    assert tiny_store.get("person", "ana") == ana
    assert tiny_store.counts()["person"] == len(PEOPLE)


def test_changing_case_authors_changes_who_sees_a_confidential_case(tiny_store):
    c3 = CASES[2]
    tiny_store.apply(ChangeSet().add(replace(c3, authors=("eli",))))
    assert tiny_store.get_case("c-3", Viewer(person="eli")) is not None
    assert tiny_store.get_case("c-3", Viewer(person="dee")) is None


def test_delete_by_key(tiny_store):
    counts, rev = tiny_store.counts(), tiny_store.revision()
    report = tiny_store.apply(ChangeSet()
                              .delete("membership", ("cy", "p-plat", "engineer"))
                              .delete("rating", ("bo", "dee", "p-wms"))
                              .delete("case", ("c-5",))
                              .delete("person_skill", ("bo", "k8s")))
    assert report.deleted == {"membership": 1, "rating": 1, "case": 1, "person_skill": 1}
    assert report.revision == tiny_store.revision() > rev
    assert tiny_store.get("membership", ("cy", "p-plat", "engineer")) is None
    assert tiny_store.get("rating", ("bo", "dee", "p-wms")) is None
    assert tiny_store.get("case", "c-5") is None
    assert "c-5" not in tiny_store.visible_case_ids(Viewer(role="admin"))
    assert tiny_store.get("person_skill", ("bo", "k8s")) is None
    after = tiny_store.counts()
    for kind in ("membership", "rating", "case", "person_skill"):
        assert after[kind] == counts[kind] - 1
    # cy's only Q1 work was p-plat, so cy is now free
    assert tiny_store.person_profile("cy", Q1, Viewer(role="admin")).load == 0.0


def test_deleting_a_missing_key_changes_nothing(tiny_store):
    rev = tiny_store.revision()
    report = tiny_store.apply(ChangeSet().delete("person", ("nobody",)).delete("case", ("c-404",)))
    assert sum(report.deleted.values()) == 0 and tiny_store.revision() == rev


def test_deleting_a_person_removes_their_relationships(tiny_store):
    counts = tiny_store.counts()
    tiny_store.apply(ChangeSet().delete("person", ("cy",)))
    after = tiny_store.counts()
    assert after["person"] == counts["person"] - 1
    assert after["person_skill"] == counts["person_skill"] - 2  # cy: sql, python
    assert after["membership"] == counts["membership"] - 1  # cy: p-plat
    assert tiny_store.memberships_of(["cy"]) == []


def test_delete_then_upsert_in_one_change_set_replaces(tiny_store):
    old = MEMBERSHIPS[-1]
    new = replace(old, allocation=0.6)
    tiny_store.apply(ChangeSet().delete("membership", old.key).add(new))
    assert tiny_store.get("membership", old.key) == new


def test_references_inside_one_change_set_resolve(store):
    d = Department("lab", "Research lab")
    p = Person("zoe", "Zoe Lam", "zoe@example.org", "lab")
    s = Skill("rust", "Rust")
    store.apply(ChangeSet().add(PersonSkill("zoe", "rust", 4), p, s, d))  # order inside does not matter
    assert store.get("person_skill", ("zoe", "rust")) == PersonSkill("zoe", "rust", 4)


def _assert_rejected(store, changes: ChangeSet, *fragments: str) -> None:
    counts, rev = store.counts(), store.revision()
    with pytest.raises(ValidationError) as err:
        store.apply(changes)
    text = str(err.value)
    for fragment in fragments:
        assert fragment in text, text
    assert store.counts() == counts and store.revision() == rev


def test_one_bad_record_leaves_the_store_unchanged(tiny_store):
    good = Person("zoe", "Zoe Lam", "zoe@example.org", "eng")
    _assert_rejected(tiny_store, ChangeSet().add(good, Membership("zed", "p-crm", "member", 0.5)),
                     "membership", "zed")
    assert tiny_store.get("person", "zoe") is None


@pytest.mark.parametrize("bad, fragments", [
    (Person("zoe", "Zoe", "z@example.org", "marketing"), ("person", "marketing")),
    (PersonSkill("ana", "cobol", 3), ("person_skill", "cobol")),
    (Membership("ana", "p-nope", "member", 0.1), ("membership", "p-nope")),
    (CollaborationRating("ana", "nobody", "p-crm", date(2025, 7, 1)), ("rating", "nobody")),
    (Expert("nobody", "k8s"), ("expert", "nobody")),
    (replace(CASES[0], id="c-9", authors=("ghost",)), ("case", "ghost")),
    (replace(CASES[0], id="c-9", skills=("cobol",)), ("case", "cobol")),
])
def test_unknown_references_are_rejected_by_name(tiny_store, bad, fragments):
    _assert_rejected(tiny_store, ChangeSet().add(PEOPLE[0], bad), *fragments)


def test_a_department_with_people_cannot_be_deleted(tiny_store):
    _assert_rejected(tiny_store, ChangeSet().delete("department", ("eng",)), "eng")


def test_deleting_an_empty_department_works(tiny_store):
    tiny_store.apply(ChangeSet().add(Department("lab", "Lab")))
    tiny_store.apply(ChangeSet().delete("department", ("lab",)))
    assert tiny_store.get("department", "lab") is None
    assert tiny_store.counts()["department"] == len(DEPARTMENTS)
