"""Forget leaves no trace (issue 12): after `forget` through the engine, no file under the data
directory holds the person's id, name or e-mail, in UTF-8 or UTF-16 (SQLite may store either), on
either store; the Neo4j database holds no node or relationship property with them; and the answer
says what was removed and which files were rewritten."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from teamgraph.embeddings.corpus import Corpus
from teamgraph.graph.model import ChangeSet, CollaborationRating, Expert, Membership, Person, PersonSkill, Project
from teamgraph.service import Teamgraph
from teamgraph.settings import Settings
from tests.embeddings.test_retriever import CountingEncoder
from tests.tinyorg import tiny_org

PID, NAME, EMAIL = "zoltan-qx7", "Zoltan Quixby", "zoltan.quixby@forget.example"
SECRETS = (PID, NAME, EMAIL)


def _their_records() -> ChangeSet:
    """One person with a record of every kind that points at a person."""
    cs = ChangeSet()
    cs.add(Person(PID, NAME, EMAIL, "eng", "Quantum plumber", "Reykjavik", "Atlantic/Reykjavik", 1.0, 100, ("is", "en")))
    cs.add(PersonSkill(PID, "python", 4, "self"))
    cs.add(PersonSkill(PID, "k8s", 3, "manager"))
    cs.add(Membership(PID, "p-crm", "developer", 0.5, date(2026, 1, 1), date(2026, 6, 30)))
    cs.add(CollaborationRating(PID, "ana", "p-crm", responsiveness=4, support=4, problem_solving=4,
                               comment=f"{NAME} liked working with Ana"))
    cs.add(CollaborationRating("ana", PID, "p-crm", responsiveness=3, support=3, problem_solving=3,
                               comment=f"{NAME} was helpful"))
    cs.add(Expert(PID, "quantum plumbing", "hr"))
    return cs


def _engine(store, data_dir: Path, **settings) -> Teamgraph:
    backend = "embedded" if getattr(store, "path", None) else "neo4j"
    encoder = None if "model" in settings else CountingEncoder()  # a model name: load it (or fail)
    return Teamgraph(Settings(data_dir=data_dir, store=backend, **settings), store=store,
                     encoder=encoder, progress=False)


@pytest.fixture
def org(store, tmp_path):
    """The tiny organisation plus the person to forget (author of c-1, sponsor of p-new), indexed."""
    store.apply(tiny_org())
    store.apply(_their_records())
    c1, pnew = store.get("case", "c-1"), store.get("project", "p-new")
    store.apply(ChangeSet().add(dataclasses.replace(c1, authors=(*c1.authors, PID)))
                .add(dataclasses.replace(pnew, sponsor=PID)))
    tg = _engine(store, tmp_path)
    tg.index_build()
    assert PID in Corpus.load(tg.settings.index_dir, "person").meta
    return tg


def _traces(data_dir: Path) -> list[tuple[str, str, str]]:
    """(file, secret, encoding) for every secret found in any file under `data_dir`."""
    found = []
    for f in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        data = f.read_bytes()
        for s in SECRETS:
            for enc in ("utf-8", "utf-16-le", "utf-16-be"):
                if s.encode(enc) in data:
                    found.append((str(f.relative_to(data_dir)), s, enc))
    return found


def _neo4j_traces(store) -> list[str]:
    """Every node/relationship property (or list element) holding a secret, read back by Cypher."""
    if getattr(store, "path", None):
        return []
    rows = store._read("MATCH (n) RETURN labels(n) AS what, properties(n) AS props "
                       "UNION ALL MATCH ()-[r]->() RETURN [type(r)] AS what, properties(r) AS props")
    return [f"{row['what']}.{k}" for row in rows for k, v in row["props"].items()
            if any(s in str(v) for s in SECRETS)]


def test_forget_leaves_no_trace_in_any_file_and_says_what_it_removed(org, tmp_path):
    assert _traces(tmp_path)  # the check can see them before
    out = org.forget(PID)
    assert _traces(tmp_path) == []
    assert _neo4j_traces(org.store) == []
    summary = out.to_dict()
    assert summary["deleted"] == {"person": 1, "person_skill": 2, "expert": 1, "rating_about": 1,
                                  "authorship": 1, "sponsorship": 1}
    assert summary["kept"] == {"membership": 1, "rating": 1}
    assert summary["index_removed"] == {"person": 1, "authorship": 1}
    assert "index/" + org.settings.index_dir.name + "/person.docs.json" in summary["files_rewritten"]
    assert org.index_status()["stale"] is False and org.index_status()["sizes"]["person"] == 10


def test_the_indexes_forget_at_once_even_when_they_cannot_be_updated(org, tmp_path):
    """A CLI whose model will not load (here: another model) still scrubs the index files now."""
    other = _engine(org.store, tmp_path, model="another-model")
    out = other.forget(PID)
    assert _traces(tmp_path) == []
    assert _neo4j_traces(org.store) == []
    assert out.index["stale"] is True  # the update could not run ...
    assert out.summary["index_removed"] == {"person": 1, "authorship": 1}  # ... the forget did


def test_the_tombstone_id_is_not_derived_from_the_person_id(org):
    org.forget(PID)
    tombs = {m.person for m in org.store.all("membership") if m.project == "p-crm"} - {
        p.id for p in org.store.all("person")}
    assert len(tombs) == 1
    (tomb,) = tombs
    assert tomb.startswith("forgotten-") and PID not in tomb and "zoltan" not in tomb
    project = org.store.get("project", "p-new")
    assert isinstance(project, Project) and project.sponsor is None


def test_a_purge_takes_the_vectors_out_of_an_hnsw_index_at_once():
    """HNSW cannot delete: a plain remove leaves the vectors in the file as dead ids; a forget's
    purge compacts, so the stored index holds live vectors only."""
    import numpy as np

    from teamgraph.embeddings.index import VectorIndex
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(60, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = VectorIndex(8, approx_threshold=10)
    index.build([f"k{i}" for i in range(60)], vecs, measure_recall=False)
    assert index.kind == "hnsw"
    index.remove(["k1"])
    assert index._index.ntotal == 60  # still stored
    index.remove(["k2"], purge=True)
    assert index._index.ntotal == len(index) == 58 and index.dead == 0


def test_the_cli_says_what_it_removed_in_text_and_json(tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner

    from teamgraph.cli import cli
    from tests.ingest.ingest_helpers import tiny_folder
    monkeypatch.setenv("TEAMGRAPH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TEAMGRAPH_STORE", "embedded")
    monkeypatch.setenv("TEAMGRAPH_MODEL", "hashing")
    run = lambda *args: CliRunner().invoke(cli, list(args))  # noqa: E731
    assert run("ingest", str(tiny_folder(tmp_path / "org")), "--quiet").exit_code == 0
    assert run("index", "build").exit_code == 0
    out = run("forget", "ana", "--yes")
    assert out.exit_code == 0, out.output
    assert "removed from the store: 1 person, " in out.output
    assert "removed from the retrieval indexes: 1 person" in out.output
    assert "teamgraph.sqlite3-wal" in out.output and "index/embedded/person.docs.json" in out.output
    out = run("forget", "bo", "--yes", "--json")
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["deleted"]["person"] == 1 and report["index_removed"]["person"] == 1
    assert report["index"]["mode"] == "incremental" and "teamgraph.sqlite3" in report["files_rewritten"]


def test_token_labels_that_name_the_person_are_scrubbed_too(org, tmp_path):
    """Tokens of other people whose labels mention the forgotten person (by id, name or e-mail,
    any case) keep working, with the mention replaced; the file keeps no copy (the grep above)."""
    from teamgraph.api.tokens import FORGOTTEN, token_store_for
    ts = token_store_for(tmp_path)
    mine = ts.create("member", PID, label="laptop")[0]
    labels = {"admin": f"admin set up for {NAME.upper()}", "hr": f"reviews {EMAIL} and {PID}",
              "sponsor": "Fay's planning token"}
    made = {role: ts.create(role, None if role == "admin" else "fay", label=label)
            for role, label in labels.items()}
    before = (tmp_path / "tokens.sqlite3").read_bytes().lower()
    assert all(s.lower().encode() in before for s in SECRETS)  # the check can see them before
    out = org.forget(PID)
    assert out.summary["tokens_revoked"] == 1 and out.summary["token_labels_scrubbed"] == 2
    assert ts.lookup(mine) is None
    after = {r.id: r.label for r in ts.list()}
    assert after[made["admin"][1].id] == f"admin set up for {FORGOTTEN}"
    assert after[made["hr"][1].id] == f"reviews {FORGOTTEN} and {FORGOTTEN}"
    assert after[made["sponsor"][1].id] == "Fay's planning token"  # no mention: untouched
    assert all(ts.lookup(secret) is not None for secret, _ in made.values())  # still working
    data = (tmp_path / "tokens.sqlite3").read_bytes().lower()
    assert not any(s.lower().encode() in data for s in SECRETS)
    assert _traces(tmp_path) == []


def test_forget_leaves_no_trace_in_bookings(org, tmp_path):
    """A booking they are in, one whose stored request names them (excluded, in the brief), and an
    audit note about them: after forget no file or Neo4j property holds them, the bookings stay."""
    from teamgraph.graph.model import Viewer
    hr = Viewer("hr", "ivy")
    window = {"start": "2026-04-06", "end": "2026-05-31"}
    theirs = org.book({"name": "Quantum audit", "window": window, "allocation": 0.2,
                       "requirements": [{"skill": "python", "level": 3}]}, [PID, "gus"], hr)
    about = org.book({"name": f"Audit without {NAME}", "brief": f"do not ask {EMAIL}", "window": window,
                      "allocation": 0.2, "requirements": [{"skill": "sql", "level": 3}], "exclude": [PID]}, ["gus"], hr)
    org.change_booking(about.id, "confirm", hr, note=f"confirmed after talking to {NAME}")
    assert _traces(tmp_path)
    org.forget(PID)
    assert _traces(tmp_path) == []
    assert _neo4j_traces(org.store) == []
    kept = org.store.get_booking(about.id)
    assert kept.request["exclude"] == [] and kept.name == "Audit without (forgotten person)"
    assert [m.person for m in org.store.get_booking(theirs.id).members] == ["gus"]


def test_forget_leaves_no_trace_in_saved_scenarios(org, tmp_path):
    """A saved what-if that removes them, names them and was saved by them: after forget the change
    about them is gone, the change about someone else stays, and no file holds them."""
    from teamgraph.graph.model import Viewer
    from teamgraph.scenario_shelf import Shelf
    shelf = Shelf(tmp_path)
    kept = shelf.save({"name": f"Without {NAME}", "description": f"ask {EMAIL} first",
                       "changes": [{"remove": {"person": NAME, "from": "2026-05-01"}},
                                   {"allocation": {"person": "gus", "project": "p-crm", "allocation": 0.3}}]},
                      Viewer("hr", PID))
    other = shelf.save({"name": "Delay the CRM", "changes": [{"delay": {"project": "p-crm", "weeks": 2}}]},
                       Viewer("hr", "ivy"))
    before = (tmp_path / "scenarios" / f"{other['id']}.json").read_bytes()
    assert _traces(tmp_path)
    out = org.forget(PID)
    assert out.summary["scenarios_rewritten"] == 1
    assert _traces(tmp_path) == []
    after = shelf.get(kept["id"], Viewer("hr", "ivy"))
    assert after["scenario"]["changes"] == [{"allocation": {"person": "gus", "project": "p-crm", "allocation": 0.3}}]
    assert after["name"] == "Without (forgotten person)" and after["saved_by"] == "(forgotten person)"
    assert (tmp_path / "scenarios" / f"{other['id']}.json").read_bytes() == before
