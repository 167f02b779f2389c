"""`teamgraph demo`: load the sample organisation into the configured store (the embedded
default unless TEAMGRAPH_STORE says otherwise), build the retrieval indexes, print a summary
and what to try next, then serve the web pages (unless --no-serve)."""

from __future__ import annotations

import click

EXAMPLE_REQUEST = "examples/requests/telemetry-dashboard.yaml"
EXAMPLE_PORTFOLIO = "examples/requests/portfolio.yaml"
NEXT_STEPS = (
    ("teamgraph status", "what the store holds"),
    ("teamgraph person {person}", "a profile: skills, projects, cases, load"),
    ("teamgraph skill {skill}", "a skill's neighbourhood, holders, supply vs. demand"),
    ("teamgraph at-risk", "skills held by only one or two people"),
    ("teamgraph suggest {request} --alternatives 2", "a load-balanced team, explained"),
    ("teamgraph staff {portfolio}", "staff several projects at once"),
    ("teamgraph kickoff --project {project}", "similar cases, lessons and experts for a project"),
    ("teamgraph serve --port 8000", "the web pages and API"),
)


def _print_summary(summary: dict) -> None:
    counts = summary.get("counts", {})
    click.secho("\nThe sample organisation", bold=True)
    click.echo("  " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    if summary.get("departments"):
        click.echo("  departments: " + ", ".join(summary["departments"]))
    busiest = summary.get("busiest", [])
    if busiest:
        click.echo("  busiest people now:")
        for row in busiest[:5]:
            bar = "█" * int(round(10 * min(row["load"], 1.5)))
            click.echo(f"    {row['name']:<24} {bar:<15} {row['load']:.0%}")
    at_risk = summary.get("at_risk", [])
    if at_risk:
        click.echo("  skills at risk (1–2 holders): " + ", ".join(r["name"] for r in at_risk[:8]))


def _print_next_steps(info: dict) -> None:
    values = {"person": info["example_person"], "skill": info["example_skill"],
              "project": info["example_project"], "request": EXAMPLE_REQUEST,
              "portfolio": EXAMPLE_PORTFOLIO}
    rows = [(cmd.format(**values), why) for cmd, why in NEXT_STEPS]
    width = min(max(len(cmd) for cmd, _ in rows), 44) + 2
    click.secho("\nTry next (same TEAMGRAPH_DATA_DIR):", bold=True)
    for cmd, why in rows:
        pad = " " * (width - len(cmd)) if len(cmd) < width else "\n" + " " * (width + 2)
        click.echo(f"  {cmd}{pad}{why}")


@click.command()
@click.option("--no-serve", is_flag=True, help="Load and summarise, then exit without serving the pages.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to serve on.")
@click.option("--no-index", is_flag=True, help="Skip building the retrieval indexes (faster, no kickoff).")
def demo(no_serve: bool, host: str, port: int, no_index: bool) -> None:
    """Load the sample organisation and serve the web pages.

    Idempotent: running it again changes nothing. The store and indexes live in
    TEAMGRAPH_DATA_DIR (default ~/.local/share/teamgraph).
    """
    from teamgraph.edge import edge
    from teamgraph.ingest.sample import sample_path, summary

    settings, service = edge().settings, edge().engine(build_index=True)
    click.echo(f"Store: {settings.store} ({service.status()['location']})")
    outcome = service.ingest(sample_path())  # idempotent; a re-run writes nothing
    click.echo(f"Loaded: {outcome.report.describe()}")
    info = summary(service.store)
    _print_summary(info)
    if not no_index:
        click.echo("\nBuilding the retrieval indexes (first run loads the embedding model)…")
        service.warm()  # builds the index when missing, catches up when stale
    from teamgraph.api.auth import demo_tokens
    tokens = demo_tokens(settings, service.store)
    click.secho("\nAPI tokens to try (Authorization: Bearer …):", bold=True)
    for role, token in tokens.items():
        click.echo(f"  {role:<8} {token}")
    _print_next_steps(info)
    if no_serve:
        return
    from teamgraph.api.app import create_app
    from teamgraph.api.server import run
    click.secho(f"\nServing http://{host}:{port}/  (Ctrl-C to stop)", bold=True)
    run(create_app(settings=settings, service=service), host=host, port=port)
