"""Waits over a second get a progress line on a person's terminal; quick answers and pipes none."""

from __future__ import annotations

import io
import time

from teamgraph.edge import waiting


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_wait_says_what_it_waits_for_and_how_long_it_took():
    term = Terminal()
    with waiting("Solving for the best team", after=0.05, show_on=term):
        time.sleep(0.5)
    lines = term.getvalue().splitlines()
    assert lines[0] == "Solving for the best team…"
    assert lines[1].startswith("Solving for the best team: done in ") and lines[1].endswith(" s")


def test_a_quick_answer_prints_nothing():
    term = Terminal()
    with waiting("Solving for the best team", after=5, show_on=term):
        pass
    assert term.getvalue() == ""


def test_a_pipe_gets_no_progress_lines(monkeypatch):
    monkeypatch.delenv("TEAMGRAPH_PROGRESS", raising=False)
    pipe = io.StringIO()
    with waiting("Solving for the best team", after=0.01, show_on=pipe):
        time.sleep(0.2)
    assert pipe.getvalue() == ""
    monkeypatch.setenv("TEAMGRAPH_PROGRESS", "1")  # asked for explicitly
    with waiting("Solving for the best team", after=0.01, show_on=pipe):
        time.sleep(0.2)
    assert "Solving for the best team…" in pipe.getvalue()
