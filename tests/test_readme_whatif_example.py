"""The README's what-if example is examples/whatif.yaml, and it runs, applies and books on the demo
organisation as the README shows (names, not ids; one transaction)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "whatif.yaml"
REQUEST = ROOT / "examples" / "requests" / "telemetry-dashboard.yaml"


def test_the_readmes_scenario_is_the_example_file():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("# examples/whatif.yaml — works on the demo organisation")
    block = readme[start:readme.index("```", start)]
    shipped = EXAMPLE.read_text(encoding="utf-8")
    assert shipped.split("\n", 1)[1] == block.split("\n", 1)[1]  # all but the first comment line


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "TEAMGRAPH_DATA_DIR": str(folder), "TEAMGRAPH_STORE": "embedded"}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "teamgraph", *map(str, args)], capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=300)
    out = run("ingest", ROOT / "ingest" / "sample")
    assert out.returncode == 0, out.stderr
    return run


def test_the_example_runs_then_applies_and_books_the_team_shown(run, tmp_path):
    out = run("whatif", EXAMPLE, "--request", REQUEST, "--no-relevance", "--json")
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    (tmp_path / "shown.json").write_text(out.stdout, encoding="utf-8")
    team = [m["name"] for m in shown["answers"]["with_scenario"]["team"]["members"]]
    assert team and "Vikram Nair" not in team
    out = run("whatif", EXAMPLE, "--apply", "--request", REQUEST, "--book", "tentative",
              "--shown", tmp_path / "shown.json", "--no-relevance")
    assert out.returncode == 0, out.stderr
    applied, booked = out.stdout.splitlines()[:2]
    assert applied.startswith("applied Vikram Nair leaves in January, a data engineer joins: wrote ")
    assert booked.startswith("booked bk-") and ", ".join(team) in booked
    hire = json.loads(run("person", "Planned data engineer", "--json").stdout)
    assert hire["person"]["id"] == "hire-planned-data-engineer" and hire["department"]["name"] == "Flight & Ground Software"
