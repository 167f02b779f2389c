"""`teamgraph suggest` plugs retrieval's relevance term in once an index has been built, and
leaves it out (saying so) without one or with --no-relevance."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from teamgraph.cli import cli

REQUEST = """\
name: Platform hardening
brief: Kubernetes cluster upgrade broke batch jobs; check removed APIs before upgrading.
window: {start: 2026-04-01, end: 2026-06-30}
allocation: 0.1
size: {min: 1, max: 2}
requirements:
  - {skill: Python, level: 3}
"""


@pytest.fixture
def env(tiny_data_dir, monkeypatch):
    monkeypatch.setenv("TEAMGRAPH_MODEL", "hashing")  # the model is beside the point here
    (tiny_data_dir / "r.yaml").write_text(REQUEST, encoding="utf-8")
    return tiny_data_dir


def _relevance_term(env, *args) -> tuple[float, list[str]]:
    out = CliRunner().invoke(cli, ["suggest", str(env / "r.yaml"), "--json", *args])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    return data["team"]["score"]["relevance"], data["notes"]


def test_relevance_is_used_once_the_index_is_built(env):
    term, notes = _relevance_term(env)
    assert term == 0 and any("no relevance scorer" in n for n in notes)
    built = CliRunner().invoke(cli, ["index", "build"])
    assert built.exit_code == 0, built.output
    term, notes = _relevance_term(env)
    assert term > 0  # ana and bo wrote the Kubernetes-upgrade case the brief describes
    term, notes = _relevance_term(env, "--no-relevance")
    assert term == 0
