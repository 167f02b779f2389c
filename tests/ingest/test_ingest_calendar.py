"""Ingest of phased memberships, capacity periods, time off and holidays (ingest/FORMAT.md):
good rows load and round-trip through the writer; every bad row is reported with its file,
line and field, all in one run, and nothing is written."""

from __future__ import annotations

from datetime import date

import pytest
from teamgraph.errors import ValidationError
from teamgraph.graph.model import CapacityPeriod, Holiday, Phase, TimeOff, phased
from teamgraph.ingest.loader import ingest_folder, load_folder
from teamgraph.ingest.writer import write_folder
from tests.ingest.ingest_helpers import edit, line_of, snapshot, tiny_folder

D = date


def _write(path, name: str, text: str) -> None:
    (path / name).write_text(text, encoding="utf-8")


def _calendar_folder(tmp_path):
    d = tiny_folder(tmp_path / "org")
    edit(d / "memberships.csv", "cy,p-plat,engineer,0.4,2026-02-01,2026-03-15,",
         "cy,p-plat,engineer,,,,2026-02-01..2026-02-28=0.2|2026-03-01..2026-03-15=0.6")
    _write(d, "capacity.csv", "person,start,end,capacity\nana,2026-01-01,2026-01-31,0.2\nana,2026-02-01,,0.8\n")
    _write(d, "time_off.csv", "person,start,end,reason,note\nbo,2026-02-16,2026-02-22,leave,ski week\n")
    _write(d, "holidays.csv", "location,date,name\nLisbon,2026-02-17,Carnival\n")
    return d


def test_phases_periods_leave_and_holidays_load(tmp_path):
    loaded = load_folder(_calendar_folder(tmp_path), progress=False)
    m = loaded.records["membership"][("cy", "p-plat", "engineer")]
    assert m.phases == (Phase(D(2026, 2, 1), D(2026, 2, 28), 0.2), Phase(D(2026, 3, 1), D(2026, 3, 15), 0.6))
    assert (m.allocation, m.start, m.end) == (0.6, D(2026, 2, 1), D(2026, 3, 15))  # peak and span derived
    assert loaded.records["capacity_period"][("ana", D(2026, 2, 1))] == CapacityPeriod("ana", D(2026, 2, 1), None, 0.8)
    assert loaded.records["time_off"][("bo", D(2026, 2, 16))] == TimeOff("bo", D(2026, 2, 16), D(2026, 2, 22),
                                                                        "leave", "ski week")
    assert loaded.records["holiday"][("Lisbon", D(2026, 2, 17))] == Holiday("Lisbon", D(2026, 2, 17), "Carnival")


def test_the_writer_round_trips_the_new_files(tmp_path):
    records = [phased("cy", "p-plat", [Phase(D(2026, 2, 1), D(2026, 2, 28), 0.25), Phase(D(2026, 3, 1), None, 0.5)],
                      "engineer"),
               CapacityPeriod("ana", D(2026, 2, 1), None, 0.8), TimeOff("bo", D(2026, 2, 16), D(2026, 2, 22)),
               Holiday("Lisbon", D(2026, 2, 17), "Carnival")]
    d = tiny_folder(tmp_path / "org")
    (d / "memberships.csv").unlink()
    write_folder(tmp_path / "extra", records)
    for f in (tmp_path / "extra").iterdir():
        f.rename(d / f.name)
    loaded = load_folder(d, progress=False)
    for r in records:
        assert loaded.records[r.kind][r.key] == r


def test_json_phases_are_accepted(tmp_path):
    d = tiny_folder(tmp_path / "org")
    edit(d / "memberships.csv", "cy,p-plat,engineer,0.4,2026-02-01,2026-03-15,",
         'cy,p-plat,engineer,,,,"[{""start"": ""2026-02-01"", ""end"": null, ""allocation"": 0.3}]"')
    m = load_folder(d, progress=False).records["membership"][("cy", "p-plat", "engineer")]
    assert m.phases == (Phase(D(2026, 2, 1), None, 0.3),) and m.end is None


def _bad_rows(d):
    """Each bad row and the (file, line, field, words) it must be reported with."""
    edit(d / "memberships.csv", "cy,p-plat,engineer,0.4,2026-02-01,2026-03-15,",
         "cy,p-plat,engineer,,,,2026-02-01..2026-02-28=0.2|2026-02-20..=0.5")
    edit(d / "memberships.csv", "eli,p-wms,planner,0.8,2025-03-01,2025-12-31,",
         "eli,p-wms,planner,0.8,2025-03-01,2025-12-31,2025-03-01..2025-12-31=0.6")
    edit(d / "memberships.csv", "bo,p-wms,engineer,0.5,2025-03-01,2025-12-31,",
         "bo,p-wms,engineer,,2025-03-01,2025-12-31,2025-03-01..2025-02-01=0.5")
    edit(d / "memberships.csv", "dee,p-wms,lead,0.6,2025-03-01,2025-12-31,",
         "dee,p-wms,lead,,2025-03-01,2025-12-31,2025-03-01..2025-06-30=2.5")
    edit(d / "memberships.csv", "hal,p-hire,lead,0.7,2025-09-01,2026-02-28,",
         "hal,p-hire,lead,,2025-09-01,2026-02-28,2025-09-01..2026-03-31=0.7")
    _write(d, "capacity.csv", "person,start,end,capacity\nana,2026-01-01,2026-02-28,0.2\nana,2026-02-01,,0.8\n"
                              "ghost,2026-01-01,,0.5\ngus,2026-03-01,2026-02-01,0.5\nfay,2026-01-01,,3\n")
    _write(d, "time_off.csv", "person,start,end,reason,note\nbo,2026-02-16,2026-02-22,leave,\n"
                              "bo,2026-02-20,2026-02-27,sick,\ncy,2026-01-05,,leave,\nivy,2026-01-05,2026-01-09,holiday,\n")
    _write(d, "holidays.csv", "location,date,name\nLisbon,2026-02-30,Carnival\nLisbn,2026-04-25,Freedom Day\n"
                              "lisbon ,2026-06-10,Portugal Day\nReykjavik,2026-06-17,National Day\n")
    mem, cap, off = d / "memberships.csv", d / "capacity.csv", d / "time_off.csv"
    return [
        ("memberships.csv", line_of(mem, "cy,p-plat,"), "phases", "phases overlap"),
        ("memberships.csv", line_of(mem, "eli,p-wms,"), "allocation", "either allocation or phases"),
        ("memberships.csv", line_of(mem, "bo,p-wms,"), "phases", "phase 1: end 2025-02-01 is before start"),
        ("memberships.csv", line_of(mem, "dee,p-wms,"), "phases", "phase 1: must be from 0 to 2, not 2.5"),
        ("memberships.csv", line_of(mem, "hal,p-hire,"), "phases", "after the membership's end 2026-02-28"),
        ("capacity.csv", 3, "start", "overlaps the capacity period of 'ana' on line 2"),
        ("capacity.csv", line_of(cap, "ghost,"), "person", "unknown person 'ghost'"),
        ("capacity.csv", line_of(cap, "gus,"), "end", "end 2026-02-01 is before start 2026-03-01"),
        ("capacity.csv", line_of(cap, "fay,"), "capacity", "must be from 0 to 2, not 3"),
        ("time_off.csv", 3, "start", "overlaps the time off of 'bo' on line 2"),
        ("time_off.csv", line_of(off, "cy,"), "end", "is required"),
        ("time_off.csv", line_of(off, "ivy,"), "reason", "must be one of 'leave', 'sick', 'training', 'other'"),
        ("holidays.csv", 2, "date", "not a real date"),
        ("holidays.csv", 3, "location", "no person is at location 'Lisbn' (a holiday applies to the people whose "
                                        "location is exactly its location); did you mean 'Lisbon'?"),
        ("holidays.csv", 4, "location", "did you mean 'Lisbon'?"),
    ]


def test_every_bad_row_is_named_and_nothing_is_written(store, tmp_path):
    d = tiny_folder(tmp_path / "org")
    ingest_folder(store, d, progress=False)
    before = snapshot(store)
    expected = _bad_rows(d)
    with pytest.raises(ValidationError) as e:
        ingest_folder(store, d, progress=False)
    got = [(p.file, p.line, p.field, p.message) for p in e.value.problems]
    for file, line, field, words in expected:
        assert any(f == file and ln == line and fl == field and words in msg for f, ln, fl, msg in got), \
            (file, line, field, words, got)
    assert snapshot(store) == before


def test_a_holiday_where_nobody_is_yet_is_an_offices_calendar_and_loads(store, tmp_path):
    d = _calendar_folder(tmp_path)
    _write(d, "holidays.csv", "location,date,name\nLisbon,2026-02-17,Carnival\nReykjavik,2026-06-17,National Day\n")
    ingest_folder(store, d, progress=False)
    assert store.get("holiday", ("Reykjavik", date(2026, 6, 17))).name == "National Day"


def test_overlap_with_a_stored_period_is_refused(store, tmp_path):
    d = _calendar_folder(tmp_path)
    ingest_folder(store, d, progress=False)
    before = snapshot(store)
    _write(d, "capacity.csv", "person,start,end,capacity\nana,2026-01-15,2026-03-31,0.5\n")
    with pytest.raises(ValidationError) as e:
        ingest_folder(store, d, progress=False)
    p = e.value.problems[0]
    assert (p.file, p.line, p.field) == ("capacity.csv", 2, "start") and "stored capacity period" in p.message
    assert snapshot(store) == before
    # the same start replaces the stored record: no overlap, and re-ingesting writes nothing new
    _write(d, "capacity.csv", "person,start,end,capacity\nana,2026-01-01,2026-01-31,0.3\nana,2026-02-01,,0.8\n")
    report = ingest_folder(store, d, progress=False)
    assert report.kinds["capacity_period"].written == 1 and report.kinds["capacity_period"].unchanged == 1


def test_a_phase_above_base_capacity_is_fine_under_a_higher_period(store, tmp_path):
    d = _calendar_folder(tmp_path)
    edit(d / "people.csv", "cy@example.org,eng,Engineer,Seoul,Asia/Seoul,0.8,",
         "cy@example.org,eng,Engineer,Seoul,Asia/Seoul,0.5,")
    _write(d, "capacity.csv", "person,start,end,capacity\ncy,2026-03-01,,0.8\n")
    ingest_folder(store, d, progress=False)  # 0.6 in March: over 0.5, within the March period's 0.8
    assert store.get("membership", ("cy", "p-plat", "engineer")).allocation == 0.6
