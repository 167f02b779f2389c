"""The ingest folder format: which files, which columns, how each value is parsed.

One `FileSpec` per table file. Each `Column` names its field in the graph.model dataclass,
the parser that turns the text (or a JSON/YAML value) into the typed value, whether it is
required, and which node kind it references (checked across files by ingest.validate).

Empty values mean "use the model's default" (None for optional references). Parsers raise
ValueError with a message written for the person fixing the file.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from teamgraph.ingest.text_repair import clean_text
from teamgraph.limits import raw_json_depth
from teamgraph.graph.model import (
    EVIDENCE_KINDS, OUTCOMES, PERSON_STATUSES, PROCESSES, PROJECT_STATUSES, TIME_OFF_KINDS, VISIBILITIES, Phase,
)

Parser = Callable[[object], object]

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_ID_RE = re.compile(r"^[^\s|,]+$")  # ids may be any text without whitespace, '|' or ','
_ID_MATCH = _ID_RE.match

MAX_FIELD_CHARS = 1_000_000  # longest value of any field (a case text, a description), in characters
MAX_NUMBER_CHARS = 100  # longest number literal in JSON (cases.jsonl, KPI objects) and YAML !!int
MAX_NESTING = 20  # deepest nesting of lists/objects in JSON and YAML values (a case needs 2)
# Refused in every text value: C0/C1 control characters other than tab, line feed and carriage
# return, lone surrogates (not encodable) and the noncharacters U+FFFE/U+FFFF.
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Also refused in names and other one-line values: tab and line breaks, U+FEFF (a byte-order
# mark that is not at the start of a file) and the bidirectional embedding/override/isolate controls.
_BAD_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                       "\ud800-\udfff\ufeff\ufffe\uffff]")
# Also refused in ids: every invisible formatting character (soft hyphen, zero-width spaces and
# joiners, direction marks, word joiners, invisible operators).
_BAD_ID = re.compile("[\x00-\x1f\x7f-\x9f\xad\u200b-\u200f\u2028-\u202e\u2060-\u206f"
                     "\ud800-\udfff\ufeff\ufff9-\ufffb\ufffe\uffff]")


_BAD_TEXT_SEARCH = _BAD_TEXT.search
_BAD_LINE_SEARCH = _BAD_LINE.search
_BAD_ID_SEARCH = _BAD_ID.search


def show(v: object, limit: int = 60) -> str:
    """`repr` of a value for a message, shortened (a bad value may be a megabyte long)."""
    if isinstance(v, str) and len(v) > limit:
        return repr(v[:limit]) + f"… ({len(v):,} characters)"
    r = repr(v)
    return r if len(r) <= limit else r[:limit] + "…"


def _refuse_char(s: str, m: re.Match, what: str) -> None:
    c = m.group()
    raise ValueError(f"contains {what} U+{ord(c):04X} at character {m.start() + 1}; "
                     f"remove it (value {show(s)})")


def checked(s: str) -> str:
    """`s` if it holds no character refused in any text value, else ValueError."""
    m = _BAD_TEXT_SEARCH(s)
    if m:
        _refuse_char(s, m, _what(ord(m.group())))
    return s


# --- value parsers -------------------------------------------------------------------------------

def _plain(v: object) -> str:
    """The value as stripped text, checked for type and length but not for characters."""
    if v.__class__ is not str:  # nearly every value comes from CSV as str
        if not isinstance(v, (str, int, float)) or isinstance(v, bool):
            raise ValueError(f"expected text, got {type(v).__name__}")
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"expected text, got the number {v!r}")
        v = str(v)
    if len(v) > MAX_FIELD_CHARS:  # type: ignore[arg-type]
        raise ValueError(f"is {len(v):,} characters long; at most {MAX_FIELD_CHARS:,} are allowed")  # type: ignore[arg-type]
    return v.strip()  # type: ignore[union-attr]


def _what(c: int, invisible: str = "the character") -> str:
    return "the control character" if c < 0xA0 else "the byte-order mark" if c == 0xFEFF else invisible


def text(v: object) -> str:
    """Free text (line breaks and tabs allowed), stripped."""
    return checked(_plain(v))


def _refusing(v: object, search, invisible: str = "the character") -> str:
    """`v` as plain stripped text, refused at the first character `search` finds (a superset of
    what `checked` refuses), named as `_what` names it."""
    s = _plain(v)
    m = search(s)
    if m:
        _refuse_char(s, m, _what(ord(m.group()), invisible))
    return s


def line_text(v: object) -> str:
    """One line of text: a name, a title, a tag. No line breaks, tabs or invisible controls."""
    return _refusing(v, _BAD_LINE_SEARCH)


def prose(v: object) -> str:
    """Free text of a case, with HTML entities decoded (ingest.text_repair)."""
    return clean_text(text(v))


def prose_line(v: object) -> str:
    """A case title: one line of text, with HTML entities decoded."""
    return clean_text(line_text(v))


def ident(v: object) -> str:
    s = _refusing(v, _BAD_ID_SEARCH, "the invisible character")
    if not _ID_MATCH(s):
        raise ValueError(f"{show(s)} is not a valid id (no spaces, '|' or ',')")
    return sys.intern(s)  # ids repeat across a million rows: keep one copy of each


def integer(lo: int, hi: int) -> Parser:
    def parse(v: object) -> int:
        if isinstance(v, bool) or isinstance(v, float) and not v.is_integer():
            raise ValueError(f"must be a whole number from {lo} to {hi}, not {show(v)}")
        try:
            n = int(v) if not isinstance(v, str) else int(v.strip())
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"must be a whole number from {lo} to {hi}, not {show(v)}") from None
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
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"must be a number from {lo:g} to {hi:g}, not {show(v)}") from None
        if not lo <= x <= hi:  # also rejects NaN
            raise ValueError(f"must be from {lo:g} to {hi:g}, not {x:g}")
        return x
    return parse


def iso_date(v: object) -> date:
    if isinstance(v, datetime):  # an explicit YAML !!timestamp with a time of day
        raise ValueError(f"must be a date YYYY-MM-DD, but {v.isoformat(' ')} has a time")
    if isinstance(v, date):  # an explicit YAML !!timestamp without a time
        return v
    s = text(v)
    if not _DATE_RE.match(s):
        raise ValueError(f"must be an ISO date YYYY-MM-DD, not {show(s)}")
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
        raise ValueError(f"{show(s)} is not an IANA time zone such as Europe/Berlin or Asia/Shanghai")
    return s


def email(v: object) -> str:
    s = text(v)
    if not _EMAIL_RE.match(s):
        raise ValueError(f"{show(s)} is not an email address")
    return s


def language(v: object) -> str:
    s = text(v)
    if not _LANG_RE.match(s):
        raise ValueError(f"must be a language code such as en, zh or pt-BR, not {show(s)}")
    return s


def enum(allowed: tuple[str, ...]) -> Parser:
    def parse(v: object) -> str:
        s = text(v)
        if s not in allowed:
            shown = ", ".join(repr(a) for a in allowed if a)
            raise ValueError(f"must be one of {shown}, not {show(s)}")
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


class JSONLimit(ValueError):
    """A JSON number longer than MAX_NUMBER_CHARS, or NaN/Infinity (not JSON)."""


def _json_number(kind: type) -> Callable[[str], object]:
    def parse(s: str) -> object:
        if len(s) > MAX_NUMBER_CHARS:
            raise JSONLimit(f"a number with {len(s):,} digits; at most {MAX_NUMBER_CHARS} characters are allowed")
        return kind(s)
    return parse


def _json_constant(s: str) -> object:
    raise JSONLimit(f"{s} is not a JSON number")


def _depth_ok(s: str) -> None:
    """ValueError when brackets nest deeper than MAX_NESTING (a linear scan before parsing, so a
    line of a million '[' costs no recursion)."""
    _, too_deep = raw_json_depth(s, MAX_NESTING)
    if too_deep is not None:
        raise ValueError(f"invalid JSON: values are nested more than {MAX_NESTING} levels deep "
                         f"(column {too_deep + 1})")


def json_loads(s: str) -> object:
    """`json.loads` with the ingest limits: numbers up to MAX_NUMBER_CHARS characters, no
    NaN/Infinity, nesting up to MAX_NESTING. Raises ValueError with a message for people."""
    _depth_ok(s)
    try:
        return json.loads(s, parse_int=_json_number(int), parse_float=_json_number(float),
                          parse_constant=_json_constant)
    except json.JSONDecodeError as e:
        raise ValueError(f"invalid JSON: {e.msg} (column {e.colno})") from None
    except JSONLimit as e:
        raise ValueError(f"invalid JSON: {e}") from None
    except RecursionError:
        raise ValueError(f"invalid JSON: values are nested more than {MAX_NESTING} levels deep") from None


def kpis(v: object) -> dict[str, float]:
    """`name=value|name=value` or a JSON object (in CSV as text, in JSONL as an object).
    Values must be finite numbers."""
    if isinstance(v, str) and v.strip().startswith("{"):
        v = json_loads(text(v))
    if isinstance(v, dict):
        pairs = list(v.items())
    else:
        pairs = []
        for part in text(v).split("|"):
            if not part.strip():
                continue
            name, eq, value = part.partition("=")
            if not eq or not name.strip():
                raise ValueError(f"expected name=value, got {show(part.strip())}")
            pairs.append((name.strip(), value.strip()))
    out: dict[str, float] = {}
    for name, value in pairs:
        name = line_text(name) if isinstance(name, str) else name
        try:
            if isinstance(value, bool) or isinstance(value, str) and len(value) > MAX_NUMBER_CHARS:
                raise TypeError
            x = float(value)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"KPI {show(name)} must be a number, not {show(value)}") from None
        if not math.isfinite(x):
            raise ValueError(f"KPI {show(name)} must be a finite number, not {show(value)}")
        out[str(name)] = x
    return out


def phase_list(v: object) -> tuple[Phase, ...]:
    """A membership's phases: `START..END=FTE|START..END=FTE` (END may be empty for open-ended,
    e.g. `2027-01-04..2027-01-31=0.2|2027-02-01..=0.8`), or a JSON list of {start, end,
    allocation}. Sorted by start; each end ≥ its start, FTE 0–2, no two phases overlapping."""
    if isinstance(v, str) and v.strip().startswith("["):
        v = json_loads(text(v))
    items: list[tuple[object, object, object]] = []
    if isinstance(v, (list, tuple)):
        for n, x in enumerate(v, 1):
            if not isinstance(x, dict) or "start" not in x or "allocation" not in x:
                raise ValueError(f"phase {n}: expected {{start, end, allocation}}, got {show(x)}")
            items.append((x.get("start"), x.get("end"), x.get("allocation")))
    else:
        for part in text(v).split("|"):
            if not part.strip():
                continue
            span, eq, fte = part.strip().partition("=")
            start, dots, end = span.partition("..")
            if not eq or not dots:
                raise ValueError(f"expected START..END=FTE (END may be empty), got {show(part.strip())}")
            items.append((start.strip(), end.strip(), fte.strip()))
    phases = []
    for n, (start, end, fte) in enumerate(items, 1):
        try:
            s_ = iso_date(start)
            e_ = iso_date(end) if end not in (None, "") else None
            a = FTE(fte)
        except ValueError as e:
            raise ValueError(f"phase {n}: {e}") from None
        if e_ is not None and e_ < s_:
            raise ValueError(f"phase {n}: end {e_.isoformat()} is before start {s_.isoformat()}")
        phases.append(Phase(s_, e_, a))
    phases.sort(key=lambda p: p.start)
    for a, b in zip(phases, phases[1:]):
        if a.end is None or a.end >= b.start:
            raise ValueError(f"phases overlap: {_phase_text(a)} and {_phase_text(b)}")
    return tuple(phases)


def _phase_text(p: Phase) -> str:
    return f"{p.start.isoformat()}..{p.end.isoformat() if p.end else ''}={p.allocation:g}"


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
        C("id", ident, True), C("name", line_text, True), C("parent", ident, ref="department"))),
    FileSpec("skills.csv", "skill", (
        C("id", ident, True), C("name", line_text, True), C("aliases", pipe_list(line_text)),
        C("broader", ident, ref="skill"), C("category", line_text))),
    FileSpec("people.csv", "person", (
        C("id", ident, True), C("name", line_text, True), C("email", email, True),
        C("department", ident, True, ref="department"), C("title", line_text), C("location", line_text),
        C("timezone", timezone), C("capacity", FTE), C("cost_rate", number(0.0, 1e6)),
        C("languages", pipe_list(language)), C("status", enum(PERSON_STATUSES)))),
    FileSpec("projects.csv", "project", (
        C("id", ident, True), C("name", line_text, True), C("description", text),
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
    FileSpec("capacity.csv", "capacity_period", (
        C("person", ident, True, ref="person"), C("start", iso_date, True), C("end", iso_date),
        C("capacity", FTE, True))),
    FileSpec("time_off.csv", "time_off", (
        C("person", ident, True, ref="person"), C("start", iso_date, True), C("end", iso_date, True),
        C("reason", enum(TIME_OFF_KINDS)), C("note", line_text))),
    FileSpec("holidays.csv", "holiday", (
        C("location", line_text, True), C("date", iso_date, True), C("name", line_text))),
    FileSpec("memberships.csv", "membership", (
        C("person", ident, True, ref="person"), C("project", ident, True, ref="project"),
        C("role", line_text), C("allocation", FTE), C("start", iso_date), C("end", iso_date),
        C("phases", phase_list))),
    FileSpec("cases.jsonl", "case", (
        C("id", ident, True), C("title", prose_line, True), C("problem", prose, True), C("action", prose),
        C("result", prose), C("lesson", prose), C("project", ident, ref="project"),
        C("department", ident, ref="department"), C("skills", pipe_list(ident), ref="skill"),
        C("tags", pipe_list(line_text)), C("language", language), C("visibility", enum(VISIBILITIES)),
        C("date", iso_date), C("authors", pipe_list(ident), ref="person"))),
    FileSpec("experts.csv", "expert", (
        C("person", ident, True, ref="person"), C("topic", line_text, True), C("source", line_text))),
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
