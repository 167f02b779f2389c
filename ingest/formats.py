"""The ingest folder format: which files, which columns, how each value is parsed.

One `FileSpec` per table file. Each `Column` names its field in the graph.model dataclass,
the parser that turns the text (or a JSON/YAML value) into the typed value, whether it is
required, and which node kind it references (checked across files by ingest.validate).

Empty values mean "use the model's default" (None for optional references). Parsers raise
ValueError with a message written for the person fixing the file.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from teamgraph.graph.model import (
    EVIDENCE_KINDS, OUTCOMES, PERSON_STATUSES, PROCESSES, PROJECT_STATUSES, VISIBILITIES,
)

Parser = Callable[[object], object]

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_ID_RE = re.compile(r"^[^\s|,]+$")  # ids may be any text without whitespace, '|' or ','
_ID_MATCH = _ID_RE.match


# --- value parsers -------------------------------------------------------------------------------

def text(v: object) -> str:
    if v.__class__ is str:  # fast path: nearly every value comes from CSV
        return v.strip()  # type: ignore[union-attr]
    if not isinstance(v, (str, int, float)) or isinstance(v, bool):
        raise ValueError(f"expected text, got {type(v).__name__}")
    return str(v).strip()


def ident(v: object) -> str:
    s = text(v)
    if not _ID_MATCH(s):
        raise ValueError(f"{s!r} is not a valid id (no spaces, '|' or ',')")
    return sys.intern(s)  # ids repeat across a million rows: keep one copy of each


def integer(lo: int, hi: int) -> Parser:
    def parse(v: object) -> int:
        if isinstance(v, bool) or isinstance(v, float) and not v.is_integer():
            raise ValueError(f"must be a whole number from {lo} to {hi}, not {v!r}")
        try:
            n = int(v) if not isinstance(v, str) else int(v.strip())
        except (TypeError, ValueError):
            raise ValueError(f"must be a whole number from {lo} to {hi}, not {v!r}") from None
        if not lo <= n <= hi:
            raise ValueError(f"must be from {lo} to {hi}, not {n}")
        return n
    return parse


def number(lo: float, hi: float) -> Parser:
    def parse(v: object) -> float:
        try:
            if isinstance(v, bool):
                raise TypeError
            x = float(v.strip() if isinstance(v, str) else v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"must be a number from {lo:g} to {hi:g}, not {v!r}") from None
        if not lo <= x <= hi:  # also rejects NaN
            raise ValueError(f"must be from {lo:g} to {hi:g}, not {x:g}")
        return x
    return parse


def iso_date(v: object) -> date:
    if isinstance(v, date):  # YAML front matter already gives dates
        return v
    s = text(v)
    if not _DATE_RE.match(s):
        raise ValueError(f"must be an ISO date YYYY-MM-DD, not {s!r}")
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise ValueError(f"{s!r} is not a real date") from None


_ZONES: set[str] | None = None


def timezone(v: object) -> str:
    """An IANA time zone name (checked against the system's tz database when it has one)."""
    global _ZONES
    s = text(v)
    if _ZONES is None:
        import zoneinfo
        _ZONES = zoneinfo.available_timezones()
    if _ZONES and s not in _ZONES:
        raise ValueError(f"{s!r} is not an IANA time zone such as Europe/Berlin or Asia/Shanghai")
    return s


def email(v: object) -> str:
    s = text(v)
    if not _EMAIL_RE.match(s):
        raise ValueError(f"{s!r} is not an email address")
    return s


def language(v: object) -> str:
    s = text(v)
    if not _LANG_RE.match(s):
        raise ValueError(f"must be a language code such as en, zh or pt-BR, not {s!r}")
    return s


def enum(allowed: tuple[str, ...]) -> Parser:
    def parse(v: object) -> str:
        s = text(v)
        if s not in allowed:
            shown = ", ".join(repr(a) for a in allowed if a)
            raise ValueError(f"must be one of {shown}, not {s!r}")
        return s
    return parse


def pipe_list(item: Parser = text) -> Parser:
    """`a|b|c` in CSV; a list (or the same `|` string) in JSON/YAML. Empty items are dropped."""
    def parse(v: object) -> tuple:
        items = v if isinstance(v, (list, tuple)) else text(v).split("|")
        out = []
        for x in items:
            if isinstance(x, str) and not x.strip():
                continue
            out.append(item(x))
        return tuple(out)
    return parse


def kpis(v: object) -> dict[str, float]:
    """`name=value|name=value` or a JSON object (in CSV as text, in JSONL as an object)."""
    if isinstance(v, str) and v.strip().startswith("{"):
        try:
            v = json.loads(v)
        except json.JSONDecodeError as e:
            raise ValueError(f"invalid JSON object: {e.msg}") from None
    if isinstance(v, dict):
        pairs = list(v.items())
    else:
        pairs = []
        for part in text(v).split("|"):
            if not part.strip():
                continue
            name, eq, value = part.partition("=")
            if not eq or not name.strip():
                raise ValueError(f"expected name=value, got {part.strip()!r}")
            pairs.append((name.strip(), value.strip()))
    out: dict[str, float] = {}
    for name, value in pairs:
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"KPI {name!r} must be a number, not {value!r}") from None
        if x != x:
            raise ValueError(f"KPI {name!r} is NaN")
        out[str(name)] = x
    return out


# --- specs -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    name: str
    parse: Parser
    required: bool = False  # must be present in the header and non-empty in every row
    ref: str | None = None  # node kind this value (or each list item) must refer to


@dataclass(frozen=True)
class FileSpec:
    filename: str
    kind: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


C = Column
LEVEL = integer(1, 5)
SCORE = integer(1, 5)
FTE = number(0.0, 2.0)

SPECS: tuple[FileSpec, ...] = (
    FileSpec("departments.csv", "department", (
        C("id", ident, True), C("name", text, True), C("parent", ident, ref="department"))),
    FileSpec("skills.csv", "skill", (
        C("id", ident, True), C("name", text, True), C("aliases", pipe_list()),
        C("broader", ident, ref="skill"), C("category", text))),
    FileSpec("people.csv", "person", (
        C("id", ident, True), C("name", text, True), C("email", email, True),
        C("department", ident, True, ref="department"), C("title", text), C("location", text),
        C("timezone", timezone), C("capacity", FTE), C("cost_rate", number(0.0, 1e6)),
        C("languages", pipe_list(language)), C("status", enum(PERSON_STATUSES)))),
    FileSpec("projects.csv", "project", (
        C("id", ident, True), C("name", text, True), C("description", text),
        C("sponsor", ident, ref="person"), C("department", ident, ref="department"),
        C("process", enum(("",) + PROCESSES)), C("process_owner", ident, ref="person"),
        C("start", iso_date), C("end", iso_date), C("status", enum(PROJECT_STATUSES)),
        C("outcome", enum(OUTCOMES)), C("kpis", kpis))),
    FileSpec("person_skills.csv", "person_skill", (
        C("person", ident, True, ref="person"), C("skill", ident, True, ref="skill"),
        C("level", LEVEL, True), C("evidence", enum(EVIDENCE_KINDS)), C("last_used", iso_date))),
    FileSpec("project_needs.csv", "project_need", (
        C("project", ident, True, ref="project"), C("skill", ident, True, ref="skill"),
        C("level", LEVEL), C("count", integer(1, 1000)))),
    FileSpec("memberships.csv", "membership", (
        C("person", ident, True, ref="person"), C("project", ident, True, ref="project"),
        C("role", text), C("allocation", FTE), C("start", iso_date), C("end", iso_date))),
    FileSpec("cases.jsonl", "case", (
        C("id", ident, True), C("title", text, True), C("problem", text, True), C("action", text),
        C("result", text), C("lesson", text), C("project", ident, ref="project"),
        C("department", ident, ref="department"), C("skills", pipe_list(ident), ref="skill"),
        C("tags", pipe_list()), C("language", language), C("visibility", enum(VISIBILITIES)),
        C("date", iso_date), C("authors", pipe_list(ident), ref="person"))),
    FileSpec("experts.csv", "expert", (
        C("person", ident, True, ref="person"), C("topic", text, True), C("source", text))),
    FileSpec("ratings.csv", "rating", (
        C("rater", ident, True, ref="person"), C("ratee", ident, True, ref="person"),
        C("project", ident, True, ref="project"), C("date", iso_date),
        C("responsiveness", SCORE), C("support", SCORE), C("problem_solving", SCORE),
        C("comment", text))),
)
SPEC_BY_FILE: dict[str, FileSpec] = {s.filename: s for s in SPECS}
CASE_SPEC = SPEC_BY_FILE["cases.jsonl"]
CASES_DIR = "cases"  # cases/*.md: YAML front matter + ## Problem / ## Action / ## Result / ## Lesson
# Body section headings (case-insensitive) -> case field; Chinese headings are accepted too.
MD_SECTIONS: dict[str, str] = {
    "problem": "problem", "action": "action", "result": "result", "lesson": "lesson",
    "问题": "problem", "行动": "action", "措施": "action", "结果": "result", "经验": "lesson",
    "教训": "lesson",
}
