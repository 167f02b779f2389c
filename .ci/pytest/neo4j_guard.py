"""pytest plugin used by .ci/run: records every test marked `neo4j` that was skipped (or never ran).

CI must prove the Neo4j store works, so a skipped Neo4j test is a CI failure, not a pass.
Loaded with `-p neo4j_guard` (PYTHONPATH=.ci/pytest); writes a JSON summary to
$TEAMGRAPH_NEO4J_GUARD_OUT for .ci/run to check.
"""

from __future__ import annotations

import json
import os

import pytest

_outcomes: dict[str, str] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if item.get_closest_marker("neo4j") is None:
        return
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _outcomes[item.nodeid] = f"skipped: {reason}"
    elif report.failed:
        _outcomes[item.nodeid] = "failed"
    elif report.when == "call":
        _outcomes.setdefault(item.nodeid, "passed")


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("TEAMGRAPH_NEO4J_GUARD_OUT")
    if not path:
        return
    skipped = {k: v for k, v in _outcomes.items() if v.startswith("skipped")}
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"neo4j_tests": len(_outcomes),
                   "passed": sum(v == "passed" for v in _outcomes.values()),
                   "skipped": skipped}, f, indent=1)
