"""The "Pricing" team request on tests/tinyorg.py that the single-team tests vary."""

from __future__ import annotations

from tests.tinyorg import Q1

from teamgraph.matching.request import TeamRequest, parse_request

PYTHON = {"skill": "python", "level": 3}
BUDGETING = {"skill": "budgeting", "level": 3}


def pricing_request(**over) -> TeamRequest:
    """Python ≥ 3 and budgeting ≥ 3 in Q1 2026, 0.3 FTE, a team of 2 to 3; `over` replaces fields."""
    body = {"name": "Pricing", "allocation": 0.3, "window": {"start": Q1.start.isoformat(), "end": Q1.end.isoformat()},
            "size": {"min": 2, "max": 3}, "requirements": [PYTHON, BUDGETING]}
    return parse_request({**body, **over})
