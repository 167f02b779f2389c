"""Read-only graph commands (`status`, `person`, `skill`, `at-risk`, `cases`) and `forget`.

Thin over the engine: each command calls one engine method and prints a table (or `--json`
through the read models' `to_dict`). The CLI is a trusted local operator, so it sees everything
(viewer role admin) unless `--as-role`/`--as-person` asks to see what someone else would.
"""

from __future__ import annotations

from datetime import date, timedelta

import click

from teamgraph.edge import as_options, echo_index, echo_json, engine, text_table, viewer_of
from teamgraph.graph.model import Window
from teamgraph.graph.store import jsonable


def _table(headers: list[str], rows: list[list]) -> str:
    return "\n".join(text_table(headers, [[_cell(v) for v in row] for row in rows], empty="(none)"))


def _cell(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.2f}"
    if isinstance(v, (tuple, list)):
        return ", ".join(map(str, v)) or "-"
    return str(v)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(as_json: bool) -> None:
    """Show which store is configured, its revision and how many records of each kind it holds."""
    st = engine().status()
    if as_json:
        return echo_json(st)
    click.echo(f"store: {st['store']} {st['location']}\nrevision: {st['revision']}")
    click.echo(_table(["kind", "records"], [[k, n] for k, n in st["counts"].items()]))


@click.command()
@click.argument("person_id", metavar="PERSON")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="Load window start (default today).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]),
              help="Load window end (default start + 90 days).")
@as_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def person(person_id: str, start, end, as_role, as_person, as_json: bool) -> None:
    """Show a person's profile: skills, projects, cases they wrote, expert topics, peak load.

    PERSON is an id or a name ("Ana Lima", "Lima"); a name several people match, or one that
    matches nobody, is answered with the people it may mean."""
    start = start.date() if start else date.today()
    end = end.date() if end else start + timedelta(days=90)
    if end < start:
        raise click.BadParameter("must not be before --from", param_hint="--to")
    person_id = engine().person_named(person_id, field="PERSON").id
    prof = engine().person_profile(person_id, Window(start, end), viewer_of(as_role, as_person))
    if as_json:
        return echo_json(prof.to_dict())
    p = prof.person
    dept = prof.department.name if prof.department else p.department
    click.echo(f"{p.name} ({p.id}) - {p.title or 'no title'}, {dept}, {p.status}")
    click.echo(f"{p.email} | {p.location or '-'} ({p.timezone or '-'}) | capacity {p.capacity:.2f} FTE | "
               f"languages {', '.join(p.languages) or '-'}")
    click.echo(f"peak load {start}..{end}: {prof.load:.2f} of {p.capacity:.2f} FTE")
    for cp in prof.capacity_periods:  # time-phased capacity (graph/load.py)
        click.echo(f"capacity {cp['capacity']:.2f} FTE from {cp['start']}" + (f" to {cp['end']}" if cp["end"] else ""))
    if prof.away:
        from teamgraph.matching.problem import away_words
        click.echo(away_words((a["start"], a["end"]) for a in prof.away))
    click.echo("")
    skills = engine().names_of("skill", [s.skill for s in prof.skills] + [e.topic for e in prof.expert_in])
    click.echo(_table(["skill", "level", "evidence", "last used"],
                      [[skills[s.skill], s.level, s.evidence, s.last_used] for s in prof.skills]) + "\n")
    click.echo(_table(["project", "role", "allocation", "start", "end", "status"],
                      [[pr.name, m.role, m.allocation, m.start, m.end, pr.status]
                       for m, pr in prof.memberships]) + "\n")
    click.echo(_table(["case", "date", "visibility", "title"],
                      [[c.id, c.date, c.visibility, c.title] for c in prof.cases]))
    if prof.expert_in:
        click.echo("\nexpert in: " + ", ".join(f"{skills[e.topic]} ({e.source})" for e in prof.expert_in))
    if prof.ratings:
        mean = sum(r.mean for r in prof.ratings) / len(prof.ratings)
        click.echo(f"ratings received: {len(prof.ratings)}, mean {mean:.2f} of 5")


@click.command()
@click.argument("skill_name", metavar="SKILL")
@click.option("--department", help="Count holders, supply and demand in this department only.")
@click.option("--limit", default=25, show_default=True, help="Holders and co-occurring skills shown.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def skill(skill_name: str, department: str | None, limit: int, as_json: bool) -> None:
    """Show a skill's neighbourhood: broader/narrower, co-occurring skills, holders, supply vs demand.

    SKILL is an id, a name or an alias in any language ("Python", "python3", "容器编排"); an
    unknown one is answered with the skills it may mean."""
    tg = engine()
    department = tg.department_arg(department, field="--department")
    n = tg.skill_neighbourhood(tg.resolve_skill(skill_name, field="SKILL").id, department=department, limit=limit)
    if as_json:
        return echo_json(n.to_dict())
    s = n.skill
    click.echo(f"{s.name} ({s.id}) [{s.category or 'no category'}]  aliases: {', '.join(s.aliases) or '-'}")
    click.echo(f"broader: {n.broader.name if n.broader else '-'} | narrower: "
               f"{', '.join(x.name for x in n.narrower) or '-'}")
    departments = tg.names_of("department", [h.person.department for h in n.holders] + [department])
    scope = f" in {departments[department]}" if department else ""
    click.echo(f"supply{scope}: {n.supply} active at level >= 3 | demand from open projects: {n.demand}\n")
    click.echo(_table(["holder", "department", "level", "evidence", "last used"],
                      [[h.person.name, departments[h.person.department], h.level, h.evidence, h.last_used]
                       for h in n.holders]))
    if n.co_occurring:
        click.echo("\nco-occurring: " + ", ".join(f"{x.name} ({k})" for x, k in n.co_occurring))


@click.command("at-risk")
@click.option("--max-holders", default=2, show_default=True, help="At most this many holders at level >= 3.")
@click.option("--department", help="Count holders in this department only.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def at_risk(max_holders: int, department: str | None, as_json: bool) -> None:
    """List skills held at level >= 3 by only 1..N active people (bus factor)."""
    risks = engine().skills_at_risk(max_holders=max_holders, department=department)
    if as_json:
        return echo_json([r.to_dict() for r in risks])
    if not risks:
        return click.echo(f"no skill has 1 to {max_holders} holders at level >= 3")
    click.echo(_table(["skill", "holders", "who (level)"],
                      [[r.skill.name, len(r.holders), ", ".join(f"{h.person.name} ({h.level})" for h in r.holders)]
                       for r in risks]))


@click.command()
@click.option("--department")
@click.option("--project")
@click.option("--skill")
@click.option("--language", help="e.g. en, zh")
@click.option("--limit", default=100, show_default=True)
@as_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def cases(department, project, skill, language, limit, as_role, as_person, as_json: bool) -> None:
    """List retrospective cases, newest first, as the viewer may see them (default: everything)."""
    found = engine().list_cases(viewer_of(as_role, as_person), department=department, project=project,
                                skill=skill, language=language, limit=limit)
    if as_json:
        return echo_json([jsonable(c) for c in found])
    tg = engine()
    departments = tg.names_of("department", [c.department for c in found])
    projects = tg.names_of("project", [c.project for c in found])
    click.echo(_table(["case", "date", "visibility", "lang", "department", "project", "title"],
                      [[c.id, c.date, c.visibility, c.language, departments.get(c.department),
                        projects.get(c.project), c.title] for c in found]))


@click.command()
@click.argument("person_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="The report as JSON (what was removed, files rewritten).")
def forget(person_id: str, yes: bool, as_json: bool) -> None:
    """Delete a person everywhere (right to be forgotten); anonymised aggregates stay correct."""
    if not yes:
        click.confirm(f"Forget {person_id} everywhere? This cannot be undone", abort=True)
    out = engine().forget(person_id)
    if as_json:
        return echo_json(out.to_dict())
    kept = out.summary["kept"]
    click.echo(f"forgot {person_id}: profile, skills, expert designations, ratings about them and authorship "
               f"removed; {kept.get('membership', 0)} membership(s) and {kept.get('rating', 0)} rating(s) "
               f"they gave kept under an anonymous id (revision {out.summary['revision']})")
    _echo_forget_details(out.summary)
    echo_index(out.index)


def _echo_forget_details(summary: dict) -> None:
    """What a forget removed, per kind, from the store and the indexes, and the files rewritten."""
    def counts(d: dict) -> str:
        return ", ".join(f"{n} {k}" for k, n in d.items() if n) or "nothing"
    click.echo(f"removed from the store: {counts(summary.get('deleted', {}))}")
    click.echo(f"removed from the retrieval indexes: {counts(summary.get('index_removed', {}))}")
    files = summary.get("files_rewritten", [])
    click.echo(f"files rewritten so no copy stays: {', '.join(files) if files else 'none'}")
