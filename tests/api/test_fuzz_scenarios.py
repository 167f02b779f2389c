"""Fuzzing what-if scenario bodies: a valid scenario with one field swapped for arbitrary JSON, sent
to run (with a request) and to apply. Every answer is a JSON error or a result — never a 5xx, never a
traceback — and an apply that is refused writes nothing. Bounded: derandomized, fixed examples."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, strategies as st

from teamgraph.graph.model import WRITE_ORDER
from tests.api.api_samples import REQUEST
from tests.api.test_fuzz_bodies import FUZZ, JSON, _check, _put

SCENARIO = {"name": "Fuzz", "description": "one of each", "changes": [
    {"hire": {"name": "Planned analyst", "department": "fin", "skills": {"sql": 4, "Budgeting": 3},
              "start": "2026-04-15", "capacity": 0.8, "cost_rate": 40, "languages": ["en"]}},
    {"delay": {"project": "p-plat", "weeks": 2}},
    {"remove": {"person": "Cy Park", "from": "2026-05-01"}},
    {"reassign": {"person": "hal", "from_project": "p-hire", "to_project": "p-new", "date": "2026-02-01"}},
    {"allocation": {"person": "bo", "project": "p-plat", "allocation": 0.5, "from": "2026-03-01"}}]}
PATHS = [("scenario",), ("scenario", "name"), ("scenario", "changes"), ("scenario", "changes", 0),
         ("scenario", "changes", 0, "hire"), ("scenario", "changes", 0, "hire", "skills"),
         ("scenario", "changes", 0, "hire", "start"), ("scenario", "changes", 0, "hire", "capacity"),
         ("scenario", "changes", 1, "delay", "weeks"), ("scenario", "changes", 1, "delay", "project"),
         ("scenario", "changes", 2, "remove", "from"), ("scenario", "changes", 3, "reassign", "date"),
         ("scenario", "changes", 3, "reassign", "to_project"), ("scenario", "changes", 4, "allocation"),
         ("scenario", "changes", 4, "allocation", "allocation"), ("scenario_id",), ("request",), ("relevance",)]


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory):
    from tests.api.fuzz_app import fuzz_app
    with fuzz_app(tmp_path_factory.mktemp("fuzz-scenarios")) as (app, token, errors):
        yield app.test_client(), {"Authorization": f"Bearer {token}"}, errors, app.extensions["teamgraph"].store


def _dump(store) -> dict:
    return {k: sorted(map(repr, store.all(k))) for k in WRITE_ORDER}


@FUZZ
@given(path=st.sampled_from(PATHS), value=JSON, apply=st.booleans())
def test_scenario_bodies_with_one_field_swapped_get_a_clear_answer(fuzz_client, path, value, apply):
    client, headers, errors, store = fuzz_client
    body = {"scenario": copy.deepcopy(SCENARIO)} if apply else {"scenario": copy.deepcopy(SCENARIO), "request": REQUEST}
    before, n = _dump(store), len(errors.records)
    resp = client.post("/api/v1/scenarios/apply" if apply else "/api/v1/scenarios/run", json=_put(body, path, value),
                       headers=headers)
    _check(resp, errors, n)
    if not apply or resp.status_code != 200:
        assert _dump(store) == before
    else:  # put the organisation back for the next example
        from tests.tinyorg import tiny_org
        store.clear_all()
        store.apply(tiny_org())


def test_the_valid_scenario_runs(fuzz_client):
    client, headers, _, store = fuzz_client
    resp = client.post("/api/v1/scenarios/run", json={"scenario": SCENARIO, "request": REQUEST}, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    assert len(resp.get_json()["scenario"]["changes"]) == 5
