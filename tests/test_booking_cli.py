"""`teamgraph book` and `teamgraph bookings`: the engine's booking rules from the command line."""

from __future__ import annotations

import json

import pytest

from tests.cli_org import tiny_cli

REQUEST = """name: Pricing engine
project: p-new
window: {start: 2026-04-01, end: 2026-06-30}
allocation: 0.3
size: {min: 2, max: 4}
requirements:
  - {skill: sql, level: 3, count: 2}
  - {skill: Budgeting, level: 3}
"""


@pytest.fixture
def run(tmp_path):
    return tiny_cli(tmp_path, {"request.yaml": REQUEST})


def test_book_the_suggested_team_then_confirm_release_and_show(run):
    out = run("book", "request.yaml", "--as-role", "sponsor", "--as-person", "fay", "--no-relevance", "--json")
    assert out.returncode == 0, out.stderr
    b = json.loads(out.stdout)
    assert b["status"] == "tentative" and b["booked_by"]["name"] == "Fay Wong" and len(b["members"]) >= 2
    out = run("bookings", "confirm", b["id"], "--as-role", "sponsor", "--as-person", "fay")
    assert out.returncode == 2 and "HR confirms bookings" in out.stderr
    out = run("bookings", "confirm", b["id"], "--as-role", "hr", "--as-person", "ivy", "--note", "ok with managers")
    assert out.returncode == 0 and "Ivy Diaz (hr) confirmed it: ok with managers" in out.stdout
    name = b["members"][0]["name"]
    out = run("bookings", "release", b["id"], name, "--as-role", "sponsor", "--as-person", "fay")
    assert out.returncode == 0 and f"{name} at 30% (released)" in out.stdout
    listed = json.loads(run("bookings", "list", "--json").stdout)["bookings"]
    assert [x["id"] for x in listed] == [b["id"]] and listed[0]["status"] == "confirmed"
    assert run("bookings", "list", "--as-role", "member", "--as-person", "bo").returncode == 2


def test_a_booking_over_capacity_is_refused_naming_the_person(run):
    first = run("book", "request.yaml", "--member", "dee=0.7", "--json")
    assert first.returncode == 0, first.stderr
    second = run("book", "request.yaml", "--member", "eli", "--member", "dee=0.4")
    assert second.returncode == 2
    assert "Dee Okafor would be over capacity in 13 week(s)" in second.stderr and "nothing was written" in second.stderr
    assert len(json.loads(run("bookings", "list", "--json").stdout)["bookings"]) == 1
    # with tentative bookings left out of load, Dee is free again in the profile
    busy = run("person", "dee", "--from", "2026-04-01", "--to", "2026-06-30")
    free = run("person", "dee", "--from", "2026-04-01", "--to", "2026-06-30",
               env_extra={"TEAMGRAPH_COUNT_TENTATIVE": "0"})
    assert "peak load 2026-04-01..2026-06-30: 0.70 of 1.00 FTE" in busy.stdout
    assert "peak load 2026-04-01..2026-06-30: 0.00 of 1.00 FTE" in free.stdout
    bad = run("person", "dee", env_extra={"TEAMGRAPH_COUNT_TENTATIVE": "maybe"})
    assert bad.returncode == 2 and "TEAMGRAPH_COUNT_TENTATIVE" in bad.stderr


PORTFOLIO = """name: Spring plan
requests:
  - file: request.yaml
  - name: Depot audit
    project: p-new
    window: {start: 2026-04-01, end: 2026-06-30}
    allocation: 0.6
    size: {min: 1, max: 1}
    requirements:
      - {skill: logistics, level: 5}
"""


def test_book_a_portfolio_all_or_nothing(run, tmp_path):
    (tmp_path / "portfolio.yaml").write_text(PORTFOLIO, encoding="utf-8")
    out = run("book", "--portfolio", "portfolio.yaml", "--as-role", "sponsor", "--as-person", "fay", "--json")
    assert out.returncode == 0, out.stderr
    made = json.loads(out.stdout)["bookings"]
    assert [b["name"] for b in made] == ["Pricing engine", "Depot audit"]
    assert [m["name"] for m in made[1]["members"]] == ["Dee Okafor"]
    again = run("book", "--portfolio", "portfolio.yaml")  # Dee is booked now: the audit cannot be staffed
    assert again.returncode == 2, again.stdout
    assert len(json.loads(run("bookings", "list", "--json").stdout)["bookings"]) == 2
    # HR books Dee over capacity anyway, said in the audit trail; a sponsor may not
    args = ("book", "request.yaml", "--member", "dee=0.6", "--allow-overload")
    refused = run(*args, "--as-role", "sponsor", "--as-person", "fay")
    assert refused.returncode == 2 and "allow_overload" in refused.stderr
    assert run("book", "request.yaml", "--member", "dee=0.6").returncode == 2
    forced = run(*args, "--as-role", "hr", "--as-person", "ivy")
    assert forced.returncode == 0, forced.stderr
    assert "over capacity allowed: Dee Okafor in 13 week(s) from 2026-04-01" in forced.stdout
    assert run("book", "request.yaml", "--portfolio", "portfolio.yaml").returncode == 2  # one of the two


def test_book_the_staffing_seen_and_a_conflict_names_request_person_and_weeks(run, tmp_path):
    (tmp_path / "portfolio.yaml").write_text(PORTFOLIO, encoding="utf-8")
    seen = run("staff", "portfolio.yaml", "--json")
    assert seen.returncode == 0, seen.stderr
    (tmp_path / "staffing.json").write_text(seen.stdout, encoding="utf-8")
    assert run("book", "request.yaml", "--member", "dee=0.5").returncode == 0  # meanwhile, Dee is booked
    refused = run("book", "--portfolio", "portfolio.yaml", "--staffing", "staffing.json")
    assert refused.returncode == 2
    assert "Dee Okafor would be over capacity for 'Depot audit' in 13 week(s), the weeks of 2026-04-01" in refused.stderr
    assert "nothing was written" in refused.stderr
    assert len(json.loads(run("bookings", "list", "--json").stdout)["bookings"]) == 1
    (tmp_path / "bad.json").write_text('{"teams": 3}', encoding="utf-8")
    bad = run("book", "--portfolio", "portfolio.yaml", "--staffing", "bad.json")
    assert bad.returncode == 2 and "bad.json" in bad.stderr and "teams" in bad.stderr
