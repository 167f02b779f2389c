"""The tiny organisation in an embedded store under a temporary data folder, and a runner for the
`teamgraph` command over it (the CLI tests' shared fixture body)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.tinyorg import tiny_org


def tiny_cli(folder: Path, files: dict[str, str]):
    """Write the tiny org's store and `files` ({name: text}) into `folder`; return run(*args, env_extra=None)
    that runs `python -m teamgraph ARGS` there (offline, embedded store) and returns the CompletedProcess."""
    from teamgraph.graph.sqlite_store import SqliteStore
    store = SqliteStore(folder / "teamgraph.sqlite3")
    store.apply(tiny_org())
    store.close()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "TEAMGRAPH_DATA_DIR": str(folder), "TEAMGRAPH_STORE": "embedded",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}

    def run(*args, env_extra=None):
        return subprocess.run([sys.executable, "-m", "teamgraph", *map(str, args)], capture_output=True, text=True,
                              env={**env, **(env_extra or {})}, cwd=folder, timeout=120)
    return run
