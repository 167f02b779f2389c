"""The CLI shows a viewer what the API shows them (issue 12): `teamgraph suggest --as-role`
prints text from the same redacted answer as `--json` (teamgraph/present.py, one rule), and
`--seed` is range-checked like the API's seed (teamgraph.limits.MAX_SEED)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from teamgraph.cli import cli
from teamgraph.limits import MAX_SEED
from teamgraph.matching.render import load_bar

# Q1 2026: ana peaks at 90 % (p-plat 0.7 + p-hire 0.2); included, she goes over capacity.
REQUEST = """\
name: Platform help
window: {start: 2026-01-01, end: 2026-03-31}
allocation: 0.3
size: {min: 2, max: 3}
include: [ana]
requirements:
  - {skill: sql, level: 3}
  - {skill: budgeting, level: 3}
"""
SPONSOR = ["--as-role", "sponsor", "--as-person", "fay"]


@pytest.fixture
def request_file(tiny_data_dir):
    path = tiny_data_dir / "r.yaml"
    path.write_text(REQUEST, encoding="utf-8")
    return str(path)


def _run(*args) -> str:
    out = CliRunner().invoke(cli, list(args))
    assert out.exit_code == 0, out.output
    return out.output


def test_a_sponsors_text_holds_nothing_the_sponsors_json_withholds(request_file):
    admin = json.loads(_run("suggest", request_file, "--json", "--why-not", "bo"))
    sponsor = json.loads(_run("suggest", request_file, "--json", "--why-not", "bo", *SPONSOR))
    admin_text = _run("suggest", request_file, "--why-not", "bo")
    sponsor_text = _run("suggest", request_file, "--why-not", "bo", *SPONSOR)
    withheld = 0
    for m in admin["team"]["members"]:  # each member's load bar: admin's text has it, the sponsor's not
        bar = load_bar(m["load_before"], m["load_after"], m["capacity"])
        assert bar in admin_text
        assert bar not in sponsor_text
        withheld += 1
        seen = next(s for s in sponsor["team"]["members"] if s["id"] == m["id"])
        assert f"{seen['util_before']:.0%} before, {seen['availability_after']}" in sponsor_text
    assert withheld >= 2
    # the score terms a sponsor may not see (busy, the peak after joining) and the overload percentage
    # (the text names score parts by label: "busy people", "peak load")
    assert "busy people" in admin_text and "peak load" in admin_text and "Ana Lima at 120 %" in admin_text
    for hidden in ("busy", "max_util", "peak load", "max utilisation", "120"):
        assert hidden not in sponsor_text, hidden
    assert "Ana Lima over capacity" in sponsor_text
    assert f"score {sponsor['team']['total']:g}" in sponsor_text  # the total the sponsor's JSON gives
    # why-not: the sponsor's reason, as the JSON words it
    assert f"why not Bo Chen? {sponsor['why_not'][0]['reason']}" in sponsor_text
    assert sponsor["why_not"][0]["reason"] != admin["why_not"][0]["reason"]


def test_a_members_view_through_the_cli_is_bands_only(request_file):
    text = _run("suggest", request_file, "--as-person", "bo")  # a member's own view
    member = json.loads(_run("suggest", request_file, "--json", "--as-person", "bo"))
    for m in member["team"]["members"]:
        assert "load_before" not in m and m["availability"] in text
    assert "→" not in "".join(line for line in text.splitlines() if "█" in line or "▒" in line)


@pytest.mark.parametrize("seed", [str(MAX_SEED + 1), "-1", str(2**70)])
def test_the_cli_seed_has_the_apis_range(request_file, seed):
    out = CliRunner().invoke(cli, ["suggest", request_file, "--seed", seed])
    assert out.exit_code == 2 and out.exception is None or isinstance(out.exception, SystemExit)
    assert "--seed" in out.output and f"0<=x<={MAX_SEED}" in out.output
    assert "Traceback" not in out.output


def test_the_largest_seed_is_accepted(request_file):
    assert "Best team" in _run("suggest", request_file, "--seed", str(MAX_SEED))
