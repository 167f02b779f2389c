"""Field parsers and file reading for team requests and portfolios (matching.request).

Each parser raises ValueError with a message for the sponsor; `FieldParser` turns those into
problems naming the field (and the file and line when the request came from a YAML/JSON file).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from teamgraph import limits
from teamgraph.errors import ErrorReport, FieldProblem, ValidationError

# The ranges of a request's fields: `matching.request` checks values with them and
# `matching.request_schema` describes them in the OpenAPI document, so the two cannot disagree.
LEVEL = (1, 5)  # a requirement's skill level
COUNT = (1, 50)  # people per requirement
SIZE = (1, 100)  # team size (a number, {min, max} or [min, max]); departments.max_per_department
ALLOCATION = (0.01, 1.0)  # FTE: the request's and a requirement's
DEPARTMENT_CAP = (0, 100)  # departments.caps values
BUDGET = (0, 1e12)
MAX_AWAY = (0.0, 1.0)  # share of the window a candidate may be away (time off, holidays)
MAX_LOAD = (0.01, 100)  # a portfolio's max_load
REQUIREMENT_KEYS = ("skill", "level", "count", "allocation")
PORTFOLIO_KEYS = ("name", "max_load", "requests")
# Soft mode's objective (`teamgraph staff --objective`, the API's `objective`, `eval portfolio`):
# "fraction" — Σ over requests of the fraction of what it asks that is met (the SDM'23 paper's
# coverage); "slots" — how many requirement slots, required departments and size minimums are met.
OBJECTIVES = ("fraction", "slots")
STAFF_OBJECTIVE = "slots"  # the default for `teamgraph staff` and the API


def parse_objective(v) -> str:
    if v not in OBJECTIVES:
        raise ValueError(f"must be one of {', '.join(OBJECTIVES)}, not {v!r}")
    return v


def parse_date(v) -> date:
    """An ISO date in the years limits.MIN_YEAR–MAX_YEAR."""
    if not isinstance(v, date):
        text = str(v).strip()
        if len(text) > 32:
            raise ValueError("must be an ISO date YYYY-MM-DD")
        try:
            v = date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"must be an ISO date YYYY-MM-DD, not {v!r}") from None
    problem = limits.date_problem(v)
    if problem:
        raise ValueError(problem)
    return v


def parse_text(v, limit: int = limits.MAX_NAME_CHARS) -> str:
    """A string (numbers are written as text) of at most `limit` characters, stripped."""
    if isinstance(v, (dict, list, tuple, set)):
        raise ValueError("must be text")
    text = str(v).strip()
    problem = limits.text_problem(text, limit)
    if problem:
        raise ValueError(problem)
    return text


def parse_number(v, lo: float, hi: float) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise ValueError(f"must be a number from {lo:g} to {hi:g}, not {v!r}")
    try:
        x = float(v)
    except ValueError:
        raise ValueError(f"must be a number from {lo:g} to {hi:g}, not {v!r}") from None
    if not lo <= x <= hi:
        raise ValueError(f"must be from {lo:g} to {hi:g}, not {x:g}")
    return x


def parse_int(v, lo: int, hi: int) -> int:
    if isinstance(v, bool) or isinstance(v, float) and not v.is_integer():
        raise ValueError(f"must be a whole number from {lo} to {hi}, not {v!r}")
    try:
        n = int(v)
    except (TypeError, ValueError):
        raise ValueError(f"must be a whole number from {lo} to {hi}, not {v!r}") from None
    if not lo <= n <= hi:
        raise ValueError(f"must be from {lo} to {hi}, not {n}")
    return n


def parse_names(v) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, (list, tuple)) or not all(isinstance(s, (str, int)) for s in v):
        raise ValueError("must be a list of names")
    names = tuple(str(s).strip() for s in v[:limits.MAX_NAMES + 1] if str(s).strip())
    problem = limits.names_problem(v if len(v) > limits.MAX_NAMES else names)
    if problem:
        raise ValueError(problem)
    return names


class FieldParser:
    """Collects every problem of one request; `at(field)` gives file/line for a field path."""

    def __init__(self, source: str, lines: Mapping[str, int], prefix: str = ""):
        self.source, self.lines, self.prefix = source, lines, prefix
        self.report = ErrorReport()

    def add(self, message: str, fld: str) -> None:
        full = f"{self.prefix}{fld}"
        self.report.add(message, file=self.source, line=self.lines.get(full), field=full)

    def get(self, data: Mapping, key: str, parse, default=None, fld: str | None = None):
        if key not in data or data[key] is None:
            return default
        try:
            return parse(data[key])
        except ValueError as e:
            self.add(str(e), fld or key)
            return default


def closest(word: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    from rapidfuzz import fuzz, process
    return [c for c, score, _ in process.extract(word, list(choices), scorer=fuzz.WRatio, limit=limit)
            if score >= 50]


# --- files ---------------------------------------------------------------------------------

def line_index(text: str) -> dict[str, int]:
    """Field path (`requirements[2].level`) → 1-based line, from the YAML node marks."""
    import yaml
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    out: dict[str, int] = {}

    def walk(node, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = f"{path}.{k.value}" if path else str(k.value)
                out.setdefault(key, k.start_mark.line + 1)
                walk(v, key)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                key = f"{path}[{i}]"
                out.setdefault(key, v.start_mark.line + 1)
                walk(v, key)

    walk(root, "")
    return out


def read_file(path: str | Path) -> tuple[object, dict[str, int], str]:
    import yaml
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ValidationError(FieldProblem(f"cannot read: {e.strerror}", str(path))) from e
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except RecursionError:
        data = None  # reported below as too deep
        depth = limits.MAX_JSON_DEPTH + 1
    except (ValueError, yaml.YAMLError) as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else getattr(e, "lineno", None)
        raise ValidationError(FieldProblem(f"not valid {'JSON' if path.suffix == '.json' else 'YAML'}: "
                                           f"{getattr(e, 'problem', None) or e}", str(path), line)) from e
    else:
        depth = limits.json_depth(data)
    if depth > limits.MAX_JSON_DEPTH:
        raise ValidationError(FieldProblem(f"nested more than {limits.MAX_JSON_DEPTH} levels deep", str(path)))
    return data, line_index(text), str(path)


