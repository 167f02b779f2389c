"""`teamgraph kickoff` and `teamgraph index build|update|status`: thin commands over the engine.

The kickoff package (with its suggested team) is composed by the engine exactly as for the API;
the CLI only chooses the viewer (`--as`, `--role`) and prints.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from teamgraph.edge import echo_json, engine, pad, waiting


@click.command()
@click.argument("brief_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--project", "project_id", help="Build the package for this project id instead of a brief.")
@click.option("--as", "person", help="See only what this person may see (their department and projects).")
@click.option("--role", type=click.Choice(["member", "sponsor", "hr", "admin"]), default="member",
              show_default=True, help="Viewer role; hr/admin see confidential cases.")
@click.option("-k", "k", default=5, show_default=True, help="Cases and experts to show.")
@click.option("--no-team", is_flag=True, help="Leave out the suggested team (faster).")
@click.option("--json", "as_json", is_flag=True, help="Print the package as JSON (as that viewer may see it).")
def kickoff(brief_file: Path | None, project_id: str | None, person: str | None, role: str, k: int,
            no_team: bool, as_json: bool) -> None:
    """Kickoff package for BRIEF_FILE (YAML: title, description, skills, department, process) or
    --project ID: similar cases, lessons to read first, experts to consult with their load, and
    the suggested team."""
    if (brief_file is None) == (project_id is None):
        raise click.UsageError("give a BRIEF.yaml or --project ID (not both)")
    tg = engine()
    viewer = tg.viewer(role, person, must_exist=True)
    # The local operator may always ask for the team (the API offers it to planning roles only).
    with waiting("Finding similar cases and experts" + ("" if no_team else ", and solving for a team")):
        pkg = tg.kickoff(viewer, brief_file=brief_file, project_id=project_id, k_cases=k, k_experts=k,
                         with_team=not no_team)
    if as_json:
        return echo_json(tg.view(pkg.to_dict(), viewer))
    departments = tg.names_of("department", [e.department for e in pkg.experts] + [c.department for c in pkg.cases])
    _print(pkg, departments)


def _print(pkg, departments: dict[str, str]) -> None:
    """The package as text; `departments` maps department ids to the names people read."""
    click.secho(f"Kickoff: {pkg.brief.splitlines()[0] if pkg.brief else pkg.project}", bold=True)
    if pkg.process_owner:
        click.echo(f"Process owner: {pkg.process_owner['name'] or pkg.process_owner['id']}")
    if pkg.confidence and not pkg.confidence.get("fits"):
        click.secho(pkg.confidence["message"], fg="yellow")
    click.secho("\nCases to read", bold=True)
    for c in pkg.cases:
        why = ", ".join(list(c.shared_skills) + list(c.matching_terms[:6]))
        why = f"matched: {why}" if why else "matched by meaning (no shared words)"
        mark = "weak match: " if c.weak else ""
        match = f"match {c.match:.0%}  " if c.match is not None else ""
        also = f"  (also: {', '.join(c.duplicates)})" if c.duplicates else ""
        where = f"[{departments.get(c.department, c.department) or '-'}, {c.date or '-'}]"
        click.echo(f"  {mark}{c.title}  {where}  {match}{why}{also}  ({c.id})")
    if pkg.lessons:
        click.secho("\nLessons to read first", bold=True)
    for x in pkg.lessons:
        click.echo(f"  • {x.text}  ({x.case})")
    click.secho("\nExperts to consult (score = relevance × rating × load discount)", bold=True)
    for e in pkg.experts:
        ev = "; ".join(f"{x.kind} {x.title or x.id}" for x in e.evidence[:3]) or "their skills"
        u = e.utilisation
        who = f"  {pad(e.name, 24)} {pad(departments.get(e.department, e.department) or '-', 28)}"
        click.echo(f"{who} {e.relevance:.2f} × {e.rating_factor:.2f} × {e.load_discount:.2f} = {e.score:.2f}"
                   f"  (utilisation {u:.0%})  {ev}" if u is not None else f"{who} {e.score:.2f}  {ev}")
    if pkg.team is not None:
        click.secho("\nSuggested team", bold=True)
        _print_team(pkg.team)
    for note in pkg.notes:
        click.echo(f"\nnote: {note}")


def _print_team(team: dict) -> None:
    if "error" in team:
        click.echo(f"  no team: {team['error']['message']}")
        return
    click.echo(f"  status: {team['status']}")
    for f in team.get("forced_overload") or ():
        click.secho(f"  warning: {f['name']} forced in at {f['utilisation']:.0%} of capacity", fg="yellow")
    for m in (team.get("team") or {}).get("members", ()):
        covers = ", ".join(f"{c['label']} {c['level']}" for c in m["covers"]) or m.get("needed_for") or "-"
        click.echo(f"  {pad(m['name'], 24)} {pad(m.get('department_name') or m['department'] or '-', 28)} {covers}")
    for note in team.get("notes") or ():
        click.echo(f"  note: {note}")


@click.group()
def index() -> None:
    """Build, update or inspect the retrieval indexes (in TEAMGRAPH_DATA_DIR/index/…)."""


@index.command("build")
def index_build() -> None:
    """Index every case, project and person profile from scratch (encodes everything)."""
    click.echo(json.dumps(engine().index_build(), indent=2))


@index.command("update")
def index_update() -> None:
    """Bring the indexes up to the store's revision, re-encoding only changed documents."""
    click.echo(json.dumps(engine().index_update(), indent=2))


@index.command("status")
def index_status() -> None:
    """Show index sizes, model, layout, and whether they are stale against the store."""
    echo_json(engine().index_status())
