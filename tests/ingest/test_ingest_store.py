"""Ingest against real stores (both backends): round trip, idempotence, updates, dry run, replace."""

from __future__ import annotations


import pytest


from tests.ingest.ingest_helpers import assert_store_holds, edit, snapshot, tiny_folder
from teamgraph.ingest.loader import STORE_FILE, ingest_folder
from teamgraph.errors import ValidationError
from tests.tinyorg import tiny_org


@pytest.mark.parametrize("markdown", [False, True], ids=["cases.jsonl", "cases-md"])
def test_good_folder_round_trips(store, tmp_path, markdown):
    folder = tiny_folder(tmp_path / "org", cases_as_markdown=markdown)
    report = ingest_folder(store, folder, progress=False)
    expected = tiny_org()
    assert store.counts() == {k: len(expected.upserts.get(k, [])) for k in store.counts()}
    assert_store_holds(store, expected)
    assert report.kinds["person"].read == 10 and report.kinds["person"].written == 10
    assert report.written == len(expected) and report.revision_after > report.revision_before
    assert report.to_dict()["kinds"]["case"] == {"read": 5, "written": 5, "unchanged": 0, "deleted": 0}


def test_reingest_changes_nothing(store, tmp_path):
    folder = tiny_folder(tmp_path / "org")
    ingest_folder(store, folder, progress=False)
    before = snapshot(store)
    report = ingest_folder(store, folder, progress=False)
    assert snapshot(store) == before
    assert report.written == 0 and not report.changed
    assert report.kinds["membership"].unchanged == 12


def test_changed_rows_update_only_them(store, tmp_path):
    folder = tiny_folder(tmp_path / "org")
    ingest_folder(store, folder, progress=False)
    rev = store.revision()
    edit(folder / "people.csv", "Controller,Hong Kong", "CFO,Hong Kong")
    edit(folder / "person_skills.csv", "gus,budgeting,3", "gus,budgeting,4")
    report = ingest_folder(store, folder, progress=False)
    assert report.kinds["person"].written == 1 and report.kinds["person"].unchanged == 9
    assert report.kinds["person_skill"].written == 1
    assert report.written == 2
    assert store.get("person", "fay").title == "CFO"
    assert store.get("person_skill", ("gus", "budgeting")).level == 4
    assert store.revision() > rev


def test_dry_run_writes_nothing(store, tmp_path):
    folder = tiny_folder(tmp_path / "org")
    before = snapshot(store)
    report = ingest_folder(store, folder, dry_run=True, progress=False)
    assert snapshot(store) == before
    assert report.dry_run and report.written == len(tiny_org())
    assert "would write" in report.describe()


def test_partial_folder_resolves_references_in_the_store(store, tmp_path):
    ingest_folder(store, tiny_folder(tmp_path / "org"), progress=False)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "memberships.csv").write_text(
        "person,project,role,allocation,start,end\ngus,p-new,analyst,0.3,2026-04-01,2026-09-30\n", encoding="utf-8")
    report = ingest_folder(store, extra, progress=False)
    assert report.kinds == {"membership": report.kinds["membership"]} and report.written == 1
    assert store.get("membership", ("gus", "p-new", "analyst")).allocation == 0.3


def test_replace_deletes_records_missing_from_the_folder(store, tmp_path):
    folder = tiny_folder(tmp_path / "org")
    ingest_folder(store, folder, progress=False)
    edit(folder / "experts.csv", "hal,招聘,nominated\n", "")
    report = ingest_folder(store, folder, progress=False)  # without --replace: kept
    assert report.deleted == 0 and store.get("expert", ("hal", "招聘")) is not None
    report = ingest_folder(store, folder, replace=True, progress=False)
    assert report.kinds["expert"].deleted == 1 and report.written == 0
    assert store.get("expert", ("hal", "招聘")) is None
    assert store.counts()["expert"] == 2


def test_replace_refuses_to_orphan_records_of_other_kinds(store, tmp_path):
    ingest_folder(store, tiny_folder(tmp_path / "org"), progress=False)
    only_people = tmp_path / "people-only"
    only_people.mkdir()
    src = (tmp_path / "org" / "people.csv").read_text(encoding="utf-8")
    (only_people / "people.csv").write_text("".join(line for line in src.splitlines(True)
                                                    if not line.startswith("cy,")), encoding="utf-8")
    before = snapshot(store)
    with pytest.raises(ValidationError) as e:
        ingest_folder(store, only_people, replace=True, progress=False)
    assert snapshot(store) == before
    files = {p.file for p in e.value.problems}
    assert files == {STORE_FILE}
    assert any(p.field == "person" and "'cy'" in p.message for p in e.value.problems)
