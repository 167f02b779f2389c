"""Load a data folder: validate everything, then write once.

`load_folder` reads and validates every file of a folder (streaming, in dependency order) and
returns the records, or raises one ValidationError listing every problem. `ingest_folder`
compares those records with the store, then applies only what is new or changed in a single
`store.apply` (one transaction), so the store is unchanged on any error and re-ingesting the
same folder writes nothing (the revision stays the same).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from teamgraph.graph.model import WRITE_ORDER, ChangeSet, record_key
from teamgraph.ingest.formats import CASE_SPEC, CASES_DIR, SPEC_BY_FILE, SPECS, FileSpec
from teamgraph.ingest.reader import printable, read_csv, read_jsonl, read_markdown_case
from teamgraph.ingest.validate import FolderValidator
from teamgraph.errors import ErrorReport, FieldProblem, ValidationError

if TYPE_CHECKING:
    from teamgraph.graph.store import ApplyReport, GraphStore

SMALL_FOLDER = 2000  # records of one kind up to which ingest compares by key look-ups, not a full scan
STORE_FILE = "(store)"  # `file` of problems found in the target store rather than the folder


@dataclass
class LoadedFolder:
    """A validated folder: records by kind and key, and rows read per file."""

    path: Path
    records: dict[str, dict[tuple, object]]
    files: dict[str, int]

    @property
    def changeset(self) -> ChangeSet:
        """Everything in the folder as upserts (no comparison with any store)."""
        cs = ChangeSet()
        for kind in WRITE_ORDER:
            if self.records.get(kind):
                cs.upserts[kind] = list(self.records[kind].values())
        return cs

    @property
    def counts(self) -> dict[str, int]:
        return {k: len(self.records[k]) for k in WRITE_ORDER if k in self.records}

    @property
    def kinds(self) -> set[str]:
        return set(self.records)


@dataclass
class KindCounts:
    read: int = 0
    written: int = 0  # new or changed
    unchanged: int = 0
    deleted: int = 0

    def to_dict(self) -> dict:
        return {"read": self.read, "written": self.written, "unchanged": self.unchanged,
                "deleted": self.deleted}


@dataclass
class IngestReport:
    """What an ingest read, wrote (or would write, on a dry run), left alone and deleted."""

    folder: str
    dry_run: bool
    replace: bool
    kinds: dict[str, KindCounts] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    revision_before: int = 0
    revision_after: int = 0
    apply_report: ApplyReport | None = None  # what the store reported (None when nothing was applied)

    @property
    def written(self) -> int:
        return sum(c.written for c in self.kinds.values())

    @property
    def deleted(self) -> int:
        return sum(c.deleted for c in self.kinds.values())

    @property
    def changed(self) -> bool:
        return bool(self.written or self.deleted)

    def describe(self) -> str:
        """One line for people: what was (or would be, on a dry run) written."""
        verb = "would write" if self.dry_run else "wrote"
        parts = [f"{c.written} {k}" for k, c in self.kinds.items() if c.written]
        text = f"{verb} {self.written} record(s)" + (f" ({', '.join(parts)})" if parts else "")
        unchanged = sum(c.unchanged for c in self.kinds.values())
        if unchanged:
            text += f", {unchanged} unchanged"
        if self.deleted:
            text += f", {'would delete' if self.dry_run else 'deleted'} {self.deleted}"
        return text + f"; revision {self.revision_before} → {self.revision_after}"

    def to_dict(self) -> dict:
        return {"folder": self.folder, "dry_run": self.dry_run, "replace": self.replace,
                "kinds": {k: c.to_dict() for k, c in self.kinds.items()}, "files": dict(self.files),
                "written": self.written, "deleted": self.deleted,
                "revision_before": self.revision_before, "revision_after": self.revision_after}


def _name_ok(p: Path, name: str, errors: ErrorReport) -> bool:
    """False (and a problem) for a file name that is not valid UTF-8 text or holds control
    characters: it could not be shown in a message."""
    if name.isprintable():
        return True
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        errors.add("file name is not valid UTF-8; rename the file", file=printable(name))
        return False
    if p.is_file() and (p.name in SPEC_BY_FILE or p.suffix.lower() in (".csv", ".jsonl", ".md")):
        errors.add("file name contains control characters; rename the file", file=printable(name))
        return False
    return True


def folder_files(path: Path, errors: ErrorReport) -> list[tuple[FileSpec, str, Path]]:
    """The folder's data files in write order, as (spec, name shown in errors, path)."""
    if not path.is_dir():
        raise ValidationError(FieldProblem("not a folder", file=str(path)))
    found: list[tuple[FileSpec, str, Path]] = []
    for p in sorted(path.iterdir()):
        if not _name_ok(p, p.name, errors):
            continue
        if p.is_file() and p.name in SPEC_BY_FILE:
            found.append((SPEC_BY_FILE[p.name], p.name, p))
        elif p.is_file() and p.suffix.lower() in (".csv", ".jsonl", ".tsv", ".json"):
            errors.add(f"unknown data file; expected any of: {', '.join(SPEC_BY_FILE)} and {CASES_DIR}/*.md",
                       file=p.name)
    cases_dir = path / CASES_DIR
    if cases_dir.is_dir():
        found += [(CASE_SPEC, f"{CASES_DIR}/{p.name}", p) for p in sorted(cases_dir.glob("*.md"))
                  if _name_ok(p, f"{CASES_DIR}/{p.name}", errors)]
    if not found and not errors:
        errors.add(f"no data files found; expected any of: {', '.join(SPEC_BY_FILE)} and "
                   f"{CASES_DIR}/*.md", file=str(path))
    order = {k: i for i, k in enumerate(WRITE_ORDER)}
    found.sort(key=lambda f: (order[f[0].kind], f[1].count("/"), f[1]))  # cases.jsonl before cases/*.md
    return found


def load_folder(path: str | Path, progress: bool = True, store: GraphStore | None = None,
                replace: bool = False) -> LoadedFolder:
    """Read and validate every file of `path`; raise ValidationError listing every problem.

    With `store`, references to ids that are not in the folder are resolved in the store
    (with `replace`, only for kinds that have no file in the folder, since the others will
    be replaced by the folder's records).
    """
    from tqdm import tqdm

    path = Path(path)
    errors = ErrorReport()
    files = folder_files(path, errors)
    validator = FolderValidator(errors, store,
                                frozenset(spec.kind for spec, _, _ in files) if replace else frozenset())
    rows_per_file: dict[str, int] = {}
    total = sum(p.stat().st_size for _, _, p in files)
    with tqdm(total=total, unit="B", unit_scale=True, desc="validating", file=sys.stderr,
              disable=not progress, leave=False) as bar:
        for spec, name, p in files:
            if name.endswith(".md"):
                reader = read_markdown_case
            elif name.endswith(".jsonl"):
                reader = read_jsonl
            else:
                reader = read_csv
            n = 0
            for row in reader(p, spec, name, errors, bar.update):
                validator.add_row(spec, row)
                n += 1
            rows_per_file[name] = n
    validator.finish()
    order = {name: i for i, (_, name, _) in enumerate(files)}
    errors.problems.sort(key=lambda p: (order.get(p.file or "", -1), p.line or 0))  # stable: file, line
    errors.raise_if_any(f"{len(errors.problems)} problem(s) in {path}; nothing was written")
    return LoadedFolder(path, validator.records, rows_per_file)


# --- writing -----------------------------------------------------------------------------------

# (referring kind, field, referenced node kind, is a list) — for --replace dangling checks
REFERENCES: tuple[tuple[str, str, str], ...] = tuple(
    (s.kind, c.name, c.ref) for s in SPECS for c in s.columns if c.ref)


def _dangling(store: GraphStore, kinds: set[str], deletes: dict[str, list[tuple]]) -> list[FieldProblem]:
    """Records of kinds NOT in the folder that still refer to nodes `--replace` would delete."""
    gone = {k: {key[0] for key in keys} for k, keys in deletes.items() if keys}
    problems: list[FieldProblem] = []
    for kind in WRITE_ORDER:
        refs = [(f, target) for k, f, target in REFERENCES if k == kind and target in gone]
        if kind in kinds or not refs:
            continue  # kinds in the folder are replaced too, and were validated against it
        for rec in store.all(kind):
            for f, target in refs:
                value = getattr(rec, f)
                for ident in value if isinstance(value, tuple) else (value,):
                    if ident in gone[target]:
                        problems.append(FieldProblem(
                            f"--replace would delete {target} {ident!r}, but {kind} "
                            f"{'/'.join(map(str, record_key(rec)))} in the store refers to it; add "
                            f"that file to the folder or drop the reference", STORE_FILE, None, f))
    return problems


def ingest_folder(store: GraphStore, path: str | Path, *, dry_run: bool = False,
                  replace: bool = False, progress: bool = True) -> IngestReport:
    """Validate `path` completely, then write what is new or changed in one transaction.

    `replace=True` also deletes records of the kinds present in the folder that the folder no
    longer contains (e.g. a people.csv without someone deletes that person); kinds without a
    file in the folder are left alone. `dry_run=True` validates and counts but writes nothing.
    """
    from tqdm import tqdm

    loaded = load_folder(path, progress=progress, store=store, replace=replace)
    report = IngestReport(str(path), dry_run, replace, files=loaded.files,
                          revision_before=store.revision())
    changes = ChangeSet()
    for kind in WRITE_ORDER:
        folder = loaded.records.get(kind)
        if folder is None:
            continue
        counts = report.kinds[kind] = KindCounts(read=len(folder))
        existing: set[tuple] = set()
        if replace or len(folder) > SMALL_FOLDER:
            stored = store.all(kind)  # one streamed pass beats many look-ups
        else:  # a small correction to a big store: look its keys up one by one
            stored = (r for r in (store.get(kind, key if len(key) > 1 else key[0]) for key in folder) if r)
        for old in tqdm(stored, desc=f"comparing {kind}", unit=" rec", file=sys.stderr,
                        disable=not progress, leave=False):
            key = record_key(old)
            new = folder.get(key)
            if new is None:
                if replace:
                    changes.deletes.setdefault(kind, []).append(key)
                    counts.deleted += 1
                continue
            existing.add(key)
            if new == old:
                counts.unchanged += 1
            else:
                changes.upserts.setdefault(kind, []).append(new)
        changes.upserts.setdefault(kind, []).extend(
            rec for key, rec in folder.items() if key not in existing)
        counts.written = len(changes.upserts[kind])
    if replace:
        problems = _dangling(store, loaded.kinds, changes.deletes)
        if problems:
            raise ValidationError(problems, f"{len(problems)} problem(s) with --replace; nothing was written")
    changes.upserts = {k: v for k, v in changes.upserts.items() if v}
    if not dry_run and len(changes):
        report.apply_report = store.apply(changes)
    report.revision_after = store.revision()
    return report
