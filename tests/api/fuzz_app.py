"""The app the fuzz suites run against: the tiny organisation on SQLite, solver time capped at
a second or two, an admin token, and a log handler that collects unhandled errors."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path


class ServerErrors(logging.Handler):
    """What the app logs at ERROR (unhandled exceptions are logged with their traceback)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(record.getMessage())


@contextmanager
def fuzz_app(data: Path):
    """(app, admin token, ServerErrors) over a fresh copy of the tiny organisation in `data`."""
    from teamgraph.api.app import create_app
    from teamgraph.api.tokens import token_store_for
    from teamgraph.embeddings.encoder import HashingEncoder
    from teamgraph.graph.sqlite_store import SqliteStore
    from teamgraph.service import Teamgraph
    from teamgraph.settings import Settings
    from tests.tinyorg import tiny_org

    store = SqliteStore(data / "teamgraph.sqlite3")
    store.apply(tiny_org())
    settings = Settings(data_dir=data, secret_key="fuzz")
    service = Teamgraph(settings, store=store, encoder=HashingEncoder(), progress=False)
    app = create_app({"SUGGEST_TIME_LIMIT": 1.0, "PORTFOLIO_TIME_LIMIT": 2.0}, settings=settings, service=service)
    errors = ServerErrors()
    logging.getLogger("teamgraph").addHandler(errors)
    try:
        yield app, token_store_for(data).create("admin", None, label="fuzz")[0], errors
    finally:
        logging.getLogger("teamgraph").removeHandler(errors)
        service.close()
