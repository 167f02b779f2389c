"""Serve the app with waitress, a production WSGI server (never Flask's development server)."""

from __future__ import annotations

import logging
import os


def default_threads() -> int:
    """Enough threads to overlap I/O and solver calls without oversubscribing a small machine."""
    return max(4, 2 * (os.cpu_count() or 2))


def make_server(app, host: str = "127.0.0.1", port: int = 8000, threads: int | None = None):
    """A waitress server for `app`, bound but not yet serving (`.run()`, `.close()`; port 0 picks one)."""
    from waitress.server import create_server

    logging.getLogger("waitress").setLevel(logging.WARNING)
    # "Task queue depth is N" is normal under load (requests wait for a worker thread).
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    return create_server(app, host=host, port=port, threads=threads or default_threads(), ident="teamgraph",
                         connection_limit=1000, channel_timeout=120, backlog=2048,
                         clear_untrusted_proxy_headers=True)


def run(app, host: str = "127.0.0.1", port: int = 8000, threads: int | None = None) -> None:
    """Serve `app` on host:port until interrupted."""
    server = make_server(app, host, port, threads)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
