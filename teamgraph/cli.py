"""The `teamgraph` command. Thin: each command lives beside its capability and is imported
only when it runs, so `teamgraph --help` starts without torch, faiss, ortools or neo4j."""

from __future__ import annotations

import importlib
import sys

import click

from teamgraph.errors import TeamgraphError

# command name -> ("module:attribute", one-line help shown by --help without importing)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("teamgraph.demo:demo", "Load the sample organisation and serve the web pages."),
    "ingest": ("teamgraph.ingest.cli:ingest", "Validate and load a data folder into the store (all or nothing)."),
    "generate": ("teamgraph.ingest.cli:generate", "Write a generated organisation of N people in the ingest format."),
    "status": ("teamgraph.graph.cli:status", "Show which store is configured and what it holds."),
    "person": ("teamgraph.graph.cli:person", "Show a person's profile: skills, projects, cases, load."),
    "skill": ("teamgraph.graph.cli:skill", "Show a skill's neighbourhood, holders, supply and demand."),
    "at-risk": ("teamgraph.graph.cli:at_risk", "List skills held by only one or two people."),
    "cases": ("teamgraph.graph.cli:cases", "List retrospective cases (visibility applied)."),
    "forget": ("teamgraph.graph.cli:forget", "Delete a person everywhere (right to be forgotten)."),
    "suggest": ("teamgraph.matching.cli:suggest", "Suggest a load-balanced team for a request (YAML/JSON)."),
    "staff": ("teamgraph.matching.cli:staff", "Staff a portfolio of requests at once from one pool."),
    "book": ("teamgraph.bookingcli:book", "Book the suggested team for a request or a whole portfolio."),
    "bookings": ("teamgraph.bookingcli:bookings", "List, show, confirm, cancel bookings; release people."),
    "capacity": ("teamgraph.capacitycli:capacity", "Capacity heatmap: utilisation by department (or person) and week."),
    "whatif": ("teamgraph.scenariocli:whatif", "Run a request or portfolio under a what-if scenario; or apply it."),
    "scenarios": ("teamgraph.scenariocli:scenarios", "Save, list, show and discard named what-if scenarios."),
    "kickoff": ("teamgraph.embeddings.cli:kickoff", "Kickoff package: similar cases, lessons, experts, team."),
    "index": ("teamgraph.embeddings.cli:index", "Build or inspect the retrieval indexes."),
    "eval": ("teamgraph.evalcli:eval_group", "Evaluate retrieval and staffing on real data folders."),
    "serve": ("teamgraph.api.cli:serve", "Serve the API and pages with a production WSGI server."),
    "token": ("teamgraph.api.cli:token", "Create, list and revoke API tokens for the web API and pages."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name][0].split(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(n, COMMANDS[n][1]) for n in sorted(COMMANDS)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="teamgraph")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """teamgraph: load-balanced cross-functional teams and the lessons of past projects.

    Settings come from the environment: TEAMGRAPH_STORE=embedded|neo4j (default embedded),
    TEAMGRAPH_DATA_DIR, NEO4J_URI/USERNAME/PASSWORD/DATABASE, TEAMGRAPH_MODEL.
    """
    from teamgraph.edge import Edge
    ctx.obj = Edge()  # the settings and the engine, built once for the whole invocation
    ctx.call_on_close(ctx.obj.close)


def main() -> None:
    """Entry point: TeamgraphErrors become a clear message and exit code 2, never a traceback."""
    from teamgraph.startup import defer_pandas_for_cp_model
    defer_pandas_for_cp_model()  # CP-SAT without pandas: ~0.1-0.5 s of a cold start (teamgraph/startup.py)
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except TeamgraphError as e:
        click.secho(f"error: {e}", fg="red", err=True)
        sys.exit(2)
