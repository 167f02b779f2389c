"""The CLI surface: every command loads, has help, and `--help` stays light."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from teamgraph.cli import COMMANDS, cli
from teamgraph.evalcli import EVALS

HEAVY = ("torch", "sentence_transformers", "faiss", "ortools", "neo4j", "flask")


def test_help_does_not_import_heavy_dependencies():
    code = ("import sys; from teamgraph.cli import cli\n"
            "try:\n    cli.main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            f"print(__import__('json').dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_loads_and_has_help(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    command = cli.get_command(None, name)
    assert command.help or command.short_help, f"`teamgraph {name}` has no help text"


@pytest.mark.parametrize("name", sorted(EVALS))
def test_every_eval_loads_and_has_help(name):
    result = CliRunner().invoke(cli, ["eval", name, "--help"])
    assert result.exit_code == 0, result.output


def test_every_command_is_in_the_readme():
    from pathlib import Path
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [n for n in COMMANDS if f"teamgraph {n}" not in readme]
    assert not missing, f"commands not documented in README.md: {missing}"


def test_bad_store_setting_is_a_clear_error(monkeypatch, tmp_path):
    env = {"TEAMGRAPH_STORE": "mongodb", "TEAMGRAPH_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "teamgraph", "status"], capture_output=True, text=True,
                         env={**__import__("os").environ, **env})
    assert out.returncode == 2
    assert "TEAMGRAPH_STORE" in out.stderr and "Traceback" not in out.stderr
