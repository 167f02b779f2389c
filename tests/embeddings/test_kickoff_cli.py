"""Kickoff package assembly, brief validation, the CLI commands, and the eval harness on tiny
folders in the formats of ../shared/data (hashing encoder: the model is beside the point)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from teamgraph.embeddings.encoder import HashingEncoder
from teamgraph.embeddings.evaluate import eval_cases, eval_experts, load_team2box
from teamgraph.embeddings.kickoff import kickoff_package, lessons_to_read, read_brief
from teamgraph.embeddings.results import CaseHit, ScoreParts
from teamgraph.embeddings.retriever import Retriever
from teamgraph.graph.model import Viewer
from teamgraph.errors import InfeasibleRequest, NotFoundError, ValidationError
from tests.tinyorg import tiny_org


def _hit(cid, lesson):
    return CaseHit(cid, f"title {cid}", "", "", "", lesson, None, None, "", "", None, "en", (), 0.1, (), (),
                   False, False, ScoreParts(0.1))


def test_lessons_are_deduplicated_and_taken_in_turns():
    cases = [_hit("a", "Survey radio coverage before rollout. Budget a data-quality sprint."),
             _hit("b", "Before rollout, survey the radio coverage! Train the pickers.")]
    got = [(x.case, x.text) for x in lessons_to_read(cases)]
    assert got == [("a", "Survey radio coverage before rollout."), ("b", "Train the pickers."),
                   ("a", "Budget a data-quality sprint.")]


def test_brief_yaml_errors_name_file_line_and_field(tmp_path):
    bad = tmp_path / "brief.yaml"
    bad.write_text("title: New CRM\nskills: python\nbudget: 3\n", encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        read_brief(bad)
    problems = {(p.field, p.line) for p in e.value.problems}
    assert problems == {("skills", 2), ("budget", 3)}
    assert str(bad) in str(e.value)
    good = tmp_path / "ok.yaml"
    good.write_text("title: Pricing engine\ndescription: quotes\nskills: [Python]\nprocess: lead-to-cash\n")
    assert read_brief(good)["skills"] == ["Python"]


@pytest.fixture
def retriever(tiny_store, tmp_path):
    r = Retriever(tiny_store, tmp_path / "index", HashingEncoder())
    r.build(progress=False)
    return r


def test_kickoff_for_brief_and_errors(retriever, tiny_store):
    def infeasible(ctx):
        raise InfeasibleRequest("no one holds k8s at level 5", diagnosis={"k8s": 0})
    pkg = kickoff_package(retriever, tiny_store, brief="Kubernetes upgrade of the platform",
                          viewer=Viewer(role="member"), skills=("k8s",), team_suggester=infeasible)
    assert pkg.cases[0].id == "c-5" and pkg.lessons[0].case == "c-5"
    assert pkg.team["error"]["code"] == "infeasible"  # the cases and experts still arrive
    with pytest.raises(NotFoundError):
        kickoff_package(retriever, tiny_store, project_id="p-nope", viewer=Viewer())
    with pytest.raises(ValidationError):
        kickoff_package(retriever, tiny_store, viewer=Viewer())


def _env(tmp_path):
    return {"TEAMGRAPH_DATA_DIR": str(tmp_path / "data"), "TEAMGRAPH_MODEL": "hashing",
            "TEAMGRAPH_STORE": "embedded"}


def test_cli_index_and_kickoff(tmp_path):
    from teamgraph.graph.sqlite_store import SqliteStore
    from teamgraph.cli import cli
    (tmp_path / "data").mkdir()
    store = SqliteStore(tmp_path / "data" / "teamgraph.sqlite3")
    store.apply(tiny_org())
    store.close()
    runner = CliRunner()
    env = _env(tmp_path)
    r = runner.invoke(cli, ["kickoff", "--project", "p-new"], env=env)
    assert r.exit_code != 0 and "teamgraph index build" in str(r.exception)
    r = runner.invoke(cli, ["index", "build"], env=env)
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["sizes"]["case"] == 5
    r = runner.invoke(cli, ["index", "status"], env=env)
    assert json.loads(r.output)["stale"] is False
    r = runner.invoke(cli, ["kickoff", "--project", "p-new", "--json"], env=env)
    assert r.exit_code == 0, r.output
    pkg = json.loads(r.output)
    assert pkg["project"] == "p-new" and sorted(pkg["skills"]) == ["budgeting", "python"]
    assert pkg["team"]["request"]["requirements"]  # the team composed as for the API (defect 6)
    assert [r["label"] for r in pkg["team"]["request"]["requirements"]] == ["Budgeting", "Python"]  # names
    c1 = next(c for c in pkg["cases"] if c["id"] == "c-1")  # same process and department, shares budgeting
    assert c1["why"]["same_process"] and c1["why"]["shared_skills"] == ["budgeting"]
    assert all(c["id"] != "c-3" for c in pkg["cases"])  # a plain member never sees the confidential case
    # the text reads by name: an expert's evidence shows the project's or case's title, never its id
    r = runner.invoke(cli, ["kickoff", "--project", "p-new"], env=env)
    experts = r.output.split("Experts to consult")[1].split("Suggested team")[0]
    evidence = [e for x in pkg["experts"] for e in x["evidence"]]
    assert evidence and any(e["title"] in experts for e in evidence)
    assert not any(f" {e['id']}" in experts for e in evidence)
    names = {"eng": "Engineering", "ops": "Operations", "fin": "Finance", "hr": "People & Culture"}
    shown = {x["department"] for x in pkg["experts"]}
    assert all(names[d] in experts for d in shown) and not any(f" {d} " in experts for d in shown)  # departments by name
    r = runner.invoke(cli, ["kickoff", "--project", "p-new", "--json", "--as", "dee", "-k", "5"], env=env)
    assert "c-3" in [c["id"] for c in json.loads(r.output)["cases"]]  # dee wrote the confidential case
    brief = tmp_path / "brief.yaml"
    brief.write_text("title: Kubernetes upgrade\nskills: [Kubernetes]\ndepartment: eng\n")
    r = runner.invoke(cli, ["kickoff", str(brief)], env=env)
    assert r.exit_code == 0 and "Kubernetes upgrade broke batch jobs" in r.output and "Experts" in r.output
    brief.write_text("title: X\nskills: [Underwater basket weaving]\n")
    r = runner.invoke(cli, ["kickoff", str(brief)], env=env)
    assert r.exit_code != 0 and "Underwater basket weaving" in str(r.exception)


def test_eval_cases_on_a_small_llis_folder(tmp_path):
    rows = [
        {"lesson_number": str(i), "title": t, "abstract": "", "driving_event": e, "lesson": lesson,
         "recommendation": "", "nasa_topics": topics, "organization": "jsc"}
        for i, (t, e, lesson, topics) in enumerate([
            ("Tire inspection missed wood chip", "A wood chip was found in a nose gear tire. X-rays showed it.",
             "Use X-rays on tires.", ["Safety"]),
            ("Solder joint failure in computer", "A solder pin fractured in the flight computer port. Repaired.",
             "Investigate before repairing.", ["Safety", "Hardware"]),
            ("Fluid sampling contamination", "Samples of hydraulic fluid were contaminated by the bottles.",
             "Clean sample bottles.", ["Hardware"]),
            ("Battery fire in the lab", "A lithium battery burned during charging. The lab was evacuated.",
             "Monitor cell temperatures.", []),
        ])]
    (tmp_path / "lessons.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = eval_cases(tmp_path, HashingEncoder())
    assert out["n"] == 4 and set(out) == {"n", "model", "title", "event", "topic"}
    for task in ("title", "event"):
        assert set(out[task]) == {"dense", "bm25", "hybrid", "final", "flagged", "n"}
        assert set(out[task]["final"]) == {"mrr@10", "recall@1", "recall@10"}
        assert out[task]["bm25"]["recall@10"] == 1.0  # 4 documents: every target is in the top 10
        assert 0.0 <= out[task]["flagged"] <= 1.0
    assert set(out["topic"]["final"]) == {"ndcg@10"}
    # a query set of one's own: {"query", "target"} lines; targets must exist, off-topic lines have none
    qs = tmp_path / "q.jsonl"
    qs.write_text('{"query": "lithium cells burning while charging", "target": "3"}\n'
                  '{"query": "x-ray the nose gear tyre", "target": 0}\n', encoding="utf-8")
    got = eval_cases(tmp_path, HashingEncoder(), queries=[qs])["queries"][0]
    assert got["n"] == 2 and got["bm25"]["recall@10"] == 1.0 and got["final"]["mrr@10"] > 0
    off = tmp_path / "off.jsonl"
    off.write_text('{"query": "qwzxv"}\n', encoding="utf-8")
    assert eval_cases(tmp_path, HashingEncoder(), queries=[off])["queries"][0]["flagged"] == 1.0
    qs.write_text('{"query": "x", "target": "99"}\n{"target": "1"}\n', encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        eval_cases(tmp_path, HashingEncoder(), queries=[qs])
    assert {(p.line, p.field) for p in e.value.problems} == {(1, "target"), (2, "query")}
    (tmp_path / "lessons.jsonl").write_text('{"lesson_number": "1", "title": 3}\nnot json\n')
    with pytest.raises(ValidationError) as e:
        eval_cases(tmp_path, HashingEncoder())
    assert {(p.line, p.field) for p in e.value.problems} == {(1, "title"), (2, None)}


def _team2box(folder):
    """Three training questions and one test question, in the team2box file formats."""
    files = {
        "Q_ID_Map.txt": "QuestionNewID OriginalID\n0 10\n1 11\n2 12\n3 13\n",
        "Q_tags.txt": "10 gps battery\n11 gps\n12 sms\n13 gps maps\n",
        "answer_user_ids.txt": "answerID answererID\n100 7\n101 8\n102 7\n103 9\n104 9\n105 7\n",
        "q_answer_ids_score.txt": "Q_ID Answer_ID Score .....\n10 100 5 101 2\n11 102 3\n12 103 1\n13 104 4 105 1\n",
        "train.txt": "1 2,3,4,5,6\n1,2,3\n1,2,3\n",
        "test.txt": "1,2,3,4,5\n",
        "train_text.txt": "gps drains battery,use airplane mode,turn off wifi,x,y\ngps no fix,reset agps,z\n"
                          "sms not sent,check smsc,z\n",
        "test_text.txt": "maps app cannot get gps fix,answer one,answer two,x,y\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text)


def test_eval_experts_on_a_small_team2box_folder(tmp_path):
    _team2box(tmp_path)
    train, test = load_team2box(tmp_path)
    assert [q.id for q in train] == ["10", "11", "12"] and test[0].answerers == ["9", "7"]
    assert test[0].text == "maps app cannot get gps fix"  # never its answers
    out = eval_experts(tmp_path, HashingEncoder())
    assert out["n"] == 1 and set(out) == {"n", "teamgraph", "tag_overlap"}
    # person 9's only training answer is tagged sms: tag overlap cannot find them; teamgraph ranks
    # everyone with evidence (3 people here), so both answerers are in its top 10
    assert out["tag_overlap"]["recall@10"] == 0.5 and out["teamgraph"]["recall@10"] == 1.0
    (tmp_path / "test.txt").write_text("1,2,3\n")  # wrong number of segments for question 13
    with pytest.raises(ValidationError, match="test.txt"):
        load_team2box(tmp_path)
