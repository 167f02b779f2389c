"""Bad input: every problem names its exact file, line and field, all are reported in one run,
and the store is left exactly as it was (counts and revision)."""

from __future__ import annotations

from pathlib import Path

import pytest


from tests.ingest.ingest_helpers import edit, line_of, snapshot, tiny_folder
from teamgraph.ingest.loader import ingest_folder, load_folder
from teamgraph.errors import ValidationError


def _unknown_department(d):
    edit(d / "people.csv", "dee@example.org,ops,", "dee@example.org,opz,")
    return "people.csv", line_of(d / "people.csv", "dee,"), "department", "unknown department 'opz'"


def _level_seven(d):
    edit(d / "person_skills.csv", "cy,sql,4,", "cy,sql,7,")
    return "person_skills.csv", line_of(d / "person_skills.csv", "cy,sql,"), "level", "must be from 1 to 5, not 7"


def _end_before_start(d):
    edit(d / "memberships.csv", "cy,p-plat,engineer,0.4,2026-02-01,2026-03-15", "cy,p-plat,engineer,0.4,2026-02-01,2026-01-15")
    return ("memberships.csv", line_of(d / "memberships.csv", "cy,p-plat,"), "end",
            "end 2026-01-15 is before start 2026-02-01")


def _unknown_person_in_membership(d):
    edit(d / "memberships.csv", "eli,p-wms,", "zed,p-wms,")
    return "memberships.csv", line_of(d / "memberships.csv", "zed,p-wms,"), "person", "unknown person 'zed'"


def _duplicate_id(d):
    with (d / "projects.csv").open("a", encoding="utf-8") as f:
        f.write("p-crm,CRM migration again,,,,,,,,closed,,\n")
    first = line_of(d / "projects.csv", "p-crm,")
    last = len((d / "projects.csv").read_text(encoding="utf-8").splitlines())
    return "projects.csv", last, "id", f"duplicate project 'p-crm'; first defined on line {first}"


def _broken_utf8(d):
    raw = (d / "people.csv").read_bytes().replace("Bo Chen".encode(), b"Bo \xff\xfeChen")
    (d / "people.csv").write_bytes(raw)
    return "people.csv", line_of_bytes(d / "people.csv", b"bo,"), None, "invalid UTF-8"


def _missing_column(d):
    lines = (d / "people.csv").read_text(encoding="utf-8").splitlines(True)
    (d / "people.csv").write_text("".join(",".join(ln.rstrip("\n").split(",")[:2] + ln.rstrip("\n").split(",")[3:]) + "\n"
                                          for ln in lines), encoding="utf-8")
    return "people.csv", 1, "email", "required column 'email' is missing"


def _bad_date(d):
    edit(d / "projects.csv", "2025-03-01,2025-12-31", "2025-02-30,2025-12-31")
    return "projects.csv", line_of(d / "projects.csv", "p-wms,"), "start", "'2025-02-30' is not a real date"


def _unknown_column(d):
    text = (d / "experts.csv").read_text(encoding="utf-8").splitlines()
    (d / "experts.csv").write_text("\n".join([text[0] + ",mood"] + [t + ",happy" for t in text[1:]]) + "\n",
                                   encoding="utf-8")
    return "experts.csv", 1, "mood", "unknown column 'mood'"


def _unknown_skill_in_case(d):
    edit(d / "cases.jsonl", '"skills": ["logistics"]', '"skills": ["logistics", "forklifts"]')
    return "cases.jsonl", line_of(d / "cases.jsonl", '{"id": "c-2"'), "skills", "unknown skill 'forklifts'"


def _skill_cycle(d):
    edit(d / "skills.csv", "programming,Computer programming,,,digital", "programming,Computer programming,,python,digital")
    return "skills.csv", line_of(d / "skills.csv", "programming,"), "broader", "cycle"


def _allocation_over_capacity(d):
    edit(d / "memberships.csv", "cy,p-plat,engineer,0.4,", "cy,p-plat,engineer,0.9,")
    return ("memberships.csv", line_of(d / "memberships.csv", "cy,p-plat,"), "allocation",
            "allocation 0.9 exceeds the capacity 0.8 of person 'cy'")


def _self_rating(d):
    edit(d / "ratings.csv", "eli,dee,p-wms", "eli,eli,p-wms")
    return "ratings.csv", line_of(d / "ratings.csv", "eli,eli,"), "ratee", "cannot rate themselves"


def _bad_email(d):
    edit(d / "people.csv", "gus@example.org", "gus-at-example.org")
    return "people.csv", line_of(d / "people.csv", "gus,"), "email", "is not an email address"


def _bad_enum(d):
    edit(d / "cases.jsonl", '"visibility": "confidential"', '"visibility": "secret"')
    return "cases.jsonl", line_of(d / "cases.jsonl", '{"id": "c-3"'), "visibility", "not 'secret'"


def line_of_bytes(path: Path, prefix: bytes) -> int:
    return next(n for n, line in enumerate(path.read_bytes().split(b"\n"), 1) if line.startswith(prefix))


CASES = [_unknown_department, _level_seven, _end_before_start, _unknown_person_in_membership, _duplicate_id,
         _broken_utf8, _missing_column, _bad_date, _unknown_column, _unknown_skill_in_case, _skill_cycle,
         _allocation_over_capacity, _self_rating, _bad_email, _bad_enum]


@pytest.mark.parametrize("mutate", CASES, ids=[c.__name__.strip("_") for c in CASES])
def test_bad_input_names_file_line_field_and_leaves_store_unchanged(store, tmp_path, mutate):
    good = tiny_folder(tmp_path / "good")
    ingest_folder(store, good, progress=False)
    before = snapshot(store)
    bad = tiny_folder(tmp_path / "bad")
    file, line, field, message = mutate(bad)
    with pytest.raises(ValidationError) as e:
        ingest_folder(store, bad, progress=False)
    hits = [p for p in e.value.problems if (p.file, p.line, p.field) == (file, line, field) and message in p.message]
    assert hits, f"expected {file}:{line}: {field}: …{message}… in\n{e.value}"
    assert snapshot(store) == before


def test_all_problems_are_reported_in_one_run(store, tmp_path):
    d = tiny_folder(tmp_path / "bad")
    expected = [m(d) for m in (_unknown_department, _level_seven, _unknown_person_in_membership, _bad_date,
                               _broken_utf8, _unknown_skill_in_case)]
    before = snapshot(store)
    with pytest.raises(ValidationError) as e:
        ingest_folder(store, d, progress=False)
    got = {(p.file, p.line, p.field) for p in e.value.problems}
    assert {(f, ln, fld) for f, ln, fld, _ in expected} <= got
    assert snapshot(store) == before
    assert str(e.value).splitlines()[0].endswith("nothing was written")


def test_markdown_case_problems_point_at_their_lines(tmp_path):
    d = tiny_folder(tmp_path / "md", cases_as_markdown=True)
    path = d / "cases" / "c-1.md"
    edit(path, "visibility: public", "visibility: everyone")
    edit(path, "## Lesson", "## Lessons")
    with pytest.raises(ValidationError) as e:
        load_folder(d, progress=False)
    got = {(p.file, p.line, p.field) for p in e.value.problems}
    assert ("cases/c-1.md", line_of(path, "visibility:"), "visibility") in got
    assert ("cases/c-1.md", line_of(path, "## Lessons"), None) in got


def test_bom_and_crlf_files_load(tmp_path):
    d = tiny_folder(tmp_path / "bom")
    for name in ("people.csv", "skills.csv"):
        text = (d / name).read_text(encoding="utf-8")
        (d / name).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    loaded = load_folder(d, progress=False)
    assert loaded.records["person"][("ana",)].name == "Ana Lima"
    assert loaded.records["skill"][("k8s",)].aliases == ("k8s", "容器编排")


def test_chinese_text_round_trips(store, tmp_path):
    d = tiny_folder(tmp_path / "zh")
    with (d / "people.csv").open("a", encoding="utf-8") as f:
        f.write("wf,王芳,wang.fang@example.org,fin,财务经理,上海,Asia/Shanghai,1.0,95.0,zh|en,active\n")
    ingest_folder(store, d, progress=False)
    assert store.get("person", "wf").name == "王芳"
    assert store.get("person", "wf").title == "财务经理"
    case = store.get("case", "c-4")
    assert case.title == "招聘流程跨部门协同" and case.tags == ("招聘", "跨部门")


def test_utf16_file_is_rejected_with_a_clear_message(tmp_path):
    d = tiny_folder(tmp_path / "u16")
    (d / "departments.csv").write_bytes((d / "departments.csv").read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(ValidationError) as e:
        load_folder(d, progress=False)
    assert any(p.file == "departments.csv" and p.line == 1 and "UTF-16" in p.message for p in e.value.problems)


def test_unknown_data_file_is_an_error(tmp_path):
    d = tiny_folder(tmp_path / "typo")
    (d / "people.csv").rename(d / "peopel.csv")
    with pytest.raises(ValidationError) as e:
        load_folder(d, progress=False)
    assert any(p.file == "peopel.csv" and "unknown data file" in p.message for p in e.value.problems)


def test_multiline_quoted_field_keeps_physical_line_numbers(tmp_path):
    d = tiny_folder(tmp_path / "ml")
    edit(d / "projects.csv", "Move sales pipeline to the new CRM; lead-to-cash data cleanup.",
         '"Move sales pipeline to the new CRM;\nlead-to-cash data cleanup."')
    edit(d / "projects.csv", "2025-03-01,2025-12-31", "2025-03-01,2025-02-28")  # p-wms, after the 2-line record
    with pytest.raises(ValidationError) as e:
        load_folder(d, progress=False)
    assert [(p.file, p.line, p.field) for p in e.value.problems] == [
        ("projects.csv", line_of(d / "projects.csv", "p-wms,"), "end")]
    assert line_of(d / "projects.csv", "p-wms,") == 4  # header, p-crm on lines 2–3


def test_unknown_reference_suggests_a_close_id_and_bad_timezone(tmp_path):
    d = tiny_folder(tmp_path / "sg")
    edit(d / "memberships.csv", "eli,p-wms,", "eli,p-wmz,")
    edit(d / "people.csv", "Europe/Prague", "Europe/Praha-ish")
    with pytest.raises(ValidationError) as e:
        load_folder(d, progress=False)
    msgs = {p.field: p.message for p in e.value.problems}
    assert "did you mean 'p-wms'?" in msgs["project"]
    assert "not an IANA time zone" in msgs["timezone"]


def test_duplicate_case_across_jsonl_and_markdown_names_both_places(tmp_path):
    d = tiny_folder(tmp_path / "dup")
    (d / "cases").mkdir()
    (d / "cases" / "again.md").write_text("---\nid: c-2\ntitle: Again\n---\n## Problem\nSame id.\n", encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        load_folder(d, progress=False)
    [p] = e.value.problems
    assert (p.file, p.line, p.field) == ("cases/again.md", 1, "id")
    first = line_of(d / "cases.jsonl", '{"id": "c-2"')
    assert p.message.endswith(f"first defined on cases.jsonl:{first}")
