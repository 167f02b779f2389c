"""Contract: skill neighbourhood, supply/demand, skills at risk (tests/tinyorg.py)."""

from __future__ import annotations

from dataclasses import replace

from tests.tinyorg import PEOPLE, PROJECTS

from teamgraph.graph.model import ChangeSet, ProjectNeed


def test_python_neighbourhood(tiny_store):
    n = tiny_store.skill_neighbourhood("python")
    assert n.skill.name == "Python" and n.broader.id == "programming" and n.narrower == []
    # active holders, highest level first: ana 5, bo 4, cy 3 (jon 5 is a leaver)
    assert [(h.person.id, h.level, h.evidence) for h in n.holders] == [
        ("ana", 5, "confirmed"), ("bo", 4, "inferred-from-project"), ("cy", 3, "self-declared")]
    assert n.supply == 3  # all three at level >= 3
    assert n.demand == 2  # p-new (proposed) needs 2 python >= 3
    # python holders ana/bo/cy also hold k8s (ana, bo) and sql (ana, cy): 2 each, ties by id
    assert [(s.id, k) for s, k in n.co_occurring] == [("k8s", 2), ("sql", 2)]


def test_broader_and_narrower(tiny_store):
    n = tiny_store.skill_neighbourhood("programming")
    assert n.broader is None and [s.id for s in n.narrower] == ["python", "sql"]
    assert n.holders == [] and n.supply == 0 and n.demand == 0 and n.co_occurring == []


def test_co_occurring_counts_shared_holders(tiny_store):
    # sql holders ana, cy, gus: python (ana, cy) 2; budgeting (gus) 1; k8s (ana) 1
    n = tiny_store.skill_neighbourhood("sql")
    assert [(s.id, k) for s, k in n.co_occurring] == [("python", 2), ("budgeting", 1), ("k8s", 1)]


def test_supply_counts_level_three_and_up(tiny_store):
    n = tiny_store.skill_neighbourhood("k8s")
    assert [(h.person.id, h.level) for h in n.holders] == [("ana", 4), ("bo", 2)]
    assert n.supply == 1
    assert n.demand == 2  # p-plat (active) needs 2


def test_demand_counts_only_open_projects(tiny_store):
    tiny_store.apply(ChangeSet().add(ProjectNeed("p-crm", "python", 3, 5)))  # p-crm is closed
    assert tiny_store.skill_neighbourhood("python").demand == 2
    tiny_store.apply(ChangeSet().add(replace(PROJECTS[4], status="cancelled")))  # p-new
    assert tiny_store.skill_neighbourhood("python").demand == 0


def test_department_filter(tiny_store):
    fin = tiny_store.skill_neighbourhood("python", department="fin")
    assert fin.holders == [] and fin.supply == 0
    assert fin.demand == 2  # p-new is owned by fin
    eng = tiny_store.skill_neighbourhood("python", department="eng")
    assert [h.person.id for h in eng.holders] == ["ana", "bo", "cy"] and eng.demand == 0


def test_limit_caps_lists_but_not_supply(tiny_store):
    n = tiny_store.skill_neighbourhood("python", limit=1)
    assert [h.person.id for h in n.holders] == ["ana"]
    assert [s.id for s, _ in n.co_occurring] == ["k8s"]
    assert n.supply == 3


def test_unknown_skill(tiny_store):
    assert tiny_store.skill_neighbourhood("cobol") is None


def _risks(store, **kw):
    return [(r.skill.id, [h.person.id for h in r.holders]) for r in store.skills_at_risk(**kw)]


def test_skills_at_risk(tiny_store):
    # active holders at level >= 3: k8s {ana}; budgeting {fay 5, gus 3}; logistics {dee 5, eli 3};
    # negotiation {fay 4, dee 3}; recruiting {hal 5, ivy 3}; python and sql have 3; programming 0
    assert _risks(tiny_store) == [("k8s", ["ana"]), ("budgeting", ["fay", "gus"]),
                                  ("logistics", ["dee", "eli"]), ("negotiation", ["fay", "dee"]),
                                  ("recruiting", ["hal", "ivy"])]
    assert _risks(tiny_store, max_holders=1) == [("k8s", ["ana"])]


def test_skills_at_risk_in_a_department(tiny_store):
    # eng: k8s {ana}; sql {cy 4, ana 3}; python has 3 holders
    assert _risks(tiny_store, department="eng") == [("k8s", ["ana"]), ("sql", ["cy", "ana"])]


def test_a_leaver_no_longer_counts(tiny_store):
    tiny_store.apply(ChangeSet().add(replace(PEOPLE[2], status="leaver")))  # cy leaves
    # python now has ana and bo only; sql has ana and gus
    risks = dict(_risks(tiny_store))
    assert risks["python"] == ["ana", "bo"] and risks["sql"] == ["ana", "gus"]
