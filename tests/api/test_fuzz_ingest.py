"""Fuzzing ingest files (issue 12): hypothesis edits one file of the tiny organisation's folder
— a line replaced, text inserted, a CSV cell or a front-matter value swapped for something odd,
the file cut short — and ingests it. Each run either succeeds or is refused with a
ValidationError whose problems name a file, print as UTF-8, and leave the store exactly as it
was; nothing else may escape (no traceback for any input).

Bounded for CI: derandomized, a fixed number of examples, one store per test.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teamgraph.errors import ValidationError
from teamgraph.graph.sqlite_store import SqliteStore
from teamgraph.ingest.loader import ingest_folder
from tests.ingest.ingest_helpers import snapshot, tiny_folder

EXAMPLES = 150

# Values that have broken parsers before: dates with times or out of range, huge and special
# numbers, deep nesting, control characters, a byte-order mark, lone surrogates, long text.
ODD = st.sampled_from([
    "2026-02-30", "2025-07-01 12:30:00", "0001-01-01", "9999-12-31", "1e309", "-Infinity", "NaN", "9" * 5000,
    "[" * 2000, "{a: " * 500, "\x00", "\ufeffid", "\ud800", "é" * 140_000, "", " ", "yes", "010", "~", "null",
    "'unclosed", '"', ",,,,", "\r\n", "- - -", "!!python/object:os.system ls", "&a [*a]", "*undefined",
])
TEXT = st.one_of(ODD, st.text(max_size=40))


def _edit(draw_file: str, text: str, how: str, value: str, at: float) -> str:
    lines = text.split("\n")
    i = min(len(lines) - 1, int(at * len(lines)))
    if how == "line":
        lines[i] = value
    elif how == "insert":
        cut = int(at * len(text))
        return text[:cut] + value + text[cut:]
    elif how == "cell":
        cells = lines[i].split(",")
        cells[min(len(cells) - 1, int(at * 7) % len(cells))] = value
        lines[i] = ",".join(cells)
    elif how == "front" and draw_file.endswith(".md"):
        keys = [k for k, line in enumerate(lines) if ": " in line and k < 20]
        if keys:
            k = keys[int(at * len(keys)) % len(keys)]
            lines[k] = lines[k].split(": ", 1)[0] + ": " + value
    elif how == "cut":
        return text[:int(at * len(text))]
    return "\n".join(lines)


def test_no_edited_ingest_file_escapes_as_anything_but_a_clear_refusal():
    with tempfile.TemporaryDirectory() as tmp:
        folder = tiny_folder(Path(tmp) / "org", cases_as_markdown=True)
        files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        originals = {f: (folder / f).read_text(encoding="utf-8") for f in files}
        store = SqliteStore(Path(tmp) / "teamgraph.sqlite3")
        ingest_folder(store, folder, progress=False)
        outcomes = {"accepted": 0, "refused": 0}

        @given(file=st.sampled_from(files), how=st.sampled_from(["line", "insert", "cell", "front", "cut"]),
               value=TEXT, at=st.floats(0, 1))
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def ingest_one(file, how, value, at):
            path = folder / file
            path.write_text(_edit(file, originals[file], how, value, at), encoding="utf-8", errors="surrogatepass")
            before = snapshot(store)
            try:
                ingest_folder(store, folder, progress=False)
                outcomes["accepted"] += 1
            except ValidationError as e:
                outcomes["refused"] += 1
                assert e.problems and all(p.file for p in e.problems), str(e)
                str(e).encode("utf-8")  # printable: no lone surrogate in a message
                assert snapshot(store) == before  # all or nothing
            finally:
                path.write_text(originals[file], encoding="utf-8")

        try:
            ingest_one()
        finally:
            store.close()
        assert outcomes["refused"] > 0 and outcomes["accepted"] > 0, outcomes  # both kinds were exercised
