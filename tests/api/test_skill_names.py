"""Unknown skill names, from the API and from a CLI request file: the error names the field (and,
for files, the file and line) and suggests the closest known skill even for a typo."""

from __future__ import annotations

from click.testing import CliRunner

from teamgraph.cli import cli
from teamgraph.graph.sqlite_store import SqliteStore
from tests.tinyorg import tiny_org


def test_a_typo_in_a_request_body_names_the_field_and_the_skill_meant(client, auth, team_request):
    team_request["requirements"][1]["skill"] = "Budgetting"
    resp = client.post("/api/v1/teams/suggest", json={"request": team_request}, headers=auth("sponsor"))
    assert resp.status_code == 400
    (problem,) = resp.get_json()["fields"]
    assert problem["field"] == "request.requirements[1].skill" and "Budgeting [budgeting]" in problem["message"]
    assert "file" not in problem  # an API body is not a file


def test_a_typo_in_a_request_file_names_file_line_and_the_skill_meant(tmp_path, monkeypatch):
    store = SqliteStore(tmp_path / "teamgraph.sqlite3")
    store.apply(tiny_org())
    store.close()
    monkeypatch.setenv("TEAMGRAPH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TEAMGRAPH_STORE", "embedded")
    path = tmp_path / "r.yaml"
    path.write_text("window: {start: 2026-04-01, end: 2026-06-30}\nrequirements:\n  - skill: Pyhton\n",
                    encoding="utf-8")
    out = CliRunner().invoke(cli, ["suggest", str(path)])
    assert out.exit_code != 0
    message = str(out.exception)
    assert f"{path}:3: requirements[0].skill: unknown skill 'Pyhton'" in message and "Python [python]" in message
