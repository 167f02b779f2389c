"""Contract: the small lookups request paths use instead of scanning `all` (tests/tinyorg.py)."""

from __future__ import annotations

from datetime import date

from tests.tinyorg import NEEDS, PEOPLE, Q1

from teamgraph.graph.model import ChangeSet, Membership, Person, Project, ProjectNeed, Skill
from teamgraph.graph.store import GraphStore


def _ids(records):
    return [r.id for r in records]


def test_project_needs_sorted_by_skill(tiny_store):
    assert tiny_store.project_needs("p-new") == sorted((n for n in NEEDS if n.project == "p-new"),
                                                       key=lambda n: n.skill)
    assert [n.skill for n in tiny_store.project_needs("p-new")] == ["budgeting", "python"]
    assert tiny_store.project_needs("p-plat") == [ProjectNeed("p-plat", "k8s", 4, 2)]
    assert tiny_store.project_needs("p-crm") == [] and tiny_store.project_needs("nowhere") == []


def test_project_members_sorted_by_person_start_role(tiny_store):
    tiny_store.apply(ChangeSet().add(Membership("ana", "p-plat", "advisor", 0.1),  # no dates: first
                                     Membership("ana", "p-plat", "architect", 0.1, date(2026, 3, 1))))
    got = tiny_store.project_members("p-plat")
    assert [(m.person, m.role) for m in got] == [("ana", "advisor"), ("ana", "lead"), ("ana", "architect"),
                                                  ("bo", "engineer"), ("cy", "engineer")]
    assert got[1] == Membership("ana", "p-plat", "lead", 0.7, date(2026, 1, 15), date(2026, 6, 30))
    assert tiny_store.project_members("nowhere") == []


def test_project_members_keep_a_forgotten_persons_membership(tiny_store):
    tiny_store.forget_person("gus")
    got = tiny_store.project_members("p-crm")
    assert len(got) == 3 and [m.person for m in got][:2] == ["ana", "fay"]
    assert got[2].person.startswith("forgotten-") and got[2].role == "analyst"


def test_projects_by_status_sorted_by_id(tiny_store):
    assert _ids(tiny_store.projects()) == ["p-crm", "p-hire", "p-new", "p-plat", "p-wms"]
    assert _ids(tiny_store.projects(["active", "proposed"])) == ["p-hire", "p-new", "p-plat"]
    assert _ids(tiny_store.projects(("closed",))) == ["p-crm", "p-wms"]
    assert tiny_store.projects([]) == [] and tiny_store.projects(["no-such-status"]) == []
    assert tiny_store.projects(["closed"])[0].kpis == {"cycle_time_days": 21.0}


def test_departments_sorted_by_name(tiny_store):
    # Engineering, Finance, Operations, People & Culture
    assert _ids(tiny_store.departments()) == ["eng", "fin", "ops", "hr"]


def test_departments_of_an_empty_store(store):
    assert store.departments() == [] and store.projects() == [] and store.find_skills(["python"]) == {}


def test_find_skills_by_id_name_or_alias_folded(tiny_store):
    names = ["python", " PYTHON3 ", "Kubernetes", "容器编排", "K8S", "structured QUERY language", "cobol", ""]
    got = tiny_store.find_skills(names)
    assert {n: s.id for n, s in got.items()} == {
        "python": "python", " PYTHON3 ": "python", "Kubernetes": "k8s", "容器编排": "k8s", "K8S": "k8s",
        "structured QUERY language": "sql"}
    assert got["python"] == tiny_store.get("skill", "python")
    assert tiny_store.find_skills([]) == {}


def test_find_skills_prefers_id_then_name_then_alias_then_smallest_id(tiny_store):
    tiny_store.apply(ChangeSet().add(
        Skill("python3", "Py three"),  # its id is python's alias: the id wins
        Skill("zz", "Structured query language"),  # its name is sql's alias: the name wins
        Skill("b-skill", "B", aliases=("shared",)), Skill("a-skill", "A", aliases=("Shared",))))
    got = tiny_store.find_skills(["python3", "structured query language", "SHARED"])
    assert {n: s.id for n, s in got.items()} == {"python3": "python3", "structured query language": "zz",
                                                 "SHARED": "a-skill"}


def test_search_skills_name_prefix_first_then_by_name(tiny_store):
    # "p": python (name starts with it) first; then by name "Computer programming", "Logistics planning"
    assert _ids(tiny_store.search_skills("p")) == ["python", "programming", "logistics"]
    assert _ids(tiny_store.search_skills("P", limit=2)) == ["python", "programming"]
    assert _ids(tiny_store.search_skills("  SQL ")) == ["sql"]
    assert _ids(tiny_store.search_skills("招聘")) == ["recruiting"]  # an alias
    assert _ids(tiny_store.search_skills("query")) == ["sql"]
    assert tiny_store.search_skills("cobol") == [] and tiny_store.search_skills("p", limit=0) == []


def test_search_skills_empty_query_lists_by_name(tiny_store):
    assert _ids(tiny_store.search_skills("")) == ["budgeting", "programming", "k8s", "logistics", "negotiation",
                                                  "python", "recruiting", "sql"]
    assert _ids(tiny_store.search_skills("", limit=3)) == ["budgeting", "programming", "k8s"]


def test_search_skills_folds_accents_case(tiny_store):
    tiny_store.apply(ChangeSet().add(Skill("ecole", "École de données", aliases=("ÉCOLE DATA",))))
    assert _ids(tiny_store.search_skills("éCOLE")) == ["ecole"]
    assert _ids(tiny_store.search_skills("école d")) == ["ecole"]
    assert {n: s.id for n, s in tiny_store.find_skills(["école data"]).items()} == {"école data": "ecole"}


def test_search_people_active_by_id_name_or_title(tiny_store):
    # "an": Ana Lima (name prefix) first; then by name: Eli Novak (Planner), Gus Berg (Analyst)
    assert _ids(tiny_store.search_people("an")) == ["ana", "eli", "gus"]
    # jon's title is "Engineer (left)" but he is a leaver
    assert _ids(tiny_store.search_people("ENGINEER")) == ["ana", "bo", "cy"]
    assert _ids(tiny_store.search_people("engineer", limit=2)) == ["ana", "bo"]
    assert tiny_store.search_people("jon") == [] and tiny_store.search_people("zzz") == []
    assert tiny_store.search_people(" Fay ") == [PEOPLE[5]]


def test_search_people_exact_id_or_name_prefix_first(tiny_store):
    tiny_store.apply(ChangeSet().add(
        Person("eng", "Zoë Álvarez", "z@example.org", "eng", "Engineer"),
        Person("x1", "Angus Young", "a@example.org", "fin", "Guitarist")))
    # the exact id "eng" first, then names A.., B.., C.. whose title contains "eng"
    assert _ids(tiny_store.search_people("eng")) == ["eng", "ana", "bo", "cy"]
    # Gus Berg (id and name prefix) before Angus Young (contains), though "Angus" sorts first
    assert _ids(tiny_store.search_people("gus")) == ["gus", "x1"]
    assert _ids(tiny_store.search_people("ÁLV")) == ["eng"]


def test_search_people_strips_what_it_compares_and_matches_wildcards_literally(tiny_store):
    tiny_store.apply(ChangeSet().add(
        Person("w1", " \tAbe Zed", "w1@example.org", "eng", "100% remote"),
        Person("w2", "Abby Moss", "w2@example.org", "eng", "on_call"),
        Person(" x ", "Quinn Xu", "x@example.org", "eng"), Person("alx", "Alex Dean", "a@example.org", "eng")))
    # both names start with "ab" once stripped; " \tAbe Zed" sorts first by name
    assert _ids(tiny_store.search_people("AB")) == ["w1", "w2"]
    assert _ids(tiny_store.search_people("%")) == ["w1"] and _ids(tiny_store.search_people("_")) == ["w2"]
    assert _ids(tiny_store.search_people("e_c")) == [] and _ids(tiny_store.search_people("0% r")) == ["w1"]
    # the id " x " is exactly "x" once stripped, so Quinn Xu comes before Alex Dean
    assert _ids(tiny_store.search_people("X")) == [" x ", "alx"]


def test_demanded_skills_of_open_projects(tiny_store):
    # p-new (proposed): python, budgeting; p-plat (active): k8s
    assert tiny_store.demanded_skills() == ["budgeting", "k8s", "python"]
    assert tiny_store.demanded_skills("fin") == ["budgeting", "python"]
    assert tiny_store.demanded_skills(department="eng") == ["k8s"]
    assert tiny_store.demanded_skills("hr") == []
    # a closed project's needs are not demand; cancelling p-new drops its needs
    tiny_store.apply(ChangeSet().add(ProjectNeed("p-crm", "sql", 3, 1)))
    assert "sql" not in tiny_store.demanded_skills()
    p_new = next(p for p in tiny_store.projects() if p.id == "p-new")
    tiny_store.apply(ChangeSet().add(Project(**{**p_new.__dict__, "status": "cancelled"})))
    assert tiny_store.demanded_skills() == ["k8s"]


HOSTILE = "x') OR 1=1 -- '}) MATCH (n) DETACH DELETE n //\"%_\\"


def test_lookups_take_hostile_text_as_plain_values(tiny_store):
    before = tiny_store.counts()
    assert tiny_store.search_people(HOSTILE) == [] and tiny_store.search_skills(HOSTILE) == []
    assert tiny_store.find_skills([HOSTILE]) == {} and tiny_store.project_needs(HOSTILE) == []
    assert tiny_store.project_members(HOSTILE) == [] and tiny_store.projects([HOSTILE]) == []
    assert tiny_store.demanded_skills(HOSTILE) == []
    assert tiny_store.candidates([(HOSTILE, 1)], Q1, include=[HOSTILE], departments=[HOSTILE]) == []
    assert tiny_store.counts() == before


def test_every_store_implements_the_whole_protocol(store):
    wanted = [n for n, v in vars(GraphStore).items() if callable(v) and not n.startswith("_")]
    assert {"project_needs", "search_people", "demanded_skills"} <= set(wanted)
    assert [n for n in wanted if not callable(getattr(type(store), n, None))] == []
    assert isinstance(store, GraphStore)
