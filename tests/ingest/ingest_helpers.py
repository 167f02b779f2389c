"""Helpers for ingest tests: the tiny organisation as a folder, and small file edits."""

from __future__ import annotations

from pathlib import Path

from teamgraph.graph.model import record_key
from teamgraph.ingest.writer import write_folder
from tests.tinyorg import tiny_org


def tiny_folder(path: Path, cases_as_markdown: bool = False) -> Path:
    write_folder(path, tiny_org(), cases_as_markdown=cases_as_markdown)
    return path


def line_of(path: Path, prefix: str) -> int:
    """1-based number of the first line of `path` starting with `prefix` (read independently of ingest)."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(prefix):
            return n
    raise AssertionError(f"no line starting with {prefix!r} in {path}")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def snapshot(store) -> tuple[int, dict[str, int]]:
    return store.revision(), store.counts()


def assert_store_holds(store, changeset) -> None:
    """Every record of `changeset` reads back equal from the store."""
    for kind, records in changeset.upserts.items():
        for r in records:
            got = store.get(kind, record_key(r) if not hasattr(r, "id") else r.id)
            assert got == r, f"{kind} {record_key(r)}: stored {got!r} != {r!r}"
