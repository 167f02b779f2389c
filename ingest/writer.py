"""Write records in the ingest folder format, streaming (one open file per kind).

Used by the generator and the sample builder, and by tests to turn a ChangeSet into a folder.
Values are written so that reading them back gives equal records: lists as `a|b`, KPIs as
`name=value|…`, dates as ISO, floats with repr (exact round-trip), None as empty.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import IO

from teamgraph.graph.model import Phase, as_dict
from teamgraph.ingest.formats import CASE_SPEC, CASES_DIR, SPECS

FILE_OF_KIND = {s.kind: s for s in SPECS}


def cell(value: object) -> str:
    """One value as CSV text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple) and value and isinstance(value[0], Phase):
        return "|".join(f"{p.start.isoformat()}..{p.end.isoformat() if p.end else ''}={p.allocation!r}" for p in value)
    if isinstance(value, (list, tuple)):
        return "|".join(map(str, value))
    if isinstance(value, dict):
        return "|".join(f"{k}={cell(v)}" for k, v in value.items())
    return str(value)


def json_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def case_markdown(case) -> str:
    """A case as Markdown with YAML front matter (the cases/*.md format)."""
    import yaml

    meta = {c.name: json_value(getattr(case, c.name)) for c in CASE_SPEC.columns
            if c.name not in ("problem", "action", "result", "lesson")}
    meta = {k: v for k, v in meta.items() if v not in (None, "", [])}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    body = [f"## {name.title()}\n\n{getattr(case, name)}\n" for name in ("problem", "action", "result", "lesson")
            if getattr(case, name)]
    return f"---\n{front}---\n\n" + "\n".join(body)


class FolderWriter:
    """`with FolderWriter(dir) as w: w.write(record)…` — records of any kind, in any order."""

    def __init__(self, path: str | Path, cases_as_markdown: bool = False):
        self.path = Path(path)
        self.cases_as_markdown = cases_as_markdown
        self._files: dict[str, tuple[IO[str], object]] = {}
        self.counts: dict[str, int] = {}

    def __enter__(self) -> FolderWriter:
        self.path.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _writer(self, kind: str):
        if kind not in self._files:
            spec = FILE_OF_KIND[kind]
            f = (self.path / spec.filename).open("w", encoding="utf-8", newline="")
            if spec.filename.endswith(".csv"):
                w = csv.writer(f, lineterminator="\n")
                w.writerow(spec.names)
            else:
                w = None
            self._files[kind] = (f, w)
        return self._files[kind]

    def write(self, *records) -> None:
        for r in records:
            self.counts[r.kind] = self.counts.get(r.kind, 0) + 1
            if r.kind == "case" and self.cases_as_markdown:
                d = self.path / CASES_DIR
                d.mkdir(exist_ok=True)
                (d / f"{r.id}.md").write_text(case_markdown(r), encoding="utf-8")
                continue
            f, w = self._writer(r.kind)
            values = as_dict(r)
            names = FILE_OF_KIND[r.kind].names
            if w is None:
                obj = {n: json_value(values[n]) for n in names if values[n] not in (None, "", (), {})}
                f.write(json.dumps(obj, ensure_ascii=False) + "\n")
            else:
                w.writerow([cell(values[n]) for n in names])

    def write_row(self, kind: str, row) -> None:
        """A CSV row as values in the file's column order (fast path for the generator)."""
        _, w = self._writer(kind)
        self.counts[kind] = self.counts.get(kind, 0) + 1
        w.writerow([cell(v) for v in row])

    def close(self) -> None:
        for f, _ in self._files.values():
            f.close()
        self._files.clear()


def write_folder(path: str | Path, records, cases_as_markdown: bool = False) -> dict[str, int]:
    """Write an iterable of records (or a ChangeSet's upserts) as a folder; counts per kind."""
    if hasattr(records, "upserts"):
        records = [r for rs in records.upserts.values() for r in rs]
    with FolderWriter(path, cases_as_markdown) as w:
        w.write(*records)
    return w.counts
