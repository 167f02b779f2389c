"""`teamgraph kickoff` and `teamgraph index build|update|status`: thin commands over the library."""

from __future__ import annotations

import json
from pathlib import Path

import click

from teamgraph.settings import Settings


def _open(settings: Settings, on_stale: str = "error"):
    from teamgraph.embeddings.encoder import load_encoder
    from teamgraph.embeddings.retriever import Retriever
    from teamgraph.graph.store import open_store
    store = open_store(settings)
    return store, Retriever(store, settings.index_dir, load_encoder(settings.model), on_stale=on_stale)


def _viewer(store, role: str, person: str | None):
    from teamgraph.graph.model import Viewer
    from teamgraph.errors import NotFoundError
    if person is None:
        return Viewer(role=role)
    p = store.get("person", person)
    if p is None:
        raise NotFoundError("person", person)
    return Viewer(role=role, person=person, department=p.department,
                  projects=frozenset(m.project for m in store.memberships_of([person])))


def _resolve_skills(store, names: list[str], path: str) -> list[str]:
    from teamgraph.errors import FieldProblem, ValidationError
    table = {}
    for s in store.all("skill"):
        for n in (s.id, s.name, *s.aliases):
            table.setdefault(n.strip().lower(), s.id)
    unknown = [n for n in names if n.strip().lower() not in table]
    if unknown:
        raise ValidationError(FieldProblem(f"unknown skill(s): {', '.join(unknown)}", file=path, field="skills"))
    return [table[n.strip().lower()] for n in names]


@click.command()
@click.argument("brief_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--project", "project_id", help="Build the package for this project id instead of a brief.")
@click.option("--as", "person", help="See only what this person may see (their department and projects).")
@click.option("--role", type=click.Choice(["member", "sponsor", "hr", "admin"]), default="member",
              show_default=True, help="Viewer role; hr/admin see confidential cases.")
@click.option("-k", "k", default=5, show_default=True, help="Cases and experts to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the package as JSON.")
def kickoff(brief_file: Path | None, project_id: str | None, person: str | None, role: str, k: int,
            as_json: bool) -> None:
    """Kickoff package for BRIEF_FILE (YAML: title, description, skills, department, process) or
    --project ID: similar cases, lessons to read first, experts to consult with their load."""
    from teamgraph.embeddings.kickoff import kickoff_package, read_brief
    if (brief_file is None) == (project_id is None):
        raise click.UsageError("give a BRIEF.yaml or --project ID (not both)")
    store, retriever = _open(Settings.from_env())
    viewer = _viewer(store, role, person)
    if brief_file is not None:
        b = read_brief(brief_file)
        pkg = kickoff_package(retriever, store, brief="\n".join(p for p in (b["title"], b["description"]) if p),
                              viewer=viewer, k_cases=k, k_experts=k, department=b["department"],
                              process=b["process"], skills=_resolve_skills(store, b["skills"], str(brief_file)))
    else:
        pkg = kickoff_package(retriever, store, project_id=project_id, viewer=viewer, k_cases=k, k_experts=k)
    if as_json:
        click.echo(json.dumps(pkg.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print(pkg)


def _print(pkg) -> None:
    click.secho(f"Kickoff: {pkg.brief.splitlines()[0] if pkg.brief else pkg.project}", bold=True)
    click.secho("\nCases to read", bold=True)
    for c in pkg.cases:
        why = ", ".join(c.matching_terms[:6]) or "meaning"
        click.echo(f"  {c.id:<10} {c.title}  [{c.department or '-'}, {c.date or '-'}]  matched: {why}")
    click.secho("\nLessons to read first", bold=True)
    for x in pkg.lessons:
        click.echo(f"  • {x.text}  ({x.case})")
    click.secho("\nExperts to consult", bold=True)
    for e in pkg.experts:
        ev = "; ".join(f"{x.kind} {x.id}" for x in e.evidence[:3]) or "skills"
        click.echo(f"  {e.name:<24} {e.department:<8} relevance {e.relevance:.2f}  load {e.load:.0%} "
                   f"(×{e.load_discount:.2f})  {ev}")
    if pkg.team is not None:
        click.secho("\nSuggested team", bold=True)
        click.echo(json.dumps(pkg.team, indent=2, ensure_ascii=False))
    for note in pkg.notes:
        click.echo(f"\nnote: {note}")


@click.group()
def index() -> None:
    """Build, update or inspect the retrieval indexes (in TEAMGRAPH_DATA_DIR/index/…)."""


@index.command("build")
def index_build() -> None:
    """Index every case, project and person profile from scratch (encodes everything)."""
    store, retriever = _open(Settings.from_env())
    click.echo(json.dumps(retriever.build(progress=True), indent=2))


@index.command("update")
def index_update() -> None:
    """Bring the indexes up to the store's revision, re-encoding only changed documents."""
    store, retriever = _open(Settings.from_env())
    click.echo(json.dumps(retriever.sync(progress=True), indent=2))


@index.command("status")
def index_status() -> None:
    """Show index sizes, model, layout, and whether they are stale against the store."""
    store, retriever = _open(Settings.from_env())
    click.echo(json.dumps(retriever.status(), indent=2))
