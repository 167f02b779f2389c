"""The application factory (the Flask tutorial's shape: create_app, blueprints, init_app)."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask

from teamgraph.settings import Settings


def _secret_key(settings: Settings) -> str:
    """TEAMGRAPH_SECRET_KEY, else a random key kept in the data folder so sessions survive restarts."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _body_limits() -> None:
    """JSON bodies: at most MAX_JSON_BODY bytes (413) and MAX_JSON_DEPTH levels deep (400), checked
    before anything parses them (README "Limits"; uploads keep MAX_CONTENT_LENGTH)."""
    from flask import request

    from teamgraph import limits
    from teamgraph.api.errors import PayloadTooLarge
    from teamgraph.errors import FieldProblem, ValidationError

    if not request.is_json:
        return
    if request.content_length is not None and request.content_length > limits.MAX_JSON_BODY:
        raise PayloadTooLarge(limits.MAX_JSON_BODY)
    request.max_content_length = limits.MAX_JSON_BODY  # bodies sent without a length
    text = request.get_data(cache=True).decode("utf-8", "replace")
    depth, too_deep = limits.raw_json_depth(text)
    if too_deep is not None:
        raise ValidationError(FieldProblem(
            f"nested {depth} levels deep; at most {limits.MAX_JSON_DEPTH} allowed", field="body"))


def create_app(test_config: dict | None = None, *, settings: Settings | None = None, service=None) -> Flask:
    """Build the app. `settings` default to the environment; `service` to a new `Teamgraph`."""
    from teamgraph import limits
    from teamgraph.api import (auth, bookings, capacity, errors, knowledge, openapi, pages, people, scenarios, skills,
                               teams, uploads, whatif, workers)
    from teamgraph.api.web import ReadCache

    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=_secret_key(settings),
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,  # ingest uploads
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SUGGEST_TIME_LIMIT=limits.MAX_SOLVE_SECONDS,
        PORTFOLIO_TIME_LIMIT=limits.MAX_PORTFOLIO_SECONDS,
        SLOW_WORKERS=limits.SLOW_WORKERS,  # api.workers: slow work never blocks cheap requests
        SLOW_QUEUE=limits.SLOW_QUEUE,
        SLOW_QUEUE_WAIT=limits.SLOW_QUEUE_WAIT,
    )
    if test_config:
        app.config.update(test_config)
    if service is None:
        from teamgraph.service import Teamgraph
        service = Teamgraph(settings)
    app.extensions["teamgraph"] = service
    app.extensions["teamgraph.settings"] = settings
    app.extensions["teamgraph.cache"] = ReadCache()

    errors.init_app(app)
    auth.init_app(app)
    app.before_request(_body_limits)
    for module in (skills, people, teams, bookings, capacity, scenarios, knowledge, uploads, openapi, pages, whatif):
        module.init_app(app)
    workers.init_app(app)  # after the blueprints: it wraps their slow views
    return app
