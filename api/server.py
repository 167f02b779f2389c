"""Serve the app with waitress, a production WSGI server (never Flask's development server)."""

from __future__ import annotations

import logging


def threads_for(app, threads: int | None = None) -> int:
    """Worker threads for `app`: the threads slow requests may hold (api.workers: running +
    waiting) plus `threads` (default: limits.CHEAP_THREADS) that only cheap requests can take,
    so a burst of solves never leaves a trivial request waiting for a thread."""
    from teamgraph import limits
    gate = app.extensions.get("teamgraph.slow")
    return (gate.capacity if gate else 0) + (threads or limits.CHEAP_THREADS)


def make_server(app, host: str = "127.0.0.1", port: int = 8000, threads: int | None = None):
    """A waitress server for `app`, bound but not yet serving (`.run()`, `.close()`; port 0 picks one).
    `threads` are the threads for cheap requests; the slow requests' threads come on top."""
    from waitress.server import create_server

    logging.getLogger("waitress").setLevel(logging.WARNING)
    # "Task queue depth is N" is normal under load (requests wait for a worker thread).
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    return create_server(app, host=host, port=port, threads=threads_for(app, threads), ident="teamgraph",
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
