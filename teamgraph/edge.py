"""The CLI's edge: the settings and the engine, built once per invocation by the `teamgraph`
group, plus the options and printing every command shares.

Commands call `engine()` and one engine method, then print; none opens a store or builds a
retriever itself. Settings are read on first use, so `teamgraph X --help` reads nothing.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import unicodedata
from contextlib import contextmanager

import click

from teamgraph.graph.model import ROLES


class Edge:
    """Per invocation: the settings (from the environment, once) and the engine over them."""

    def __init__(self):
        self._settings = None
        self._engine = None

    @property
    def settings(self):
        if self._settings is None:
            from teamgraph.settings import Settings
            self._settings = Settings.from_env()
        return self._settings

    def engine(self, *, progress: bool = True, build_index: bool = False):
        """The engine, made on first use. Commands never build a missing retrieval index unasked
        (a minute on a laptop; they say how); `serve` and `demo` do (`build_index`)."""
        if self._engine is None:
            from teamgraph.service import Teamgraph
            self._engine = Teamgraph(self.settings, progress=progress, build_index=build_index)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None


def edge() -> Edge:
    """The invocation's Edge (made by the `teamgraph` group; made here for a bare command)."""
    root = click.get_current_context().find_root()
    if not isinstance(root.obj, Edge):
        root.obj = Edge()
        root.call_on_close(root.obj.close)
    return root.obj


def engine(*, progress: bool = True, build_index: bool = False):
    return edge().engine(progress=progress, build_index=build_index)


@contextmanager
def waiting(label: str, after: float = 1.0, show_on=None):
    """A progress line on stderr for a wait: `label…` once it has lasted `after` seconds (quick
    answers print nothing), then how long it took. Only for a person at a terminal (stderr is a
    TTY, or TEAMGRAPH_PROGRESS=1): pipes and scripts get the answer alone."""
    stream = show_on or sys.stderr
    if not (stream.isatty() or os.environ.get("TEAMGRAPH_PROGRESS") == "1"):
        yield
        return
    start = time.monotonic()
    shown = threading.Event()

    def show() -> None:
        shown.set()
        click.echo(f"{label}…", file=stream)

    timer = threading.Timer(after, show)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        if shown.is_set():
            click.echo(f"{label}: done in {time.monotonic() - start:.1f} s", file=stream)


def as_options(f):
    """--as-role / --as-person: see what someone else would (default: the operator, admin)."""
    f = click.option("--as-person", "as_person", metavar="ID", help="See what this person may see.")(f)
    return click.option("--as-role", "as_role", type=click.Choice(ROLES),
                        help="Viewer role (default admin; member with --as-person).")(f)


def seed_option(f):
    """--seed for the solver, range-checked like the API's `seed` (0..limits.MAX_SEED)."""
    from teamgraph import limits
    return click.option("--seed", type=click.IntRange(0, limits.MAX_SEED), default=0, show_default=True,
                        help=f"Solver seed, 0 to {limits.MAX_SEED} (same seed, same answer).")(f)


def viewer_of(role: str | None, person: str | None):
    """The operator is admin; acting as a person defaults to that person's member view."""
    return engine().viewer(role or ("member" if person else "admin"), person, must_exist=True)


def echo_json(data) -> None:
    from teamgraph.graph.reads import finite  # strict JSON: an infinite utilisation is null
    click.echo(json.dumps(finite(data), ensure_ascii=False, indent=2, allow_nan=False))


def echo_index(index: dict) -> None:
    """One line on what a write did to the retrieval indexes (stderr: stdout stays the report)."""
    mode = index.get("mode")
    if mode == "incremental":
        changed = ", ".join(f"{n} {k}" for k, n in index.get("changed", {}).items() if n)
        text = f"retrieval index updated to revision {index['revision']}" + (f" ({changed} document(s))"
                                                                             if changed else "")
    elif mode == "sync":
        text = f"retrieval index caught up with revision {index['revision']}"
    elif mode == "noop" or mode is None and not index:
        return
    else:
        text = index.get("message", "")
    click.echo(text, err=True)


def text_width(text: str) -> int:
    """Terminal columns `text` takes: CJK (wide and full-width) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` terminal columns (CJK names line up too)."""
    return text + " " * max(0, width - text_width(text))


def text_table(headers: list[str], rows: list[list[str]], empty: str | None = None) -> list[str]:
    """Lines of a plain-text table: header, rule, one line per row (cells already strings);
    `empty` is printed when there are no rows."""
    widths = [max([text_width(h)] + [text_width(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(vals: list[str]) -> str:
        return "  ".join(pad(v, w) for v, w in zip(vals, widths)).rstrip()
    body = [line(r) for r in rows] or ([empty] if empty is not None else [])
    return [line(headers), line(["-" * w for w in widths])] + body
