"""The web API (JSON under /api/v1) and the server-rendered pages.

`api.app.create_app(test_config=None, *, settings=None, service=None)` builds the Flask app;
`api.server.run(app, host, port, threads)` serves it with waitress. Nothing here imports Flask
at package import time, so `teamgraph --help` stays light.
"""
