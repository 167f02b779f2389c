"""`teamgraph whatif` and `teamgraph scenarios`: the engine's what-if rules from the command line."""

from __future__ import annotations

import json

import pytest

from tests.cli_org import tiny_cli

REQUEST = """name: Pricing engine
project: p-new
window: {start: 2026-04-01, end: 2026-06-30}
allocation: 0.3
budget: 60000
size: {min: 2, max: 4}
requirements:
  - {skill: python, level: 4}
  - {skill: Budgeting, level: 3}
"""
SCENARIO = """name: Hire a Python engineer, Bo at half time
changes:
  - hire:
      name: Planned engineer
      department: Engineering
      skills: {Python: 5, SQL: 4}
      cost_rate: 50
  - allocation: {person: Bo Chen, project: Platform upgrade, allocation: 0.5}
"""


@pytest.fixture
def run(tmp_path):
    return tiny_cli(tmp_path, {"request.yaml": REQUEST, "scenario.yaml": SCENARIO})


def test_whatif_side_by_side_then_apply(run):
    checked = run("whatif", "scenario.yaml")
    assert checked.returncode == 0, checked.stderr
    assert "valid, 2 change(s)" in checked.stdout and "Bo Chen on Platform upgrade at 50%" in checked.stdout
    assert "would write 1 person, 2 person_skill, 1 membership" in checked.stdout
    out = run("whatif", "scenario.yaml", "--request", "request.yaml", "--no-relevance")
    assert out.returncode == 0, out.stderr
    assert "current plan" in out.stdout and "with the scenario" in out.stdout
    assert "people: added Planned engineer" in out.stdout
    data = json.loads(run("whatif", "scenario.yaml", "--request", "request.yaml", "--no-relevance", "--json").stdout)
    assert data["with_scenario"]["coverage"]["met"] == data["with_scenario"]["coverage"]["total"] == 2
    assert data["with_scenario"]["cost"] is not None
    sponsor = run("whatif", "scenario.yaml", "--request", "request.yaml", "--no-relevance",
                  "--as-role", "sponsor", "--as-person", "fay")
    assert sponsor.returncode == 2 and "'allocation' moves someone's load" in sponsor.stderr
    assert run("whatif", "scenario.yaml", "--apply", "--as-role", "sponsor", "--as-person", "fay").returncode == 2
    applied = run("whatif", "scenario.yaml", "--apply")
    assert applied.returncode == 0 and "wrote 4, deleted 0 record(s)" in applied.stdout
    direct = json.loads(run("suggest", "request.yaml", "--no-relevance", "--json").stdout)
    assert [m["id"] for m in direct["team"]["members"]] == [m["id"] for m in data["with_scenario"]["members"]]
    again = run("whatif", "scenario.yaml")  # the hire exists now
    assert again.returncode == 2 and "exists already" in again.stderr


def test_a_bad_scenario_names_file_line_and_field_and_writes_nothing(run, tmp_path):
    (tmp_path / "bad.yaml").write_text("name: Bad\nchanges:\n  - remove: {person: Ana Lma, from: 2026-03-01}\n",
                                       encoding="utf-8")
    out = run("whatif", "bad.yaml", "--apply")
    assert out.returncode == 2
    assert "bad.yaml:3: changes[0].remove.person: no one called 'Ana Lma'; did you mean Ana Lima?" in out.stderr
    assert "revision: 1\n" in run("status").stdout  # the tiny org's one write, nothing since


def test_saved_scenarios(run):
    saved = json.loads(run("scenarios", "save", "scenario.yaml", "--json").stdout)
    assert saved["status"] == "saved"
    listed = run("scenarios", "list")
    assert saved["id"] in listed.stdout and "(saved, saved" in listed.stdout
    shown = run("scenarios", "show", saved["id"])
    assert "1. hire Planned engineer (Engineering): Python 5, SQL 4" in shown.stdout
    out = run("whatif", saved["id"], "--request", "request.yaml", "--no-relevance")
    assert out.returncode == 0 and "with the scenario" in out.stdout
    assert run("scenarios", "list", "--as-role", "sponsor", "--as-person", "fay").returncode == 2
    discarded = run("scenarios", "discard", saved["id"])
    assert discarded.returncode == 0 and "discarded" in discarded.stdout
    refused = run("whatif", saved["id"], "--apply")
    assert refused.returncode == 2 and "is discarded" in refused.stderr


def test_whatif_apply_books_the_team_shown(run, tmp_path):
    shown = run("whatif", "scenario.yaml", "--request", "request.yaml", "--no-relevance", "--json")
    (tmp_path / "shown.json").write_text(shown.stdout, encoding="utf-8")
    members = {m["name"] for m in json.loads(shown.stdout)["with_scenario"]["members"]}
    no_book = run("whatif", "scenario.yaml", "--apply", "--request", "request.yaml")
    assert no_book.returncode == 2 and "--book tentative" in no_book.stderr
    (tmp_path / "bad.json").write_text('{"kind": "request"}', encoding="utf-8")
    bad = run("whatif", "scenario.yaml", "--apply", "--request", "request.yaml", "--book", "tentative",
              "--shown", "bad.json")
    assert bad.returncode == 2 and "bad.json" in bad.stderr and "answers.with_scenario" in bad.stderr
    out = run("whatif", "scenario.yaml", "--apply", "--request", "request.yaml", "--book", "tentative",
              "--shown", "shown.json")
    assert out.returncode == 0, out.stderr
    booked = [line for line in out.stdout.splitlines() if line.startswith("booked bk-")]
    assert len(booked) == 1 and "tentative booking of" in booked[0] and all(n in booked[0] for n in members)


def test_a_saved_scenario_is_edited_from_the_version_shown(run, tmp_path):
    saved = json.loads(run("scenarios", "save", "scenario.yaml", "--json").stdout)
    later = "name: Ana leaves in summer\nchanges:\n  - remove: {person: Ana Lima, from: 2026-07-01}\n"
    (tmp_path / "later.yaml").write_text(later, encoding="utf-8")
    edited = run("scenarios", "edit", saved["id"], "later.yaml", "--version", "1")
    assert edited.returncode == 0, edited.stderr
    assert f"saved {saved['id']}: Ana leaves in summer (saved, saved" in edited.stdout and ", version 2 of " in edited.stdout
    assert "1. Ana Lima leaves on 2026-07-01" in run("scenarios", "show", saved["id"]).stdout
    stale = run("scenarios", "edit", saved["id"], "scenario.yaml", "--version", "1")
    assert stale.returncode != 0 and "(version 2) after you opened version 1" in stale.stderr
    assert run("scenarios", "edit", saved["id"], "later.yaml", "--version", "2", "--as-role", "sponsor",
               "--as-person", "fay").returncode == 2
