"""Index follows the data (defect 7): every write through the engine — `teamgraph ingest`,
`teamgraph forget`, the API upload — updates the retrieval indexes from what it touched, so the
next kickoff works without `teamgraph index update`; a write the engine did not make is caught
up before the next search; and one person's change re-encodes one document, not hundreds."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from teamgraph.cli import cli
from teamgraph.embeddings.corpus import passages
from teamgraph.embeddings.documents import all_documents, touched_documents
from teamgraph.graph.model import ChangeSet, CollaborationRating, Person, Skill
from teamgraph.service import Teamgraph
from teamgraph.settings import Settings
from tests.embeddings.test_retriever import CountingEncoder
from tests.ingest.ingest_helpers import edit, tiny_folder

NEW_PERSON = "kim,Kim Sato,kim@example.org,eng,Platform engineer,Osaka,Asia/Tokyo,1.0,95.0,ja|en,active\n"


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    """An embedded data dir with the tiny organisation ingested and indexed, through the CLI."""
    monkeypatch.setenv("TEAMGRAPH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TEAMGRAPH_STORE", "embedded")
    monkeypatch.setenv("TEAMGRAPH_MODEL", "hashing")
    folder = tiny_folder(tmp_path / "org")
    run = lambda *args: CliRunner().invoke(cli, list(args))  # noqa: E731
    assert run("ingest", str(folder), "--quiet").exit_code == 0
    assert run("index", "build").exit_code == 0
    return run, folder


def _status(run) -> dict:
    out = run("index", "status")
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def test_cli_ingest_updates_the_index_and_the_next_kickoff_works(cli_env):
    run, folder = cli_env
    (folder / "people.csv").write_text((folder / "people.csv").read_text(encoding="utf-8") + NEW_PERSON,
                                       encoding="utf-8")
    out = run("ingest", str(folder), "--json", "--quiet")
    assert out.exit_code == 0, out.output
    index = json.loads(out.output)["index"]
    assert index["mode"] == "incremental" and index["changed"]["person"] == 1  # kim only, nothing else
    status = _status(run)
    assert status["stale"] is False and status["sizes"]["person"] == 11
    kickoff = run("kickoff", "--project", "p-new", "--json", "--no-team")
    assert kickoff.exit_code == 0, kickoff.output  # no `teamgraph index update` in between


def test_cli_forget_updates_the_index_and_the_person_is_gone_from_experts(cli_env):
    run, _ = cli_env
    out = run("forget", "ana", "--yes")
    assert out.exit_code == 0, out.output
    assert "retrieval index updated" in out.output
    status = _status(run)
    assert status["stale"] is False and status["sizes"]["person"] == 9
    kickoff = run("kickoff", "--project", "p-new", "--json", "--no-team", "--role", "admin")
    assert kickoff.exit_code == 0, kickoff.output
    assert "ana" not in [e["person"] for e in json.loads(kickoff.output)["experts"]]


def test_cli_ingest_without_an_index_says_how_to_build_one(tmp_path, monkeypatch):
    monkeypatch.setenv("TEAMGRAPH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TEAMGRAPH_STORE", "embedded")
    out = CliRunner().invoke(cli, ["ingest", str(tiny_folder(tmp_path / "org")), "--json", "--quiet"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["index"] == {"built": False,
                                               "message": "no retrieval index yet: run `teamgraph index build`"}


@pytest.fixture
def engine(tmp_path, tiny_store):
    encoder = CountingEncoder()
    tg = Teamgraph(Settings(data_dir=tmp_path), store=tiny_store, encoder=encoder, progress=False)
    tg.index_build()
    encoder.encoded = 0
    return tg, encoder


def test_one_person_re_encodes_one_document_and_a_forget_none(engine, tmp_path):
    tg, encoder = engine
    folder = tiny_folder(tmp_path / "org")
    edit(folder / "people.csv", "Staff engineer", "Principal engineer")
    out = tg.ingest(folder)
    assert out.index["mode"] == "incremental" and out.index["changed"]["person"] == 1
    ana = next(d for d in all_documents(tg.store)["person"] if d.key == "ana")
    assert encoder.encoded == len(passages(ana.text))  # her profile's passages, and nothing else
    encoder.encoded = 0
    out = tg.forget("bo")
    assert out.index["mode"] == "incremental" and encoder.encoded == 0  # removals encode nothing
    assert tg.index_status()["sizes"]["person"] == 9


def test_a_write_made_elsewhere_is_caught_up_before_the_next_search(engine):
    tg, _ = engine
    tg.store.apply(ChangeSet().add(Person("zed", "Zed Quinn", "zed@example.org", "ops", "Kubernetes operator")))
    tg._changed()  # what the revision clock notices within a second
    assert tg.index_status()["stale"] is True
    assert tg.similar_cases("Kubernetes upgrade", tg.viewer("admin"), k=1)  # no IndexMissing
    assert tg.index_status()["stale"] is False and tg.index_status()["sizes"]["person"] == 11


def test_a_write_the_index_cannot_follow_is_reported_stale_with_the_fix(engine, tmp_path):
    tg, _ = engine
    other = Teamgraph(Settings(data_dir=tmp_path, model="another-model"), store=tg.store, progress=False)
    out = other.forget("cy")
    assert out.index["stale"] is True and "teamgraph index" in out.index["message"]
    assert out.summary["revision"] == tg.store.revision()  # the write itself stands


def test_profile_text_does_not_depend_on_the_read_path(tiny_store):
    """A scan and a profile list memberships in different orders; the text must not differ, or
    every update after a sync re-encodes the profiles it touches (the 57 s of defect 7)."""
    docs = all_documents(tiny_store)
    meta = {name: {d.key: d.meta for d in ds} for name, ds in docs.items()}
    people = {d.key: d.digest for d in docs["person"]}
    found, _ = touched_documents(tiny_store, {"person": frozenset((p,) for p in people)},
                                 meta["case"], meta["person"])["person"]
    assert {d.key: d.digest for d in found} == people


def _means(store) -> dict[str, tuple[float, int]]:
    got: dict[str, list[float]] = {}
    for r in store.all("rating"):
        got.setdefault(r.ratee, []).append(r.mean)
    return {p: (round(sum(v) / len(v), 3), len(v)) for p, v in got.items()}


def test_expert_ratings_come_from_the_index_and_follow_rating_writes(engine):
    """Experts no longer scan every rating per query: the index keeps each mean received."""
    tg, _ = engine
    hr = tg.viewer("hr", "ivy")
    brief = "kubernetes upgrade broke batch jobs"
    hits = {h.person: h for h in tg.experts(brief, hr, k=20)}
    means = _means(tg.store)
    assert hits and all((h.ratings["mean"], h.ratings["count"]) == means[p] if p in means else h.ratings is None
                        for p, h in hits.items())
    rated = next(p for p in hits if p in means)
    report = tg.store.apply(ChangeSet().add(CollaborationRating("ivy", rated, "p-plat", responsiveness=1,
                                                                support=1, problem_solving=1)))
    tg._own_retriever().update(report)
    after = {h.person: h for h in tg.experts(brief, hr, k=20)}[rated].ratings
    assert (after["mean"], after["count"]) == _means(tg.store)[rated] and after["count"] == means[rated][1] + 1


def test_an_index_of_the_previous_format_is_synced_not_rebuilt(engine, tmp_path):
    tg, encoder = engine
    manifest = tmp_path / "index" / "embedded" / "manifest.json"
    m = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**m, "format": 1}), encoding="utf-8")
    again = Teamgraph(Settings(data_dir=tmp_path), store=tg.store, encoder=encoder, progress=False,
                      build_index=False)
    assert again.index_status()["stale"] is True
    assert again.similar_cases("Kubernetes upgrade", again.viewer("admin"), k=1)
    assert json.loads(manifest.read_text(encoding="utf-8"))["format"] == 2
    assert encoder.encoded == 1  # the query only: nothing re-encoded, the texts are the same


def test_request_paths_never_read_a_whole_kind(engine, monkeypatch):
    """Searches, experts, suggestions and the kickoff read what they need, never `store.all`
    (that stays for indexing); a skill renamed through a write reaches brief matching."""
    tg, _ = engine
    hr = tg.viewer("hr", "ivy")
    report = tg.store.apply(ChangeSet().add(Skill("k8s", "Kubernetes", aliases=("k8s", "kube", "容器编排"),
                                                  category="digital")))
    tg._own_retriever().update(report)

    def no_scan(kind):  # like the stores' `all`, a generator: reading it is what fails
        raise AssertionError(f"a request path read every {kind}")
        yield
    monkeypatch.setattr(tg.store, "all", no_scan)
    hits = tg.similar_cases("kube rollout broke batch jobs", hr, k=3)
    assert any("k8s" in h.shared_skills for h in hits)  # the new alias, from the index's skill names
    assert tg.experts("kube rollout", hr, k=3)
    package = tg.kickoff(hr, project_id="p-new", with_team=True)
    assert package.team is not None and "error" not in package.team
    answer = tg.suggest({"window": {"start": "2026-04-01", "end": "2026-06-30"},
                         "requirements": [{"skill": "kube", "level": 2}]}, hr, alternatives=0)
    assert answer.request["requirements"][0]["skill"] == "k8s" and answer.status != "invalid"


def test_a_server_reads_back_what_a_cli_write_indexed(tmp_path, monkeypatch):
    """`teamgraph forget` beside a running server: the CLI's engine updates the index files, and
    the server's engine reads them back before its next search instead of re-scanning the store."""
    from teamgraph.graph.sqlite_store import SqliteStore
    from tests.tinyorg import tiny_org
    path = tmp_path / "teamgraph.sqlite3"
    SqliteStore(path).apply(tiny_org())
    settings = Settings(data_dir=tmp_path, model="hashing")
    server = Teamgraph(settings, store=SqliteStore(path), progress=False)
    server.warm()
    cli_engine = Teamgraph(settings, store=SqliteStore(path), progress=False, build_index=False)
    assert cli_engine.forget("bo").index["mode"] == "incremental"

    def no_scan(kind):
        raise AssertionError(f"the server re-scanned every {kind}")
        yield
    monkeypatch.setattr(server.store, "all", no_scan)
    admin = server.viewer("admin")
    assert "bo" not in [e.person for e in server.experts("kubernetes upgrade broke batch jobs", admin, k=20)]
    assert server.index_status(admin)["stale"] is False
    server.close()
    cli_engine.close()
