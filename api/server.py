"""Serve the app with waitress, a production WSGI server (never Flask's development server)."""

from __future__ import annotations

import logging
import os


def default_threads() -> int:
    """Enough threads to overlap I/O and solver calls without oversubscribing a small machine."""
    return max(4, 2 * (os.cpu_count() or 2))


def run(app, host: str = "127.0.0.1", port: int = 8000, threads: int | None = None) -> None:
    """Serve `app` on host:port until interrupted."""
    from waitress import serve

    logging.getLogger("waitress").setLevel(logging.WARNING)
    serve(app, host=host, port=port, threads=threads or default_threads(), ident="teamgraph",
          connection_limit=1000, channel_timeout=120, backlog=2048, clear_untrusted_proxy_headers=True)
