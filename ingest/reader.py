"""Streaming readers for the ingest folder: CSV, JSONL and Markdown with YAML front matter.

Every reader yields `Row`s (file name, physical line number where the record starts, raw
values) one at a time, so large files never sit in memory whole. Problems that stop a row or a
file from being read (broken UTF-8, bad JSON, unknown or missing columns) are added to the
caller's ErrorReport and reading continues, so one run reports everything.

Line numbers are physical lines in the file, 1-based; a CSV header is line 1.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from teamgraph.ingest.formats import (
    MAX_FIELD_CHARS, MAX_NESTING, MAX_NUMBER_CHARS, MD_SECTIONS, FileSpec, json_loads, show,
)
from teamgraph.errors import ErrorReport

BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# The csv module refuses fields over 131,072 characters by default. It parses up to this many,
# so the validator can name the field that exceeds MAX_FIELD_CHARS; a field longer still stops
# the file (the csv module cannot resume mid-record) and is located by `_long_field`.
CSV_PARSE_LIMIT = 16 * MAX_FIELD_CHARS
if csv.field_size_limit() < CSV_PARSE_LIMIT:
    csv.field_size_limit(CSV_PARSE_LIMIT)


def printable(s: object) -> str:
    """`s` as text safe to print and encode: lone surrogates and control characters escaped."""
    t = str(s)
    return t if t.isprintable() else show(t)[1:-1] if len(t) <= 60 else show(t)


@dataclass
class Row:
    file: str
    line: int
    values: dict[str, object]
    # per-field line numbers where they differ from `line` (Markdown front matter and sections)
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)


def decoded_lines(path: Path, name: str, errors: ErrorReport,
                  advance: Callable[[int], None] | None = None) -> Iterator[str]:
    """Lines of a UTF-8 file as text (line endings kept). A leading BOM is dropped; a line that
    is not valid UTF-8 is reported (file, line, byte offset) and decoded with replacement
    characters so the rest of the file is still checked."""
    with path.open("rb") as f:
        for n, raw in enumerate(f, start=1):
            if advance:
                advance(len(raw))
            if n == 1:
                if raw.startswith(UTF16_BOMS):
                    errors.add("file is UTF-16; save it as UTF-8", file=name, line=1)
                    return
                if raw.startswith(BOM):
                    raw = raw[len(BOM):]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as e:
                errors.add(f"invalid UTF-8 (byte {e.start + 1} of the line); save the file as UTF-8",
                           file=name, line=n)
                yield raw.decode("utf-8", errors="replace")


def _check_header(spec: FileSpec, header: list[str], name: str, errors: ErrorReport) -> bool:
    """Report unknown, duplicate and missing columns. False when rows cannot be read."""
    ok = True
    seen: set[str] = set()
    for col in header:
        if col in seen:
            errors.add(f"column {show(col)} appears twice", file=name, line=1, field=printable(col))
            ok = False
        seen.add(col)
        if spec.column(col) is None:
            errors.add(f"unknown column {show(col)}; expected columns: {', '.join(spec.names)}",
                       file=name, line=1, field=printable(col))
    for c in spec.columns:
        if c.required and c.name not in seen:
            errors.add(f"required column {c.name!r} is missing", file=name, line=1, field=c.name)
            ok = False
    return ok


def read_csv(path: Path, spec: FileSpec, name: str, errors: ErrorReport,
             advance: Callable[[int], None] | None = None) -> Iterator[Row]:
    """Rows of a CSV file with a header line. Blank lines are skipped."""
    reader = csv.reader(decoded_lines(path, name, errors, advance), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as e:
        errors.add(f"cannot read header: {e}", file=name, line=1)
        return
    if header is None:
        errors.add("file is empty; expected a header line", file=name, line=1)
        return
    header = [h.strip() for h in header]
    if not _check_header(spec, header, name, errors):
        return
    known = [(i, h) for i, h in enumerate(header) if spec.column(h) is not None]
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            if "field larger than field limit" in str(e):
                col = _long_field(path, start, header)
                errors.add(f"is longer than {CSV_PARSE_LIMIT:,} characters; at most {MAX_FIELD_CHARS:,} "
                           "are allowed (the rest of the file was not checked)",
                           file=name, line=start, field=col)
            else:
                errors.add(f"malformed CSV: {e}", file=name, line=start)
            return  # the csv module cannot resynchronise after a broken quote
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != len(header):
            errors.add(f"expected {len(header)} fields as in the header, found {len(cells)}",
                       file=name, line=start)
            continue
        yield Row(name, start, {h: cells[i] for i, h in known})


def _long_field(path: Path, start: int, header: list[str]) -> str | None:
    """The column of the first field longer than CSV_PARSE_LIMIT in the record starting on
    physical line `start` (error path only: rescans the raw file from that line)."""
    index, length, quoted, prev = 0, 0, False, ""
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as f:
        for _ in range(start - 1):
            f.readline()
        while chunk := f.read(1 << 20):
            for ch in chunk:
                if quoted:
                    if ch == '"':
                        quoted = False
                    else:
                        length += 1
                elif ch == '"':
                    quoted = prev == '"' or length == 0
                    length += prev == '"'
                elif ch == ",":
                    index, length = index + 1, 0
                elif ch not in "\r\n":
                    length += 1
                elif ch == "\n":
                    return None  # the record ended without a long field
                prev = ch
                if length > CSV_PARSE_LIMIT:
                    return header[index] if index < len(header) else None
    return None


def _check_keys(spec: FileSpec, keys, name: str, line: int, errors: ErrorReport,
                extra: tuple[str, ...] = ()) -> None:
    for k in keys:
        if spec.column(k) is None and k not in extra:
            errors.add(f"unknown field {show(k)}; expected: {', '.join(spec.names)}",
                       file=name, line=line, field=printable(k))


def read_jsonl(path: Path, spec: FileSpec, name: str, errors: ErrorReport,
               advance: Callable[[int], None] | None = None) -> Iterator[Row]:
    """One JSON object per line. Blank lines are skipped."""
    for n, text in enumerate(decoded_lines(path, name, errors, advance), start=1):
        if not text.strip():
            continue
        try:
            obj = json_loads(text)
        except ValueError as e:
            errors.add(str(e), file=name, line=n)
            continue
        if not isinstance(obj, dict):
            errors.add("expected a JSON object", file=name, line=n)
            continue
        _check_keys(spec, obj, name, n, errors)
        yield Row(name, n, {k: v for k, v in obj.items() if spec.column(k) is not None})


class FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML whose plain scalars stay text: no YAML 1.1 guessing of dates, times, numbers or
    booleans (`date: 2026-01-10 12:30` would be a datetime, `id: 010` the number 8, `title: yes`
    True). Empty values and `null`/`~` are still None. Every case field is text, so the
    field parsers see what the author wrote. Explicit tags (`!!int`, `!!timestamp`) still work;
    integers are limited to MAX_NUMBER_CHARS digits."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}

    def compose_node(self, parent, index):  # noqa: D102
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_NESTING:
                raise yaml.composer.ComposerError(
                    None, None, f"values are nested more than {MAX_NESTING} levels deep",
                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node):  # noqa: D102
        value = self.construct_scalar(node)
        if len(value) > MAX_NUMBER_CHARS:
            raise yaml.constructor.ConstructorError(
                None, None, f"a number with {len(value):,} digits; at most {MAX_NUMBER_CHARS} "
                "characters are allowed", node.start_mark)
        return super().construct_yaml_int(node)


FrontMatterLoader.add_constructor("tag:yaml.org,2002:int", FrontMatterLoader.construct_yaml_int)


def read_markdown_case(path: Path, spec: FileSpec, name: str, errors: ErrorReport,
                       advance: Callable[[int], None] | None = None) -> Iterator[Row]:
    """One case per file: `---` YAML front matter `---`, then `## Problem`, `## Action`,
    `## Result`, `## Lesson` sections (Chinese headings 问题/行动/结果/经验 also accepted)."""
    lines = list(decoded_lines(path, name, errors, advance))  # one case: small
    if not lines or lines[0].strip() != "---":
        errors.add("expected YAML front matter starting with '---' on line 1", file=name, line=1)
        return
    close = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if close is None:
        errors.add("front matter is not closed with '---'", file=name, line=1)
        return
    try:
        meta = yaml.load("".join(lines[1:close]), Loader=FrontMatterLoader) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        errors.add(f"invalid YAML front matter: {getattr(e, 'problem', e)}", file=name,
                   line=(mark.line + 2) if mark else 1)
        return
    except RecursionError:  # not reached with MAX_NESTING far below the recursion limit
        errors.add(f"invalid YAML front matter: nested more than {MAX_NESTING} levels deep", file=name, line=2)
        return
    except ValueError as e:  # e.g. an explicit !!timestamp that is not a real date
        errors.add(f"invalid YAML front matter: {e}", file=name, line=2)
        return
    if not isinstance(meta, dict):
        errors.add("front matter must be a mapping of field: value", file=name, line=2)
        return
    key_lines: dict[str, int] = {}
    for i in range(1, close):
        key = lines[i].split(":", 1)[0].strip()
        if key in meta and key not in key_lines and not lines[i][:1].isspace():
            key_lines[key] = i + 1
    sections = ("problem", "action", "result", "lesson")
    for k in meta:
        if k in sections:
            errors.add(f"{k!r} belongs in a '## {k.title()}' section, not the front matter",
                       file=name, line=key_lines.get(str(k), 1), field=str(k))
    _check_keys(spec, [k for k in meta if k not in sections], name, 1, errors)
    values = {str(k): v for k, v in meta.items() if spec.column(str(k)) is not None
              and k not in sections}
    body: dict[str, list[str]] = {}
    current: str | None = None
    for i in range(close + 1, len(lines)):
        s = lines[i].rstrip("\r\n")
        if s.startswith("## "):
            head = MD_SECTIONS.get(s[3:].strip().lower())
            current = "?"  # text under an unknown or repeated heading is skipped (reported once)
            if head is None:
                errors.add(f"unknown section {s[3:].strip()!r}; use ## Problem, ## Action, "
                           "## Result, ## Lesson", file=name, line=i + 1)
            elif head in body:
                errors.add(f"section {head!r} appears twice", file=name, line=i + 1, field=head)
            else:
                current = head
                body[head] = []
                key_lines[head] = i + 1
            continue
        if current is None:
            if s.strip():
                errors.add("text before the first '## Problem' section", file=name, line=i + 1)
                current = "?"
        elif current in body:
            body[current].append(s)
    for k, chunk in body.items():
        values[k] = "\n".join(chunk).strip()
    yield Row(name, 1, values, key_lines)
