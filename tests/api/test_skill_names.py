"""Skill names as people type them: unknown names in the API and in a CLI request file name the
field (and, for files, the file and line) and suggest what was meant, as clickable data; the
skill picker finds skills by name, alias (any language) or meaning, and offers only skills
someone holds or an open project needs."""

from __future__ import annotations

import numpy as np
from click.testing import CliRunner

from teamgraph.cli import cli
from teamgraph.graph.model import ChangeSet, PersonSkill, Skill
from teamgraph.graph.sqlite_store import SqliteStore
from tests.tinyorg import tiny_org


def test_a_typo_in_a_request_body_names_the_field_and_the_skill_meant(client, auth, team_request):
    team_request["requirements"][1]["skill"] = "Budgetting"
    resp = client.post("/api/v1/teams/suggest", json={"request": team_request}, headers=auth("sponsor"))
    assert resp.status_code == 400
    (problem,) = resp.get_json()["fields"]
    assert problem["field"] == "request.requirements[1].skill"
    assert problem["message"] == "no skill called 'Budgetting'; did you mean Budgeting?"
    assert problem["suggestions"][0] == {"id": "budgeting", "name": "Budgeting"}
    assert "file" not in problem  # an API body is not a file


def test_a_typo_in_a_request_file_names_file_line_and_the_skill_meant(tmp_path, monkeypatch):
    store = SqliteStore(tmp_path / "teamgraph.sqlite3")
    store.apply(tiny_org())
    store.close()
    monkeypatch.setenv("TEAMGRAPH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TEAMGRAPH_STORE", "embedded")
    monkeypatch.setenv("TEAMGRAPH_MODEL", "hashing")
    path = tmp_path / "r.yaml"
    path.write_text("window: {start: 2026-04-01, end: 2026-06-30}\nrequirements:\n  - skill: Pyhton\n",
                    encoding="utf-8")
    out = CliRunner().invoke(cli, ["suggest", str(path)])
    assert out.exit_code != 0
    message = str(out.exception)
    assert f"{path}:3: requirements[0].skill: no skill called 'Pyhton'; did you mean Python" in message


def _skills(client, auth, q, **kw):
    resp = client.get("/api/v1/skills", query_string={"q": q, **kw}, headers=auth("sponsor"))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def test_picker_finds_names_and_aliases_in_any_language(client, auth):
    got = _skills(client, auth, "pyth")
    top = got["skills"][0]
    assert top["id"] == "python" and top["holders"] == 3 and top["needed_by"] == 1 and top["matched"] is None
    assert top["broader_skill"] == {"id": "programming", "name": "Computer programming"}
    k8s = _skills(client, auth, "容器")["skills"][0]
    assert k8s["id"] == "k8s" and k8s["matched"] == "容器编排"  # the alias that matched, to show beside the name
    assert _skills(client, auth, "structured query")["skills"][0]["id"] == "sql"


def test_picker_never_offers_a_group_nobody_holds_but_what_is_under_it(client, auth):
    got = _skills(client, auth, "programming")["skills"]
    assert "programming" not in [s["id"] for s in got]
    under = [s for s in got if s["how"] == "narrower"]
    assert {s["id"] for s in under} == {"python", "sql"} and under[0]["matched"] == "under Computer programming"


def test_picker_leaves_out_skills_nobody_holds_or_needs(client, auth, service):
    service.store.apply(ChangeSet().add(Skill("cobol", "COBOL", aliases=("python-ish",))))
    assert [s["id"] for s in _skills(client, auth, "cobol")["skills"]] == []
    assert "cobol" not in [s["id"] for s in _skills(client, auth, "python")["skills"]]


def test_picker_says_did_you_mean_for_a_typo(client, auth):
    got = _skills(client, auth, "Kubernets")
    assert {"id": "k8s", "name": "Kubernetes"} in got["did_you_mean"]
    assert _skills(client, auth, "python")["did_you_mean"] == []  # found: nothing to correct


class WordsEncoder:
    """A stand-in sentence encoder that knows what a few words mean (axes: money, people, code)."""

    MEANING = {"supplier": (1, 0.3, 0), "budgeting": (1, 0, 0), "negotiation": (1, 0.5, 0), "dashboard": (0.2, 0, 1),
               "python": (0, 0, 1), "sql": (0.3, 0, 1)}

    def encode(self, texts, batch_size=64, progress=False):
        rows = []
        for t in texts:
            key = t.strip().casefold()
            v = np.array(self.MEANING.get(key, (0, 0, 0)) + (0.01,), dtype=float)
            rows.append(v / np.linalg.norm(v))
        return np.array(rows)


def test_ordinary_words_find_skills_of_related_meaning(client, auth, service):
    service._encoder = WordsEncoder()
    got = _skills(client, auth, "supplier")["skills"]
    assert [s["id"] for s in got[:2]] == ["negotiation", "budgeting"] and got[0]["how"] == "related"
    assert got[0]["matched"] == "related meaning"
    assert {s["id"] for s in _skills(client, auth, "dashboard")["skills"][:2]} == {"python", "sql"}


def test_skill_graph_by_name_pages_its_holders_with_a_total(client, auth):
    first = client.get("/api/v1/skills/Python/graph", query_string={"limit": 2}, headers=auth("hr")).get_json()
    assert first["skill"]["id"] == "python" and first["holders_total"] == 3  # ana, bo, cy (jon left)
    assert [h["person"] for h in first["holders"]] == ["ana", "bo"]
    more = client.get("/api/v1/skills/python/graph", query_string={"limit": 2, "offset": 2},
                      headers=auth("hr")).get_json()
    assert [h["person"] for h in more["holders"]] == ["cy"] and more["holders_total"] == 3
    assert {n["id"] for n in more["graph"]["nodes"] if n["kind"] == "person"} == {"person:cy"}
    eng = client.get("/api/v1/skills/python/graph", query_string={"department": "fin"}, headers=auth("hr")).get_json()
    assert eng["holders_total"] == 0 and eng["holders"] == []


def test_related_meaning_stays_close_to_the_best_match(client, auth, service):
    class Far(WordsEncoder):
        MEANING = {**WordsEncoder.MEANING, "supplier": (1, 1, 0), "negotiation": (1, 1, 0), "budgeting": (1, 0, 0)}
    service._encoder = Far()  # budgeting is related (cosine 0.71) but far below negotiation (1.0)
    assert [s["id"] for s in _skills(client, auth, "supplier")["skills"]] == ["negotiation"]


def test_did_you_mean_does_not_offer_a_one_letter_skill_for_a_long_word(client, auth, service):
    service.store.apply(ChangeSet().add(Skill("r", "R", aliases=("R language",)),
                                        PersonSkill("ana", "r", 3)))
    assert _skills(client, auth, "supplier")["did_you_mean"] == []
    assert {"id": "r", "name": "R"} in _skills(client, auth, "R langage")["did_you_mean"]
