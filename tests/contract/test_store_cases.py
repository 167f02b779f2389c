"""Contract: case lookup and listing with visibility (graph.model.can_see) and filters.

tinyorg cases: c-1 public (fin, p-crm, by ana+gus); c-2 department (ops, p-wms, by dee);
c-3 confidential (ops, p-wms, by dee); c-4 public (hr, zh); c-5 public (eng, p-plat).
"""

from __future__ import annotations

import pytest
from tests.tinyorg import CASES

from teamgraph.graph.model import Viewer, can_see

PUBLIC = {"c-1", "c-4", "c-5"}
MATRIX = {
    "member, no department": (Viewer(role="member"), PUBLIC),
    "sponsor, no department": (Viewer(role="sponsor", person="fay"), PUBLIC),
    "ops department member": (Viewer(role="member", person="x", department="ops"), PUBLIC | {"c-2"}),
    "other department member": (Viewer(role="member", person="cy", department="eng",
                                       projects=frozenset({"p-plat"})), PUBLIC),
    "project member, other department": (Viewer(role="member", person="bo", department="eng",
                                                projects=frozenset({"p-wms"})), PUBLIC | {"c-3"}),
    "author only": (Viewer(role="member", person="dee"), PUBLIC | {"c-3"}),
    "ops member on the project": (Viewer(role="member", person="eli", department="ops",
                                         projects=frozenset({"p-wms"})), PUBLIC | {"c-2", "c-3"}),
    "hr": (Viewer(role="hr"), PUBLIC | {"c-2", "c-3"}),
    "admin": (Viewer(role="admin"), PUBLIC | {"c-2", "c-3"}),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_visibility_matrix(tiny_store, who):
    viewer, expected = MATRIX[who]
    assert expected == {c.id for c in CASES if can_see(c, viewer)}  # the table agrees with can_see
    assert tiny_store.visible_case_ids(viewer) == expected
    assert {c.id for c in tiny_store.list_cases(viewer)} == expected
    assert {c.id for c in CASES if tiny_store.get_case(c.id, viewer) is not None} == expected


def test_get_case_returns_the_whole_case(tiny_store):
    assert tiny_store.get_case("c-3", Viewer(role="hr")) == CASES[2]
    assert tiny_store.get_case("c-404", Viewer(role="admin")) is None


def test_hostile_viewer_fields_are_just_values(tiny_store):
    sneaky = Viewer(role="member' OR 1=1 --", person="' OR '1'='1", department="ops' OR '1'='1",
                    projects=frozenset({"' OR 1=1 --"}))
    assert tiny_store.visible_case_ids(sneaky) == PUBLIC
    assert tiny_store.list_cases(Viewer(role="admin"), skill="x' OR 1=1 --") == []


def _ids(cases):
    return [c.id for c in cases]


def test_listing_order_and_paging(tiny_store):
    admin = Viewer(role="admin")
    # newest first: c-5 2026-02-01, c-4 2026-01-10, c-2 2025-12-15, c-3 2025-11-01, c-1 2025-07-01
    assert _ids(tiny_store.list_cases(admin)) == ["c-5", "c-4", "c-2", "c-3", "c-1"]
    assert _ids(tiny_store.list_cases(admin, limit=2, offset=1)) == ["c-4", "c-2"]
    assert _ids(tiny_store.list_cases(admin, offset=10)) == []


def test_filters(tiny_store):
    admin = Viewer(role="admin")
    assert _ids(tiny_store.list_cases(admin, department="ops")) == ["c-2", "c-3"]
    assert _ids(tiny_store.list_cases(admin, project="p-wms")) == ["c-2", "c-3"]
    assert _ids(tiny_store.list_cases(admin, skill="python")) == ["c-5"]
    assert _ids(tiny_store.list_cases(admin, skill="sql")) == ["c-1"]
    assert _ids(tiny_store.list_cases(admin, language="zh")) == ["c-4"]
    assert _ids(tiny_store.list_cases(admin, department="ops", skill="negotiation")) == ["c-3"]
    assert _ids(tiny_store.list_cases(admin, project="p-crm", language="zh")) == []


def test_filters_never_widen_visibility(tiny_store):
    outsider = Viewer(role="member", person="cy", department="eng")
    assert tiny_store.list_cases(outsider, department="ops") == []
    assert tiny_store.list_cases(outsider, project="p-wms") == []
    assert tiny_store.list_cases(outsider, skill="negotiation") == []
    colleague = Viewer(role="member", department="ops")
    assert _ids(tiny_store.list_cases(colleague, project="p-wms")) == ["c-2"]
