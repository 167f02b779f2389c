"""The read-only graph commands and `forget`, through click's CliRunner on a temp data dir."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from tests.tinyorg import tiny_org

from teamgraph.graph.sqlite_store import SqliteStore
from teamgraph.cli import cli
from teamgraph.errors import NotFoundError, ValidationError


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke `teamgraph ...` against an embedded store holding tests/tinyorg.py."""
    monkeypatch.setenv("TEAMGRAPH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TEAMGRAPH_STORE", "embedded")
    monkeypatch.setenv("TEAMGRAPH_MODEL", "hashing")  # "did you mean" by meaning: no model load in tests
    store = SqliteStore(tmp_path / "teamgraph.sqlite3")
    store.apply(tiny_org())
    store.close()
    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(cli, list(args), **kw)


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("command", ["status", "person", "skill", "at-risk", "cases", "forget"])
def test_every_command_has_help(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output and len(result.output.splitlines()) > 4


def test_status(run):
    result = run("status")
    assert result.exit_code == 0 and "embedded" in result.output and "teamgraph.sqlite3" in result.output
    data = _json(run("status", "--json"))
    assert data["store"] == "embedded" and data["revision"] >= 1
    assert data["counts"]["person"] == 10 and data["counts"]["case"] == 5


def test_person(run):
    result = run("person", "ana", "--from", "2026-01-01", "--to", "2026-03-31")
    assert result.exit_code == 0, result.output
    # 0.2 on p-hire + 0.7 on p-plat between Jan 15 and Feb 28
    assert "peak load 2026-01-01..2026-03-31: 0.90 of 1.00 FTE" in result.output
    assert "Python" in result.output and "Platform upgrade" in result.output
    assert "p-plat" not in result.output  # skills and projects by name; ids stay in --json
    assert "expert in: Kubernetes (designated)" in result.output
    assert "ratings received: 2" in result.output  # the operator is admin by default
    data = _json(run("person", "ana", "--from", "2026-03-01", "--to", "2026-03-31", "--json"))
    assert data["load"] == pytest.approx(0.7)
    assert data["window"] == {"start": "2026-03-01", "end": "2026-03-31"}
    assert {m["project"]["id"] for m in data["memberships"]} == {"p-crm", "p-wms", "p-hire", "p-plat"}
    assert data["skills"][0] == {"person": "ana", "skill": "python", "level": 5, "evidence": "confirmed",
                                 "last_used": "2025-12-01"}


def test_person_as_someone_else_hides_ratings_and_private_cases(run):
    text = run("person", "dee", "--as-person", "cy").output
    assert "(none)" in text and "c-2" not in text and "ratings received" not in text
    data = _json(run("person", "dee", "--as-person", "cy", "--json"))
    assert data["ratings"] is None and data["cases"] == []  # c-2 is ops-only, c-3 confidential


def test_person_by_name(run):
    for given in ("Ana Lima", "lima", "ana"):
        assert _json(run("person", given, "--json"))["person"]["id"] == "ana", given
    typo = run("person", "Ana Lma").exception
    assert isinstance(typo, ValidationError) and typo.problems[0].suggestions[0] == ("ana", "Ana Lima")
    several = run("person", "engineer").exception  # three engineers
    assert "several people match 'engineer'" in str(several) and len(several.problems[0].suggestions) >= 3


def test_person_errors(run):
    assert isinstance(run("person", "nobody").exception, ValidationError)
    bad = run("person", "ana", "--from", "2026-03-01", "--to", "2026-01-01")
    assert bad.exit_code == 2 and "--to" in bad.output
    assert run("person", "ana", "--from", "March").exit_code == 2


def test_skill(run):
    result = run("skill", "python")
    assert result.exit_code == 0, result.output
    assert "supply: 3 active at level >= 3 | demand from open projects: 2" in result.output
    assert "Python 编程" in result.output
    data = _json(run("skill", "python", "--json"))
    assert [h["person"]["id"] for h in data["holders"]] == ["ana", "bo", "cy"]
    assert [(c["skill"]["id"], c["count"]) for c in data["co_occurring"]] == [("k8s", 2), ("sql", 2)]
    fin = _json(run("skill", "python", "--department", "fin", "--json"))
    assert fin["holders"] == [] and fin["demand"] == 2
    assert "Ana Lima" in result.output and "Engineering" in result.output and "Kubernetes (2)" in result.output
    unknown = run("skill", "cobol")
    assert isinstance(unknown.exception, ValidationError) and "no skill called 'cobol'" in str(unknown.exception)


def test_skill_by_name_alias_or_typo(run):
    for given in ("Python", " PYTHON3 ", "Python 编程"):
        assert _json(run("skill", given, "--json"))["skill"]["id"] == "python", given
    typo = run("skill", "Pyhton")
    assert isinstance(typo.exception, ValidationError)
    (problem,) = typo.exception.problems
    assert problem.field == "SKILL" and problem.suggestions[0] == ("python", "Python")
    assert "did you mean Python" in str(typo.exception)
    # programming is a broader skill nobody holds: never suggested
    assert all(s != "programming" for s, _ in run("skill", "programing").exception.problems[0].suggestions)


def test_at_risk(run):
    result = run("at-risk")
    assert result.exit_code == 0
    assert "Kubernetes" in result.output and "Ana Lima (4)" in result.output and "Python" not in result.output
    assert "k8s" not in result.output  # names, not ids
    assert [r["skill"]["id"] for r in _json(run("at-risk", "--max-holders", "1", "--json"))] == ["k8s"]
    eng = _json(run("at-risk", "--department", "eng", "--json"))
    assert [(r["skill"]["id"], [h["person"]["id"] for h in r["holders"]]) for r in eng] == [
        ("k8s", ["ana"]), ("sql", ["cy", "ana"])]
    assert "no skill" in run("at-risk", "--department", "nowhere").output


def _ids(result):
    return [c["id"] for c in _json(result)]


def test_cases_visibility(run):
    assert _ids(run("cases", "--json")) == ["c-5", "c-4", "c-2", "c-3", "c-1"]  # operator sees all
    assert _ids(run("cases", "--as-role", "member", "--json")) == ["c-5", "c-4", "c-1"]
    # cy: eng, on p-plat -> public only; eli: ops and on p-wms -> everything
    assert _ids(run("cases", "--as-person", "cy", "--json")) == ["c-5", "c-4", "c-1"]
    assert _ids(run("cases", "--as-person", "eli", "--json")) == ["c-5", "c-4", "c-2", "c-3", "c-1"]
    assert isinstance(run("cases", "--as-person", "nobody").exception, NotFoundError)
    text = run("cases", "--as-person", "cy").output
    assert "c-3" not in text and "招聘流程跨部门协同" in text
    assert "Platform upgrade" in text and "Engineering" in text and "p-plat" not in text  # names, not ids


def test_cases_filters(run):
    assert _ids(run("cases", "--skill", "python", "--json")) == ["c-5"]
    assert _ids(run("cases", "--department", "ops", "--json")) == ["c-2", "c-3"]
    assert _ids(run("cases", "--project", "p-wms", "--as-role", "member", "--json")) == []
    zh = _json(run("cases", "--language", "zh", "--json"))
    assert zh[0]["title"] == "招聘流程跨部门协同" and zh[0]["date"] == "2026-01-10"


def test_forget_asks_first(run):
    result = run("forget", "gus", input="n\n")
    assert result.exit_code == 1
    assert _json(run("status", "--json"))["counts"]["person"] == 10


def test_forget(run):
    result = run("forget", "gus", "--yes")
    assert result.exit_code == 0, result.output
    assert "1 membership(s) and 1 rating(s)" in result.output
    counts = _json(run("status", "--json"))["counts"]
    assert counts["person"] == 9 and counts["membership"] == 12
    assert isinstance(run("person", "gus").exception, ValidationError)  # "no one called 'gus'"
    assert isinstance(run("forget", "gus", "--yes").exception, NotFoundError)
