"""`teamgraph ingest DIR` and `teamgraph generate`: thin commands over the engine's ingest (which
also updates the retrieval indexes) and ingest.generator. Validation problems surface as
ValidationError, which teamgraph.cli.main prints (one `file:line: field: message` per problem)
with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and count what would change; write nothing.")
@click.option("--replace", is_flag=True,
              help="Also delete records of the folder's kinds that the folder no longer contains.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def ingest(folder: Path, dry_run: bool, replace: bool, as_json: bool, quiet: bool) -> None:
    """Validate FOLDER completely, then write it in one transaction (all or nothing).

    Re-ingesting an unchanged folder writes nothing; changed rows are updated.
    """
    from teamgraph.edge import echo_index, engine
    from teamgraph.errors import ValidationError

    try:
        outcome = engine(progress=not quiet).ingest(folder, dry_run=dry_run, replace_missing=replace)
    except ValidationError as e:  # every problem, not the first 200 the message holds
        if as_json:
            click.echo(json.dumps(e.to_dict(), indent=2, ensure_ascii=False))
        else:
            click.secho(f"error: {str(e).splitlines()[0]}", fg="red", err=True)
            for p in e.problems:
                click.echo(str(p), err=True)
        raise SystemExit(2) from e
    if as_json:
        click.echo(json.dumps(outcome.to_dict(), indent=2, ensure_ascii=False))
        return
    report = outcome.report
    click.echo(f"{'kind':<14}{'read':>9}{'written':>9}{'unchanged':>11}{'deleted':>9}")
    for kind, c in report.kinds.items():
        click.echo(f"{kind:<14}{c.read:>9}{c.written:>9}{c.unchanged:>11}{c.deleted:>9}")
    click.echo(report.describe() + (" (dry run: nothing written)" if dry_run else ""))
    echo_index(outcome.index)


@click.command()
@click.option("--people", "-n", type=click.IntRange(10, 2_000_000), required=True, help="Number of people.")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write (created; existing data files are overwritten).")
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed (same seed, same output).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def generate(people: int, out: Path, seed: int, quiet: bool) -> None:
    """Write a generated organisation of N people in the ingest format (for benchmarks)."""
    from teamgraph.ingest.generator import generate as run

    counts = run(out, people=people, seed=seed, progress=not quiet)
    click.echo(f"wrote {sum(counts.values())} records to {out}: "
               + ", ".join(f"{n} {k}" for k, n in counts.items()))
