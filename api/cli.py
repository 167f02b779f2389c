"""`teamgraph serve` and `teamgraph token …` (thin: the work is in api.app, api.server, api.tokens)."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for all).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--threads", default=None, type=click.IntRange(1, 256),
              help="Threads for cheap requests (default 4); slow work (solves, kickoff, uploads) gets its "
                   "own on top (README \"Limits\").")
@click.option("--no-warm", is_flag=True, help="Do not load the embedding model and indexes before serving.")
def serve(host: str, port: int, threads: int | None, no_warm: bool) -> None:
    """Serve the API (/api/v1) and the pages with waitress, a production WSGI server.

    Sign in to the pages, or call the API, with a token from `teamgraph token create`.
    """
    from teamgraph.api.app import create_app
    from teamgraph.api.server import run, threads_for
    from teamgraph.edge import edge

    settings, service = edge().settings, edge().engine(build_index=True)
    click.echo(f"Store: {settings.store}; revision {service.revision()}")
    if not no_warm:
        click.echo("Loading the embedding model and retrieval indexes…", err=True)
        service.warm()
    app = create_app(settings=settings, service=service)
    click.secho(f"Serving http://{host}:{port}/ with {threads_for(app, threads)} threads, at most "
                f"{app.config['SLOW_WORKERS']} solving at once (Ctrl-C to stop)", bold=True)
    run(app, host=host, port=port, threads=threads)


@click.group()
def token() -> None:
    """Create, list and revoke API tokens (stored hashed in TEAMGRAPH_DATA_DIR/tokens.sqlite3)."""


@token.command("create")
@click.option("--role", required=True, type=click.Choice(["sponsor", "member", "hr", "admin"]),
              help="What the token may do.")
@click.option("--person", default=None, help="Person id the token acts as (required except for admin).")
@click.option("--label", default="", help="A note to recognise the token by.")
@click.option("--days", default=None, type=click.IntRange(1, 3650),
              help="Days until the token expires (default: TEAMGRAPH_TOKEN_DAYS, else 90).")
def token_create(role: str, person: str | None, label: str, days: int | None) -> None:
    """Create a token and print it once (only its hash is kept)."""
    from teamgraph.api.tokens import token_store_for
    from teamgraph.edge import edge

    if person:
        edge().engine().require("person", person)
    secret, record = token_store_for(edge().settings.data_dir).create(role, person, label, days=days)
    click.echo(secret)
    click.echo(f"token {record.id}: role {role}" + (f", acting as {person}" if person else "")
               + f"; expires {record.expires}", err=True)


@token.command("list")
def token_list() -> None:
    """List tokens (ids, roles, people, created, expires; never the secrets)."""
    from datetime import datetime, timezone

    from teamgraph.api.tokens import token_store_for
    from teamgraph.edge import edge
    now = datetime.now(timezone.utc)
    for r in token_store_for(edge().settings.data_dir).list():
        expires = f"{r.expires}{' (expired)' if r.expired(now) else ''}"
        click.echo(f"{r.id:>4}  {r.role:<8} {r.person or '-':<16} {r.created}  expires {expires}  {r.label}")


@token.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke a token by id (a running server refuses it from the next request)."""
    from teamgraph.api.tokens import token_store_for
    from teamgraph.edge import edge
    token_store_for(edge().settings.data_dir).revoke(token_id)
    click.echo(f"revoked token {token_id}")
