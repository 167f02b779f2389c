"""Types the parsers hand the validator (YAML dates vs datetimes, numbers, nesting, odd
characters, huge fields) and e-mails already in the store: each is refused with a problem
naming file, line and field, without a traceback, and the store is left exactly as it was."""

from __future__ import annotations

import json

import pytest

from teamgraph.errors import ValidationError
from teamgraph.ingest.formats import MAX_FIELD_CHARS
from teamgraph.ingest.loader import ingest_folder, load_folder
from tests.ingest.ingest_helpers import edit, line_of, snapshot, tiny_folder


def _refused(store, folder, file, line, field, message):
    """Ingest `folder` into `store` (already holding the tiny org): refused with that problem,
    store unchanged."""
    before = snapshot(store)
    with pytest.raises(ValidationError) as e:
        ingest_folder(store, folder, progress=False)
    hits = [p for p in e.value.problems
            if (p.file, p.line, p.field) == (file, line, field) and message in p.message]
    assert hits, f"expected {file}:{line}: {field}: …{message}… in\n{e.value}"
    str(e.value).encode("utf-8")  # printable: no lone surrogates in any message
    assert snapshot(store) == before
    return e.value


@pytest.fixture
def loaded(store, tmp_path):
    ingest_folder(store, tiny_folder(tmp_path / "good"), progress=False)
    return store


def _md(tmp_path):
    return tiny_folder(tmp_path / "bad", cases_as_markdown=True)


# --- Markdown front matter dates --------------------------------------------------------------

@pytest.mark.parametrize("value, message", [
    ("2025-07-01 12:30:00", "must be an ISO date YYYY-MM-DD"),
    ("2025-07-01T12:30:00Z", "must be an ISO date YYYY-MM-DD"),
    ("!!timestamp 2025-07-01 12:30:00", "has a time"),
    ("2026-02-30", "'2026-02-30' is not a real date"),
    ("'2026-02-30'", "'2026-02-30' is not a real date"),
])
def test_front_matter_date_must_be_a_real_date_without_time(loaded, tmp_path, value, message):
    d = _md(tmp_path)
    edit(d / "cases" / "c-1.md", "date: '2025-07-01'", f"date: {value}")
    _refused(loaded, d, "cases/c-1.md", line_of(d / "cases" / "c-1.md", "date:"), "date", message)


def test_front_matter_scalars_stay_text(tmp_path):
    """YAML 1.1 would turn `010` into 8 and `yes` into True; front matter values are text."""
    d = _md(tmp_path)
    edit(d / "cases" / "c-1.md", "title: CRM data cleanup took twice as long as planned", "title: yes")
    edit(d / "cases" / "c-1.md", "- data quality", "- 010")
    case = load_folder(d, progress=False).records["case"][("c-1",)]
    assert case.title == "yes" and case.tags == ("crm", "010")


# --- nesting, huge numbers, lone surrogates ----------------------------------------------------

def _jsonl_case(d, raw_problem: str) -> int:
    with (d / "cases.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"id": "c-9", "title": "t", "problem": ' + raw_problem + '}\n')
    return len((d / "cases.jsonl").read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("raw, field, message", [
    ("[" * 100_000 + "]" * 100_000, None, "nested more than"),
    ("1" * 5000, None, "5,000 digits"),
    ('"\\ud800"', "problem", "U+D800"),
    ('"ok", "\\ud800x": 1', "\\ud800x", "unknown field"),
    ("NaN", None, "NaN"),
])
def test_jsonl_types_are_refused_without_traceback(loaded, tmp_path, raw, field, message):
    d = tiny_folder(tmp_path / "bad")
    line = _jsonl_case(d, raw)
    _refused(loaded, d, "cases.jsonl", line, field, message)


@pytest.mark.parametrize("value, message", [
    ("[" * 20_000 + "]" * 20_000, "nested more than"),
    ("1" * 5000, None),
    ('"\\ud800"', "U+D800"),
    ("!!int " + "1" * 5000, "5,000 digits"),
])
def test_front_matter_types_are_refused_without_traceback(loaded, tmp_path, value, message):
    d = _md(tmp_path)
    edit(d / "cases" / "c-1.md", "title: CRM data cleanup took twice as long as planned", f"title: {value}")
    line = line_of(d / "cases" / "c-1.md", "title:")
    if message is None:  # a plain 5000-digit scalar is just (valid) text
        assert load_folder(d, progress=False).records["case"][("c-1",)].title == "1" * 5000
        return
    before = snapshot(loaded)
    with pytest.raises(ValidationError) as e:
        ingest_folder(loaded, d, progress=False)
    hits = [p for p in e.value.problems if p.file == "cases/c-1.md" and p.line == line and message in p.message]
    assert hits, str(e.value)
    str(e.value).encode("utf-8")
    assert snapshot(loaded) == before


# --- CSV field sizes --------------------------------------------------------------------------

def test_csv_field_over_the_csv_module_default_is_fine(loaded, tmp_path):
    d = tiny_folder(tmp_path / "big")
    long = "x" * 200_000
    edit(d / "projects.csv", "Hire 20 engineers in a quarter.", long)
    assert load_folder(d, progress=False).records["project"][("p-hire",)].description == long


@pytest.mark.parametrize("size", [MAX_FIELD_CHARS + 1, 20 * MAX_FIELD_CHARS])
def test_csv_field_over_the_limit_names_file_line_and_field(loaded, tmp_path, size):
    d = tiny_folder(tmp_path / "bad")
    edit(d / "projects.csv", "Hire 20 engineers in a quarter.", '"' + "x\n" * (size // 2 + 1) + '"')
    e = _refused(loaded, d, "projects.csv", line_of(d / "projects.csv", "p-hire,"), "description",
                 f"at most {MAX_FIELD_CHARS:,}")
    assert len(str(e)) < 10_000  # the value itself is not echoed


# --- control characters and U+FEFF ------------------------------------------------------------

@pytest.mark.parametrize("old, new, field, message", [
    ("bo,Bo Chen,", "b\x00o,Bo Chen,", "id", "U+0000"),
    ("bo,Bo Chen,", "\ufeffbo,Bo Chen,", "id", "U+FEFF"),
    ("bo,Bo Chen,", "bo\x07,Bo Chen,", "id", "U+0007"),
    ("bo,Bo Chen,", "bo,\ufeffBo Chen,", "name", "U+FEFF"),
    ("bo,Bo Chen,", "bo,Bo\x00 Chen,", "name", "U+0000"),
    ("bo,Bo Chen,", 'bo,"Bo\nChen",', "name", "U+000A"),
    ("bo,Bo Chen,", "bo,Bo\x1b[31m Chen,", "name", "U+001B"),
    ("bo,Bo Chen,", "bo,Bo\u202eChen,", "name", "U+202E"),
])
def test_control_and_invisible_characters_in_ids_and_names(loaded, tmp_path, old, new, field, message):
    d = tiny_folder(tmp_path / "bad")
    edit(d / "people.csv", old, new)
    line = next(n for n, ln in enumerate((d / "people.csv").read_text(encoding="utf-8").split("\n"), 1)
                if "Bo" in ln or "b\x00o" in ln)
    _refused(loaded, d, "people.csv", line, field, message)


def test_a_byte_order_mark_at_the_start_of_a_csv_file_is_encoding(tmp_path):
    d = tiny_folder(tmp_path / "bom")
    raw = (d / "people.csv").read_bytes()
    (d / "people.csv").write_bytes(b"\xef\xbb\xbf" + raw)
    assert ("ana",) in load_folder(d, progress=False).records["person"]


def test_control_characters_in_free_text(loaded, tmp_path):
    d = tiny_folder(tmp_path / "bad")
    edit(d / "projects.csv", "Hire 20 engineers in a quarter.", "Hire 20\x00 engineers.")
    _refused(loaded, d, "projects.csv", line_of(d / "projects.csv", "p-hire,"), "description", "U+0000")


def test_line_breaks_in_free_text_are_fine(tmp_path):
    d = tiny_folder(tmp_path / "ok")
    edit(d / "projects.csv", "Hire 20 engineers in a quarter.", '"Hire 20 engineers\r\n\tin a quarter."')
    got = load_folder(d, progress=False).records["project"][("p-hire",)].description
    assert got == "Hire 20 engineers\r\n\tin a quarter."


# --- KPIs must be finite ----------------------------------------------------------------------

@pytest.mark.parametrize("kpis", ["cycle_time_days=1e309", "cycle_time_days=Infinity", "cycle_time_days=-inf",
                                  "cycle_time_days=NaN", '"{""cycle_time_days"": Infinity}"',
                                  '"{""cycle_time_days"": 1e309}"', '"{""a"": ' + "9" * 5000 + '}"',
                                  '"{""a"": ' + "[" * 100_000 + '}"'])
def test_kpis_must_be_finite_numbers(loaded, tmp_path, kpis):
    d = tiny_folder(tmp_path / "bad")
    edit(d / "projects.csv", "cycle_time_days=21.0", kpis)
    _refused(loaded, d, "projects.csv", line_of(d / "projects.csv", "p-crm,"), "kpis", "")


def test_kpis_round_trip_as_json(loaded, tmp_path):
    d = tiny_folder(tmp_path / "ok")
    edit(d / "projects.csv", "cycle_time_days=21.0", "cycle_time_days=1.5e300")
    kpis = load_folder(d, progress=False).records["project"][("p-crm",)].kpis
    json.dumps(kpis, allow_nan=False)


# --- e-mails against the store ----------------------------------------------------------------

def test_duplicate_email_against_the_store(loaded, tmp_path):
    d = tmp_path / "new"
    d.mkdir()
    (d / "people.csv").write_text("id,name,email,department\nzoe,Zoe Roe,BO@example.org,eng\n", encoding="utf-8")
    _refused(loaded, d, "people.csv", 2, "email", "already used by person 'bo' in the store")


def test_swapping_emails_within_the_folder_is_fine(loaded, tmp_path):
    d = tmp_path / "swap"
    d.mkdir()
    (d / "people.csv").write_text("id,name,email,department\n"
                                  "ana,Ana Lima,bo@example.org,eng\nbo,Bo Chen,ana@example.org,eng\n",
                                  encoding="utf-8")
    report = ingest_folder(loaded, d, progress=False)
    assert report.written == 2 and loaded.get("person", "ana").email == "bo@example.org"


def test_keeping_ones_own_email_is_fine(loaded, tmp_path):
    d = tmp_path / "same"
    d.mkdir()
    (d / "people.csv").write_text("id,name,email,department\nbo,Bo Chen,BO@example.org,ops\n", encoding="utf-8")
    ingest_folder(loaded, d, progress=False)
    assert loaded.get("person", "bo").department == "ops"



# --- file names ---------------------------------------------------------------------------------

def test_a_file_name_that_is_not_utf8_is_reported_printably(tmp_path):
    import os

    d = tiny_folder(tmp_path / "bad", cases_as_markdown=True)
    os.rename(d / "cases" / "c-1.md", os.path.join(os.fsencode(d / "cases"), b"c-\xff.md"))
    with pytest.raises(ValidationError) as e:
        load_folder(d, progress=False)
    assert any("not valid UTF-8" in p.message and p.file.startswith("cases/c-") for p in e.value.problems)
    str(e.value).encode("utf-8")


def test_an_unknown_column_with_control_characters_is_named_printably(tmp_path):
    d = tiny_folder(tmp_path / "bad")
    edit(d / "experts.csv", "person,topic,source", "person,topic,source,\x1b[2Jmood")
    with pytest.raises(ValidationError) as e:
        load_folder(d, progress=False)
    assert any(p.file == "experts.csv" and p.line == 1 and p.field == "\\x1b[2Jmood" for p in e.value.problems), \
        str(e.value)
    assert "\x1b" not in str(e.value)


def test_the_store_check_also_works_by_scanning_for_big_folders(loaded, tmp_path, monkeypatch):
    from teamgraph.ingest import validate

    monkeypatch.setattr(validate, "SMALL_FOLDER", 0)
    d = tmp_path / "new"
    d.mkdir()
    (d / "people.csv").write_text("id,name,email,department\nbo,Bo Chen,bo@example.org,eng\n"
                                  "zoe,Zoe Roe,Cy@Example.org,eng\n", encoding="utf-8")
    _refused(loaded, d, "people.csv", 3, "email", "already used by person 'cy' in the store")


def test_replace_frees_the_emails_of_the_people_it_deletes(store, tmp_path):
    d = tmp_path / "first"
    d.mkdir()
    (d / "departments.csv").write_text("id,name\neng,Engineering\n", encoding="utf-8")
    (d / "people.csv").write_text("id,name,email,department\nana,Ana,ana@example.org,eng\n"
                                  "bo,Bo,bo@example.org,eng\n", encoding="utf-8")
    ingest_folder(store, d, progress=False)
    (d / "people.csv").write_text("id,name,email,department\nana,Ana,ana@example.org,eng\n"
                                  "zoe,Zoe,bo@example.org,eng\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="already used by person 'bo' in the store"):
        ingest_folder(store, d, progress=False)
    ingest_folder(store, d, replace=True, progress=False)
    assert store.get("person", "bo") is None and store.get("person", "zoe").email == "bo@example.org"
