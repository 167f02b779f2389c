"""JSON Schemas of a team request and a portfolio, for the OpenAPI document (api.openapi).

They are built from the names `matching.request` validates with — the field ranges in
`matching.request_fields` (LEVEL, COUNT, SIZE, …), the keys (REQUEST_KEYS, REQUIREMENT_KEYS,
PORTFOLIO_KEYS) and the limits in `teamgraph.limits` — so the document cannot promise a range
the validator refuses (tests/api/test_openapi.py walks every bound of the schema against the
validator). What JSON Schema cannot say is in the descriptions, and is the only reason a
body valid by the schema can be refused: skills, people and departments must exist, a window
ends on or after its start and spans at most limits.MAX_WINDOW_DAYS, and counts, `include` and
required departments must fit `size.max`.
"""

from __future__ import annotations

from teamgraph import limits
from teamgraph.matching import request_fields as rf

CROSS_FIELD = (f"Beyond this schema: skills are matched by id, name or alias against the skill graph; "
               f"people and departments must exist; window.end is on or after window.start and at most "
               f"{limits.MAX_WINDOW_DAYS} days later; no requirement's count, nor `include`, nor the required "
               f"departments exceed size.max; size.min ≤ size.max; nobody is both included and excluded.")


def _range(kind: str, bounds: tuple) -> dict:
    lo, hi = bounds
    return {"type": kind, "minimum": lo, "maximum": hi}


def text(limit: int = limits.MAX_NAME_CHARS) -> dict:
    return {"type": "string", "maxLength": limit}


def names() -> dict:
    """A list of ids or names (include, exclude, pins, …): limits.names_problem's bounds."""
    return {"type": "array", "maxItems": limits.MAX_NAMES, "items": text()}


def iso_date() -> dict:
    """An ISO date in the years limits.MIN_YEAR–MAX_YEAR (the pattern spells out that range;
    tests/api/test_openapi.py checks it against the limits)."""
    return {"type": "string", "format": "date", "pattern": r"^(19[0-9]{2}|2[01][0-9]{2}|2200)-[0-9]{2}-[0-9]{2}$",
            "description": f"YYYY-MM-DD, years {limits.MIN_YEAR}–{limits.MAX_YEAR}"}


def requirement_schema() -> dict:
    skill = {"type": "string", "minLength": 1, "maxLength": limits.MAX_NAME_CHARS, "pattern": r"\S",
             "description": "a skill id, name or alias"}
    return {"oneOf": [skill, {
        "type": "object", "required": ["skill"], "additionalProperties": False,
        "properties": {"skill": skill, "level": _range("integer", rf.LEVEL), "count": _range("integer", rf.COUNT),
                       "allocation": _range("number", rf.ALLOCATION)}}]}


def request_schema() -> dict:
    """A team request (`teamgraph suggest REQUEST.yaml`)."""
    size = _range("integer", rf.SIZE)
    return {
        "type": "object", "required": ["window", "requirements"], "additionalProperties": False,
        "description": "A team request, as in `teamgraph suggest REQUEST.yaml`. " + CROSS_FIELD,
        "properties": {
            "name": text(), "brief": text(limits.MAX_BRIEF_CHARS), "project": text(),
            "window": {"type": "object", "required": ["start", "end"], "additionalProperties": False,
                       "properties": {"start": iso_date(), "end": iso_date()}},
            "allocation": _range("number", rf.ALLOCATION),
            "size": {"oneOf": [size, {"type": "object", "additionalProperties": False,
                                      "properties": {"min": size, "max": size}},
                               {"type": "array", "items": size, "minItems": 2, "maxItems": 2}]},
            "requirements": {"type": "array", "minItems": 1, "maxItems": limits.MAX_REQUIREMENTS,
                             "items": requirement_schema()},
            "departments": {"oneOf": [names(), {
                "type": "object", "additionalProperties": False, "properties": {
                    "required": names(), "max_per_department": _range("integer", rf.SIZE),
                    "caps": {"type": "object", "maxProperties": limits.MAX_NAMES,
                             "propertyNames": {"maxLength": limits.MAX_NAME_CHARS},
                             "additionalProperties": _range("integer", rf.DEPARTMENT_CAP)}}}]},
            "budget": _range("number", rf.BUDGET),
            "include": names(), "exclude": names(),
            "preferences": {"type": "object", "additionalProperties": False,
                            "properties": {"locations": names(), "languages": names()}},
            "max_away": _range("number", rf.MAX_AWAY),
        },
    }


def portfolio_schema() -> dict:
    """A portfolio of inline requests (`teamgraph staff PORTFOLIO.yaml`; files are not accepted over HTTP)."""
    return {"type": "object", "required": ["requests"], "additionalProperties": False,
            "properties": {"name": text(), "max_load": _range("number", rf.MAX_LOAD),
                           "requests": {"type": "array", "minItems": 1, "maxItems": limits.MAX_PORTFOLIO_REQUESTS,
                                        "items": request_schema()}}}
