"""Schema-driven fuzzing of the API on loopback (issue 12): schemathesis draws requests from the
served OpenAPI document — valid ones (positive) and ones that break it (negative) — and sends
them to a real waitress server over the tiny organisation. Every answer must be a non-5xx with
no traceback, and the server must log no unhandled error. (A 10-minute `st run` against the same
app, coverage phase of boundary values included, sent 4,551 cases: no 5xx either.)

Bounded for CI: derandomized (the same cases every run), a few examples per operation, solver
time limits capped low by the app's own settings; about a minute on two cores.
"""

from __future__ import annotations

import threading

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

EXAMPLES = 6  # per operation and mode
# Portfolios are the slowest to draw (up to 50 requests of 50 requirements, dates by pattern):
# fewer examples keep the suite within its minute.
FEWER = {"POST /api/v1/portfolio/staff": 3}


@pytest.fixture(scope="module")
def live_api(tmp_path_factory):
    """(base url, admin token, error log) for the tiny organisation served by waitress on 127.0.0.1."""
    from teamgraph.api.server import make_server
    from tests.api.fuzz_app import fuzz_app

    with fuzz_app(tmp_path_factory.mktemp("fuzz")) as (app, token, errors):
        server = make_server(app, "127.0.0.1", 0, threads=2)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.effective_port}", token, errors
        server.close()
        thread.join(5)


def no_traceback(ctx, response, case):
    """No answer shows a stack trace or an exception's internals."""
    text = response.text or ""
    assert "Traceback (most recent call last)" not in text and 'File "/' not in text, text[:300]


def _operations(base: str):
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_no_request_the_document_describes_gets_a_5xx_or_a_traceback(live_api, mode):
    """Valid requests (positive) and requests that break the schema (negative), for every operation."""
    from schemathesis.generation.modes import GenerationMode

    base, token, errors = live_api
    headers = {"Authorization": f"Bearer {token}"}
    operations = _operations(base)
    assert len(operations) >= 20
    for op in operations:
        @given(case=op.as_strategy(GenerationMode(mode)))
        @settings(max_examples=FEWER.get(op.label, EXAMPLES), derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            before = len(errors.records)
            case.call_and_validate(base_url=base, headers=headers, checks=[not_a_server_error, no_traceback],
                                   timeout=30)
            logged = errors.records[before:]
            assert not logged, logged

        fuzz()
