"""The packaged sample organisation meets its size requirements and loads cleanly; the
generator's output ingests cleanly and is deterministic for a seed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from teamgraph.graph.load import loads_by_person
from teamgraph.graph.model import PROCESSES, Window
from teamgraph.ingest.generator import generate
from teamgraph.ingest.loader import ingest_folder, load_folder
from teamgraph.ingest.sample import SAMPLE_TODAY, load_sample, sample_path, summary

NOW = Window(SAMPLE_TODAY, SAMPLE_TODAY + timedelta(days=90))


@pytest.fixture(scope="module")
def sample():
    return load_folder(sample_path(), progress=False).records


def test_sample_is_small_and_attributed():
    files = [p for p in sample_path().rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 4_000_000
    text = (sample_path() / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for needle in ("NASA", "public domain", "ESCO", "2011/833/EU", "O*NET 29.2", "CC BY 4.0"):
        assert needle in text


def test_sample_size_requirements(sample):
    people = list(sample["person"].values())
    assert len(people) >= 300
    assert len(sample["department"]) >= 8 and len({p.department for p in people}) >= 8
    assert any("\u4e00" <= ch <= "\u9fff" for p in people for ch in p.name)  # Chinese names
    assert len({p.timezone for p in people}) >= 8 and {0.5, 0.8, 1.0} <= {p.capacity for p in people}
    past = [p for p in sample["project"].values() if p.status in ("closed", "cancelled")]
    assert len(past) >= 150
    assert {p.process for p in past} == set(PROCESSES)
    assert all(p.sponsor and p.process_owner for p in sample["project"].values())
    assert sum(1 for p in past if p.outcome and p.kpis) >= 100
    cases = list(sample["case"].values())
    assert len(cases) >= 300
    assert sum(1 for c in cases if c.language == "zh") >= 20
    assert {c.visibility for c in cases} == {"public", "department", "confidential"}
    assert sum(1 for c in cases if any(t.startswith("source:https://llis.nasa.gov/lesson/") for t in c.tags)) >= 300
    assert sum(1 for c in cases if c.skills) >= 0.9 * len(cases)
    assert len(sample["rating"]) >= 500 and len(sample["expert"]) >= 20
    open_projects = {p.id for p in sample["project"].values() if p.status in ("proposed", "active")}
    assert {n.project for n in sample["project_need"].values()} <= open_projects
    assert len({n.project for n in sample["project_need"].values()}) >= 20


def test_sample_skills_are_real_taxonomy_with_aliases(sample):
    skills = sample["skill"]
    names = {s.name for s in skills.values()}
    assert {"Python (computer programming)", "SQL", "Microsoft Excel", "recruiting and hiring"} <= names
    zh = [s for s in skills.values() if any("\u4e00" <= ch <= "\u9fff" for a in s.aliases for ch in a)]
    assert len(zh) >= 30
    assert sum(1 for s in skills.values() if s.broader) >= 100


def test_sample_has_busy_people_now(sample):
    loads = loads_by_person(sample["membership"].values(), NOW)
    people = sample["person"]
    assert sum(1 for pid, load in loads.items() if load >= 0.9 * people[(pid,)].capacity) >= 5
    assert all(load <= people[(pid,)].capacity + 1e-9 for pid, load in loads.items())


def test_sample_loads_and_summarises(store):
    report = load_sample(store, progress=False)
    assert report.kinds["person"].written >= 300
    rev = store.revision()
    again = load_sample(store, progress=False)
    assert again.written == 0 and store.revision() == rev
    info = summary(store, NOW)
    assert info["counts"]["person"] >= 300 and len(info["departments"]) >= 8
    assert info["busiest"] and info["busiest"][0]["load"] >= 0.8
    assert 1 <= len(info["at_risk"]) and all(1 <= len(r["holders"]) <= 2 for r in info["at_risk"])
    assert store.get("person", info["example_person"]) is not None
    assert store.get("skill", info["example_skill"]) is not None
    assert store.get("project", info["example_project"]).status in ("active", "proposed")


def test_generator_is_deterministic_for_a_seed(tmp_path):
    a = generate(tmp_path / "a", people=400, seed=3, progress=False)
    b = generate(tmp_path / "b", people=400, seed=3, progress=False)
    c = generate(tmp_path / "c", people=400, seed=4, progress=False)
    assert a == b
    for f in sorted(p.name for p in (tmp_path / "a").iterdir()):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    assert (tmp_path / "a" / "people.csv").read_bytes() != (tmp_path / "c" / "people.csv").read_bytes()
    assert c["person"] == 400


def test_generated_org_ingests_cleanly(store, tmp_path):
    counts = generate(tmp_path / "gen", people=600, seed=11, progress=False)
    report = ingest_folder(store, tmp_path / "gen", progress=False)
    assert {k: c.written for k, c in report.kinds.items()} == counts
    assert store.counts()["person"] == 600
    loads = loads_by_person(store.all("membership"), NOW)
    assert any(v > 0 for v in loads.values())  # current allocations exist
    assert {p.status for p in store.all("project")} >= {"closed", "active", "proposed"}
    cases = list(store.all("case"))
    assert len({c.problem for c in cases}) > 0.9 * len(cases)  # recombined text varies
    assert date(2019, 1, 1) <= min(c.date for c in cases)
