"""`teamgraph ingest` / `teamgraph generate` on the embedded store: reports, every problem as
`file:line: field: message`, exit code 2, nothing written on error."""

from __future__ import annotations

import json

from click.testing import CliRunner


from tests.ingest.ingest_helpers import edit, line_of, tiny_folder
from teamgraph.cli import cli


def _run(args, tmp_path, monkeypatch):
    monkeypatch.setenv("TEAMGRAPH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TEAMGRAPH_STORE", "embedded")
    return CliRunner().invoke(cli, args)


def test_ingest_prints_counts_and_is_idempotent(tmp_path, monkeypatch):
    folder = tiny_folder(tmp_path / "org")
    first = _run(["ingest", str(folder), "--quiet"], tmp_path, monkeypatch)
    assert first.exit_code == 0, first.output
    assert "wrote 73 record(s)" in first.output
    second = _run(["ingest", str(folder), "--json", "--quiet"], tmp_path, monkeypatch)
    data = json.loads(second.output)
    assert data["written"] == 0 and data["revision_before"] == data["revision_after"] == 1
    assert data["kinds"]["person"]["unchanged"] == 10


def test_ingest_errors_list_every_problem_and_exit_2(tmp_path, monkeypatch):
    folder = tiny_folder(tmp_path / "org")
    edit(folder / "people.csv", "dee@example.org,ops,", "dee@example.org,opz,")
    edit(folder / "person_skills.csv", "cy,sql,4,", "cy,sql,7,")
    result = _run(["ingest", str(folder), "--quiet"], tmp_path, monkeypatch)
    assert result.exit_code == 2
    assert f"people.csv:{line_of(folder / 'people.csv', 'dee,')}: department: unknown department 'opz'" in result.output
    assert f"person_skills.csv:{line_of(folder / 'person_skills.csv', 'cy,sql')}: level: must be from 1 to 5" \
        in result.output
    status = _run(["ingest", str(tiny_folder(tmp_path / "good")), "--dry-run", "--json", "--quiet"],
                  tmp_path, monkeypatch)
    assert json.loads(status.output)["revision_before"] == 0  # nothing was written by the failed run


def test_generate_writes_an_ingestable_folder(tmp_path, monkeypatch):
    out = tmp_path / "gen"
    result = _run(["generate", "--people", "50", "--out", str(out), "--seed", "5", "--quiet"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    assert (out / "people.csv").exists() and "50 person" in result.output
    result = _run(["ingest", str(out), "--quiet"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
