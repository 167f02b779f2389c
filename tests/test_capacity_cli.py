"""`teamgraph capacity`: HR's capacity heatmap in the terminal, the engine's grids by name."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.cli_org import tiny_cli

WEEK = ["--from", "2026-02-02", "--weeks", "3"]


@pytest.fixture
def run(tmp_path):
    from teamgraph.graph.model import ChangeSet, Membership, TimeOff
    from teamgraph.graph.sqlite_store import SqliteStore
    run = tiny_cli(tmp_path, {})
    store = SqliteStore(tmp_path / "teamgraph.sqlite3")
    # Ana: 0.2 + 0.7 already; 0.5 more in the first week → 140 %; Gus on leave in the second week
    store.apply(ChangeSet().add(Membership("ana", "p-wms", "advisor", 0.5, date(2026, 2, 2), date(2026, 2, 8)))
                .add(TimeOff("gus", date(2026, 2, 10), date(2026, 2, 11))))
    store.close()
    return run


def test_departments_by_week_mark_who_is_over_and_away_by_name(run):
    out = run("capacity", *WEEK)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "02 Feb" in lines[0] and "16 Feb" in lines[0]
    eng = next(line for line in lines if line.startswith("Engineering (3)"))  # Jon left: 3 active
    first = len(lines[0]) - 3 * 7  # three 7-character weeks under " DD Mon"
    weeks = [eng[first + 7 * k:first + 7 * k + 7] for k in range(3)]
    assert weeks[0] == " █100%!" and "!" not in weeks[1] + weeks[2]  # over capacity in the first week only
    fin = next(line for line in lines if line.startswith("Finance (2)"))
    assert "~" in fin and "!" not in fin
    assert lines[-1] == "over capacity — Engineering: 1 person in 1 week"


def test_one_departments_people_by_name_with_the_engines_figures(run):
    out = run("capacity", "--department", "engineering", *WEEK)  # a name, any case
    assert out.returncode == 0, out.stderr
    ana = next(line for line in out.stdout.splitlines() if line.startswith("Ana Lima"))
    assert "140%!" in ana and "90%" in ana
    data = json.loads(run("capacity", "--department", "eng", *WEEK, "--json").stdout)
    first = next(p for p in data["people"] if p["name"] == "Ana Lima")["cells"][0]
    assert first["util_before"] == pytest.approx(1.4) and first["over_before"] is True


def test_capacity_is_hrs_and_a_wrong_department_names_the_choices(run):
    out = run("capacity", "--as-role", "sponsor", "--as-person", "fay")
    assert out.returncode == 2 and "for HR and admins" in out.stderr
    out = run("capacity", "--department", "Enginering")
    assert out.returncode == 2 and "--department" in out.stderr and "did you mean Engineering?" in out.stderr
