"""Request and portfolio validation: every problem reported, each naming its field and line."""

from __future__ import annotations

import pytest
from tests.tinyorg import SKILLS

from teamgraph.matching.request import load_portfolio, load_request, parse_request
from teamgraph.errors import ValidationError

GOOD = """\
name: Pricing engine
brief: A new pricing engine for quotes.
window: {start: 2026-04-01, end: 2026-09-30}
allocation: 0.4
size: {min: 2, max: 4}
requirements:
  - {skill: Python, level: 3, count: 2}
  - skill: 预算编制
    level: 3
    allocation: 0.2
departments:
  required: [fin]
  caps: {eng: 2}
exclude: [bo]
preferences: {languages: [en]}
"""


def test_good_request_resolves_names_and_aliases(tmp_path):
    f = tmp_path / "r.yaml"
    f.write_text(GOOD, encoding="utf-8")
    req = load_request(f, SKILLS)
    assert [(r.skill, r.level, r.count) for r in req.requirements] == [("python", 3, 2), ("budgeting", 3, 1)]
    assert req.alloc_of(req.requirements[1]) == 0.2 and req.alloc_of(req.requirements[0]) == 0.4
    assert (req.size_min, req.size_max, req.required_departments, req.cap_of("eng")) == (2, 4, ("fin",), 2)
    assert req.to_dict()["window"] == {"start": "2026-04-01", "end": "2026-09-30"}


def test_every_problem_names_field_and_line(tmp_path):
    bad = GOOD.replace("level: 3\n    allocation", "level: 7\n    allocation").replace(
        "end: 2026-09-30", "end: 2026-01-30").replace("departments:", "departmnts:")
    f = tmp_path / "r.yaml"
    f.write_text(bad, encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        load_request(f, SKILLS)
    got = {(p.field, p.line) for p in e.value.problems}
    assert ("requirements[1].level", 9) in got
    assert ("window.end", 3) in got
    assert ("departmnts", 11) in got
    assert "did you mean 'departments'" in str(e.value)
    assert all(p.file == str(f) for p in e.value.problems)


@pytest.mark.parametrize("written, expected", [
    ("kubernets", ("k8s", "Kubernetes")),
    ("预算", ("budgeting", "Budgeting")),  # by its alias 预算编制
    ("pythn", ("python", "Python")),
])
def test_unknown_skill_suggests_closest(written, expected):
    body = {"window": {"start": "2026-01-01", "end": "2026-02-01"}, "requirements": [{"skill": written}]}
    with pytest.raises(ValidationError) as e:
        parse_request(body, skills=SKILLS)
    p = e.value.problems[0]
    assert p.field == "requirements[0].skill"
    assert p.message.startswith(f"no skill called {written!r}; did you mean {expected[1]}")
    assert p.suggestions[0] == expected  # (id, name): the API's clickable "did you mean"


def test_structural_errors():
    with pytest.raises(ValidationError) as e:
        parse_request({"requirements": [], "size": {"min": 5, "max": 2}, "include": ["a"], "exclude": ["a"]})
    fields = {p.field for p in e.value.problems}
    assert {"window", "requirements", "size", "exclude"} <= fields


def test_portfolio_inline_and_file(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "p.yaml").write_text(
        "name: Q2\nmax_load: 0.8\nrequests:\n  - file: a.yaml\n"
        "  - name: two\n    window: {start: 2026-04-01, end: 2026-06-30}\n"
        "    requirements: [{skill: sql, level: 9}]\n", encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        load_portfolio(tmp_path / "p.yaml", SKILLS)
    assert [(p.field, p.line) for p in e.value.problems] == [("requests[1].requirements[0].level", 7)]
    (tmp_path / "p.yaml").write_text((tmp_path / "p.yaml").read_text().replace("level: 9", "level: 3"))
    pf = load_portfolio(tmp_path / "p.yaml", SKILLS)
    assert [r.name for r in pf.requests] == ["Pricing engine", "two"] and pf.max_load == 0.8
