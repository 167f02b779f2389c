"""`teamgraph staff` in words (matching.render.portfolio_text): people by name (the id only beside
a name two people share), requirements by the label the sponsor wrote, each team's unmet rules,
the forced overload and any broken rule. On tests/tinyorg.py, window Q1 2026 (loads: ana 0.9,
bo 1.0, cy 0.4 of capacity 0.8), both stores; the wording of a hand-made answer without a store."""

from __future__ import annotations

from teamgraph.matching.portfolio import staff
from teamgraph.matching.portfolio_result import PortfolioResult
from teamgraph.matching.render import display_names, portfolio_text
from teamgraph.matching.request import parse_portfolio

Q1 = {"start": "2026-01-01", "end": "2026-03-31"}


def run(store, requests, **kw):
    return staff(store, parse_portfolio({"requests": requests}), time_limit=20, lns_workers=1, **kw)


def team_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("  ") and not line.startswith("  busiest")]


def test_soft_mode_text_names_people_and_says_what_stays_unmet(tiny_store):
    # Under a 30 % cap nobody holding python or recruiting fits; Operations has free people.
    res = run(tiny_store, [
        {"name": "Q", "window": Q1, "allocation": 0.3, "size": {"min": 1, "max": 3},
         "departments": {"required": ["ops"]}, "requirements": [{"skill": "Python", "level": 3}]},
        {"name": "Hiring", "window": Q1, "allocation": 0.5, "size": {"min": 2, "max": 3},
         "departments": {"required": ["hr"]}, "requirements": [{"skill": "recruiting", "level": 3}]}],
        max_load=0.3)
    text = portfolio_text(res)
    [q] = [t for t in res.teams if t["request"] == "Q"]
    [member] = q["members"]
    name = tiny_store.get("person", member["id"]).name
    assert f"  Q: {name} (represents required department Operations)" in text
    assert "    unfilled: Python (level 3)" in text
    assert "  Hiring: (not staffed)" in text
    assert "    unfilled: Recruiting (level 3)" in text  # a bare id reads as the skill name
    assert "more person needed" not in text and "has 0 of 1 people" not in text  # each slot said once
    assert "    unmet: 0 members, below the size minimum of 2" in text
    assert "    unmet: no member from required department People & Culture" in text
    for line in team_lines(text):  # no person or department id where people read
        assert member["id"] not in line.split() and "hr" not in line.split() and "ops" not in line.split()


def test_forced_overload_is_one_line_in_the_designs_words(tiny_store):
    # ana (90 % busy) is included: 120 % with a 0.3 role; gus fills R2's sql.
    res = run(tiny_store, [
        {"name": "R1", "window": Q1, "allocation": 0.3, "include": ["ana"],
         "requirements": [{"skill": "k8s", "level": 4}]},
        {"name": "R2", "window": Q1, "allocation": 0.5, "requirements": [{"skill": "sql", "level": 3}]}])
    text = portfolio_text(res)
    assert res.status == "overloaded"
    assert text.count("feasible only with this forced overload: Ana Lima at 120 %") == 1
    assert "  R1: Ana Lima (Kubernetes; included or pinned)" in text
    assert "  R2: Gus Berg (SQL)" in text


def test_covers_carry_the_requirement_labels_beside_the_skill_ids(tiny_store):
    res = run(tiny_store, [{"name": "P", "window": Q1, "allocation": 0.2, "size": {"min": 1, "max": 2},
                            "requirements": [{"skill": "Python", "level": 3}, {"skill": "structured query language",
                                                                             "level": 4}]}])
    [cy] = [m for m in res.teams[0]["members"] if m["id"] == "cy"]  # the only sql ≥ 4
    assert "sql" in cy["covers"] and "structured query language" in cy["covers_labels"]
    by_skill = {m["id"]: dict(zip(m["covers"], m["covers_labels"])) for m in res.teams[0]["members"]}
    assert {s: label for labels in by_skill.values() for s, label in labels.items()} == {
        "python": "Python", "sql": "structured query language"}
    d = res.to_dict()["teams"][0]["members"]
    assert all(set(m["covers"]) <= {"python", "sql"} for m in d)  # ids stay for programs
    text = portfolio_text(res)
    assert "structured query language" in text and "sql)" not in text and "python" not in text


def answer(**over) -> PortfolioResult:
    base = dict(mode="hard", status="invalid", max_util=0.5, lower_bound=0.5, gap=0.0, spread=0.0, covered=2,
                required=2, teams=[], people=[], baseline_max_util=0.5, baseline_covered=2, seconds=0.1)
    return PortfolioResult(**{**base, **over})


def member(pid, name, covers=(), labels=(), **kw):
    return {"id": pid, "name": name, "covers": list(covers), "covers_labels": list(labels), "needed_for": None,
            "allocation": 0.3, "forced": False, **kw}


def test_the_id_appears_only_beside_a_name_two_people_share():
    res = answer(status="optimal", teams=[
        {"request": "A", "members": [member("s1", "Sam Lee", ["python"], ["Python"]),
                                     member("ann", "Ann Ho", ["sql"], ["SQL"])],
         "uncovered": [], "unmet": []},
        {"request": "B", "members": [member("s2", "Sam Lee", ["python"], ["Python"])], "uncovered": [], "unmet": []}],
        people=[{"id": "s1", "name": "Sam Lee", "load_before": 0.2, "load_after": 0.5, "capacity": 1.0},
                {"id": "ann", "name": "Ann Ho", "load_before": 0.0, "load_after": 0.3, "capacity": 1.0}])
    text = portfolio_text(res)
    assert "  A: Sam Lee (s1) (Python), Ann Ho (SQL)" in text
    assert "  B: Sam Lee (s2) (Python)" in text
    assert "Ann Ho (ann)" not in text
    assert display_names([("x", "Xu Li"), ("y", None)]) == {"x": "Xu Li", "y": "y"}


def test_broken_rules_are_listed_with_their_request():
    res = answer(teams=[{"request": "A", "members": [member("cy", "Cy Park", ["python"], ["Python"])],
                         "uncovered": [], "unmet": []}],
                 violations=[{"rule": "capacity", "message": "Cy Park would be at 112% of capacity", "person": "cy",
                              "request": "A", "key": "cy"},
                             {"rule": "load", "message": "Cy Park reaches 130% of capacity across A, B",
                              "person": "cy", "request": None}])
    text = portfolio_text(res).splitlines()
    assert "rule broken (capacity, A): Cy Park would be at 112% of capacity" in text
    assert "rule broken (load): Cy Park reaches 130% of capacity across A, B" in text
