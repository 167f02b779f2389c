"""Fuzzing request bodies (issue 12): hypothesis sends every JSON endpoint arbitrary JSON, raw
bytes, and valid bodies with one field swapped for an arbitrary value. Every answer is a
JSON error or a result — never a 5xx, never a traceback — and the app logs no unhandled error.

Bounded for CI: derandomized, a fixed number of examples, the solver capped at one second.
"""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.api_samples import REQUEST

ENDPOINTS = ["/api/v1/teams/suggest", "/api/v1/teams/why-not", "/api/v1/teams/resolve",
             "/api/v1/portfolio/staff", "/api/v1/kickoff"]
VALID = {"/api/v1/teams/suggest": {"request": REQUEST, "alternatives": 1},
         "/api/v1/teams/why-not": {"request": REQUEST, "person": "bo"},
         "/api/v1/teams/resolve": {"request": REQUEST, "pins": ["gus"], "previous": ["ana"]},
         "/api/v1/portfolio/staff": {"portfolio": {"requests": [REQUEST]}},
         "/api/v1/kickoff": {"brief": "pricing engine with SQL reports", "request": REQUEST}}
FIELD_PATHS = [("request",), ("request", "window"), ("request", "window", "start"), ("request", "size"),
               ("request", "requirements"), ("request", "requirements", 0), ("request", "requirements", 0, "level"),
               ("request", "requirements", 0, "skill"), ("request", "departments"), ("request", "include"),
               ("request", "allocation"), ("request", "budget"), ("request", "preferences"), ("seed",),
               ("alternatives",), ("min_diff",), ("time_limit",), ("pins",), ("previous",), ("person",),
               ("portfolio",), ("portfolio", "requests"), ("max_load",), ("brief",), ("k_cases",), ("skills",)]

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**20, max_value=10**400),
                    st.floats(), st.text(max_size=30), st.sampled_from(["", "\x00", "\ufeff", "\ud800", "2026-02-30",
                                                                         "9999-12-31", "x" * 300]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=8), inner, max_size=4), max_leaves=20)


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory):
    """(test client, headers, error log) for the tiny organisation (SQLite), as admin."""
    from tests.api.fuzz_app import fuzz_app

    with fuzz_app(tmp_path_factory.mktemp("fuzz-bodies")) as (app, token, errors):
        yield app.test_client(), {"Authorization": f"Bearer {token}"}, errors


def _check(resp, errors, before: int) -> None:
    text = resp.get_data(as_text=True)
    assert resp.status_code < 500, (resp.status_code, text[:400])
    assert "Traceback" not in text and 'File "/' not in text, text[:400]
    if resp.status_code >= 400:
        body = resp.get_json()
        assert {"code", "message", "fields"} <= set(body), body
    assert errors.records[before:] == []


def _put(body: dict, path: tuple, value) -> dict:
    out = copy.deepcopy(body)
    node = out
    for key in path[:-1]:
        if isinstance(node, dict) and isinstance(key, str):
            node = node.setdefault(key, {})
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            return out
    if isinstance(node, dict) and isinstance(path[-1], str) or isinstance(node, list) and path[-1] < len(node):
        node[path[-1]] = value
    return out


FUZZ = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


@FUZZ
@given(endpoint=st.sampled_from(ENDPOINTS), body=JSON)
def test_arbitrary_json_bodies_get_a_clear_answer(fuzz_client, endpoint, body):
    client, headers, errors = fuzz_client
    before = len(errors.records)
    _check(client.post(endpoint, data=json.dumps(body), content_type="application/json", headers=headers),
           errors, before)


@FUZZ
@given(endpoint=st.sampled_from(ENDPOINTS), path=st.sampled_from(FIELD_PATHS), value=JSON)
def test_valid_bodies_with_one_field_swapped_get_a_clear_answer(fuzz_client, endpoint, path, value):
    client, headers, errors = fuzz_client
    body = VALID[endpoint]
    if path[0] == "request" and "request" not in body:
        path = ("portfolio", "requests", 0) + path[1:] if "portfolio" in body else path
    before = len(errors.records)
    _check(client.post(endpoint, json=_put(body, path, value), headers=headers), errors, before)


@FUZZ
@given(endpoint=st.sampled_from(ENDPOINTS), raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_raw_bytes_get_a_clear_answer(fuzz_client, endpoint, raw):
    client, headers, errors = fuzz_client
    before = len(errors.records)
    _check(client.post(endpoint, data=raw, content_type="application/json", headers=headers), errors, before)


def test_the_valid_bodies_are_answered(fuzz_client):
    """The bodies the swaps start from are themselves accepted (so a swap is what gets refused)."""
    client, headers, _ = fuzz_client
    for endpoint, body in VALID.items():
        resp = client.post(endpoint, json=body, headers=headers)
        assert resp.status_code == 200, (endpoint, resp.get_json())
