"""`teamgraph suggest` in words (matching.render.suggestion_text): members by name and department
by name, never their ids. On tests/tinyorg.py, window Q1 2026, both stores."""

from __future__ import annotations

from tests.matching.pricing import pricing_request

from teamgraph.matching.engine import suggest
from teamgraph.matching.render import suggestion_text


def test_members_and_departments_by_name(tiny_store):
    sug = suggest(tiny_store, pricing_request())
    text = suggestion_text(sug)
    assert len(sug.team.members) >= 2
    for m in sug.team.members:
        dept = tiny_store.get("department", m.department).name
        assert m.department_name == dept
        [row] = [line for line in text.splitlines() if line.startswith(f"  {m.name} ")]
        assert f" {dept} " in row and f" {m.department} " not in row and f" {m.id} " not in row


def test_forced_overload_leads_in_words(tiny_store):
    sug = suggest(tiny_store, pricing_request(include=["ana"]))
    first = suggestion_text(sug).splitlines()[0]
    assert first.startswith("Pricing: overloaded — feasible only with this forced overload: Ana Lima at 120 %")
