"""Contract: the skill vocabulary people are offered, and the directory lookups (people and
projects by filter, with a total) that request paths use instead of scanning `all`."""

from __future__ import annotations

from datetime import date

from teamgraph.graph.model import ChangeSet, Person, PersonSkill, Project, ProjectNeed, Skill


def test_vocabulary_is_held_or_needed_skills_and_their_broader_skills(tiny_store):
    got = {u.skill.id: (u.holders, u.needed_by) for u in tiny_store.skill_vocabulary()}
    # jon (a leaver) holds python too: not counted; programming is held by nobody but is above python/sql
    assert got == {"budgeting": (2, 1), "k8s": (2, 1), "logistics": (2, 0), "negotiation": (2, 0),
                   "programming": (0, 0), "python": (3, 1), "recruiting": (2, 0), "sql": (3, 0)}
    vocab = tiny_store.skill_vocabulary()
    assert [u.skill.id for u in vocab] == sorted(got)
    assert next(u.skill for u in vocab if u.skill.id == "python") == tiny_store.get("skill", "python")


def test_vocabulary_leaves_out_unused_skills_and_counts_only_open_projects(tiny_store):
    tiny_store.apply(ChangeSet().add(
        Skill("cobol", "COBOL", broader="programming"),  # nobody holds it, nobody needs it
        Skill("mainframes", "Mainframes"), Skill("legacy", "Legacy systems", broader="mainframes"),
        Skill("jcl", "JCL", broader="legacy"),
        Project("p-old", "Old", status="closed"), ProjectNeed("p-old", "cobol", 3, 1),  # closed: no demand
        Project("p-jcl", "Batch", status="proposed"), ProjectNeed("p-jcl", "jcl", 2, 1),
        ProjectNeed("p-new", "k8s", 2, 1)))
    got = {u.skill.id: (u.holders, u.needed_by) for u in tiny_store.skill_vocabulary()}
    assert "cobol" not in got
    assert got["jcl"] == (0, 1) and got["legacy"] == (0, 0) and got["mainframes"] == (0, 0)  # two levels up
    assert got["k8s"] == (2, 2)


def test_vocabulary_of_an_empty_store(store):
    assert store.skill_vocabulary() == []


def test_people_matching_filters_and_sorts_by_name(tiny_store):
    every = tiny_store.people_matching()
    # active people only (jon left), by name: Ana Lima, Bo Chen, Cy Park, Dee Okafor, ...
    assert every == ["ana", "bo", "cy", "dee", "eli", "fay", "gus", "hal", "ivy"]
    assert tiny_store.people_matching(department="eng") == ["ana", "bo", "cy"]
    assert tiny_store.people_matching(skill="python") == ["ana", "bo", "cy"]
    assert tiny_store.people_matching(skill="python", min_level=4) == ["ana", "bo"]
    assert tiny_store.people_matching(skill="python", min_level=4, department="eng", query="CHEN") == ["bo"]
    assert tiny_store.people_matching(query=" engineer ") == ["ana", "bo", "cy"]  # title, folded
    assert tiny_store.people_matching(department="hr", skill="python") == []
    assert tiny_store.people_matching(department="nowhere") == []


def test_people_matching_folds_non_ascii_text(tiny_store):
    tiny_store.apply(ChangeSet().add(Person("zoe", "Zoë Ärmel", "zoe@example.org", "ops", "Übersetzerin"),
                                     PersonSkill("zoe", "logistics", 2)))
    assert tiny_store.people_matching(query="ÄRMEL") == ["zoe"]
    assert tiny_store.people_matching(query="übersetz") == ["zoe"]
    assert tiny_store.people_matching(skill="logistics", min_level=3) == ["dee", "eli"]


def test_project_index_pages_with_a_total(tiny_store):
    total, page = tiny_store.project_index()
    # newest start first: p-new 2026-04, p-plat 2026-01, p-hire 2025-09, p-wms 2025-03, p-crm 2025-01
    assert total == 5 and [p.id for p in page] == ["p-new", "p-plat", "p-hire", "p-wms", "p-crm"]
    total, page = tiny_store.project_index(limit=2, offset=1)
    assert total == 5 and [p.id for p in page] == ["p-plat", "p-hire"]
    assert tiny_store.project_index(limit=2, offset=9) == (5, [])
    total, page = tiny_store.project_index(statuses=["active", "proposed"], department="fin")
    assert total == 1 and page == [tiny_store.get("project", "p-new")]
    assert [p.id for p in tiny_store.project_index(skill="python")[1]] == ["p-new"]
    assert [p.id for p in tiny_store.project_index(query="UPGRADE")[1]] == ["p-plat"]
    assert tiny_store.project_index(statuses=[]) == (0, [])


def test_project_index_puts_projects_without_a_start_last(tiny_store):
    tiny_store.apply(ChangeSet().add(Project("p-idea", "An idea", status="proposed"),
                                     Project("p-2027", "Later", status="proposed", start=date(2027, 1, 1))))
    total, page = tiny_store.project_index(statuses=["proposed"])
    assert total == 3 and [p.id for p in page] == ["p-2027", "p-new", "p-idea"]
