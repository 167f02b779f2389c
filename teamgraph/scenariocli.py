"""`teamgraph whatif SCENARIO`: a thin command over teamgraph.scenario_run (the rules are there, the
same as the API's)."""

from __future__ import annotations

from pathlib import Path

import click

from teamgraph.edge import as_options, echo_index, echo_json, engine, seed_option, text_table, viewer_of, waiting


def _pct(v) -> str:
    return "-" if v is None else f"{v:.0%}"


def _money(side: dict) -> str:
    if side.get("cost") is None:
        return "-"
    budget = side.get("budget")
    return f"{side['cost']:,.0f}" + (f" of {budget:,.0f}" if budget is not None else "")


def _names(side: dict) -> str:
    return ", ".join(m["name"] for m in side["members"]) or "nobody"


def whatif_text(out: dict) -> str:
    """A run's answer (scenario_run.run) as lines for people: the changes, then the two plans side by side."""
    lines = [f"What-if: {out['scenario']['name']}"]
    lines += [f"  {k}. {c['words']}" for k, c in enumerate(out["scenario"]["changes"], 1)]
    added, removed = out["org_changes"]["added"], out["org_changes"]["removed"]
    if added or removed:
        lines.append("people: " + "; ".join(
            [f"added {p['name']}" for p in added] + [f"removed {p['name']} from {p['from']}" for p in removed]))
    if "relevance" in out:
        lines.append(f"relevance: {out['relevance']}")
    lines += [f"note: {n}" for n in out["notes"]]
    cur, new = out["current"], out["with_scenario"]
    cov = [(f"{s['coverage']['met']} of {s['coverage']['total']}" if s["coverage"] else "-") for s in (cur, new)]
    rows = [["status", cur["status"], new["status"]], ["coverage", *cov],
            ["busiest", _pct(cur["max_util"]), _pct(new["max_util"])],
            ["cost", _money(cur), _money(new)]]
    if out["kind"] == "portfolio":
        rows += [[f"team {t['request']}", _names(t), _names(u)] for t, u in zip(cur["teams"], new["teams"])]
    else:
        rows.append(["team", _names(cur), _names(new)])
    lines += [""] + text_table(["", "current plan", "with the scenario"], rows)
    changed = out["team_changes"]
    lines.append("")
    lines.append("team changes: " + ("; ".join(
        [f"{m['name']} joins" for m in changed["joined"]] + [f"{m['name']} leaves" for m in changed["left"]])
        or "none"))
    if out["kind"] == "request":
        lines.append(f"current plan: {cur['words']}")
        lines.append(f"with the scenario: {new['words']}")
    return "\n".join(lines)


def _scenario(tg, viewer, source: str):
    """A scenario file, else a saved scenario's id (teamgraph scenarios list)."""
    from teamgraph.scenario_shelf import Shelf
    from teamgraph.scenarios import load_scenario
    if Path(source).is_file() or not source.startswith("sc-"):
        return load_scenario(source)
    return Shelf(tg.settings.data_dir).scenario(source, viewer)


@click.command()
@click.argument("scenario_file", metavar="SCENARIO")
@click.option("--request", "request_file", type=click.Path(exists=True, dir_okay=False),
              help="Run this team request (YAML/JSON) now and under the scenario.")
@click.option("--portfolio", "portfolio_file", type=click.Path(exists=True, dir_okay=False),
              help="Staff this portfolio now and under the scenario (HR and admins).")
@click.option("--apply", "do_apply", is_flag=True,
              help="Make the scenario real: one transaction, all or nothing (HR and admins).")
@click.option("--book", type=click.Choice(["tentative", "confirmed"]), default=None,
              help="With --apply and --request/--portfolio: book the team(s) the what-if suggests in the same "
                   "transaction (HR and admins).")
@click.option("--shown", "shown_file", type=click.Path(exists=True, dir_okay=False),
              help="With --book: book the team(s) of this what-if answer (the output of whatif --json) "
                   "instead of solving again.")
@click.option("--allow-overload", is_flag=True, help="With --book: book over capacity anyway (audited).")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@seed_option
@click.option("--time-limit", type=float, default=None, help="Seconds per solve; default: to proof.")
@click.option("--relevance/--no-relevance", default=True, show_default=True,
              help="Score people's past cases against the brief (needs an index).")
@as_options
def whatif(scenario_file, request_file, portfolio_file, do_apply, book, shown_file, allow_overload, as_json, seed,
           time_limit, relevance, as_role, as_person):
    """What-if SCENARIO (a scenario file, or a saved scenario's id): run a request or a portfolio on the
    current organisation and with the scenario's changes, side by side; nothing is written. --apply
    writes the changes instead (a saved scenario is marked applied); --apply --request FILE --book
    STATUS also books the team the what-if suggests, in the same transaction (all or nothing).

    Without --request, --portfolio or --apply: check the scenario and list its changes."""
    from teamgraph import scenario_run
    from teamgraph.scenario_plan import plan
    from teamgraph.scenarios import resolve
    if request_file and portfolio_file:
        raise click.UsageError("give one of --request and --portfolio")
    if (book or shown_file or allow_overload) and not (do_apply and book and (request_file or portfolio_file)):
        raise click.UsageError("--book (and --shown, --allow-overload) go with --apply and --request or --portfolio")
    if do_apply and (request_file or portfolio_file) and not book:
        raise click.UsageError("--apply with --request/--portfolio books the what-if's team: say --book "
                               "tentative or --book confirmed")
    tg, viewer = engine(), viewer_of(as_role, as_person)
    if do_apply:
        booking = {}
        if book:
            booking = {"book": book, "allow_overload": allow_overload, "seed": seed, "time_limit": time_limit,
                       "relevance": relevance,
                       **({"request": tg.load_request(request_file)} if request_file else
                          {"portfolio": tg.load_portfolio(portfolio_file)})}
            if shown_file:
                from teamgraph.matching.request_fields import read_file
                booking["teams"] = scenario_run.teams_shown(read_file(shown_file)[0], shown_file)
        saved = scenario_file.startswith("sc-") and not Path(scenario_file).is_file()
        with waiting("Applying the scenario" + (" and booking its team" if book else "")):
            out = (scenario_run.apply_saved(tg, scenario_file, viewer, **booking) if saved else
                   scenario_run.apply(tg, _scenario(tg, viewer, scenario_file), viewer, **booking))
        if as_json:
            return echo_json(out)
        click.echo(f"applied {out['scenario']['name']}: wrote {sum(out['written'].values())}, deleted "
                   f"{sum(out['deleted'].values())} record(s); revision {out['revision']}")
        for b in out.get("bookings", ()):
            click.echo(f"booked {b['id']}: {b['words']}")
        return echo_index(out["index"])
    scenario = _scenario(tg, viewer, scenario_file)
    if not (request_file or portfolio_file):
        scenario = resolve(scenario, tg)
        the_plan = plan(scenario, tg.store)
        out = {**scenario.to_dict(), "org_changes": scenario_run.org_changes(the_plan),
               "writes": {k: len(v) for k, v in the_plan.changes.upserts.items()},
               "deletes": {k: len(v) for k, v in the_plan.changes.deletes.items()}}
        if as_json:
            return echo_json(out)
        lines = [f"{out['name']}: valid, {len(out['changes'])} change(s)"]
        lines += [f"  {k}. {c['words']}" for k, c in enumerate(out["changes"], 1)]
        lines.append("would write " + (", ".join(f"{n} {k}" for k, n in out["writes"].items()) or "nothing")
                     + ("; delete " + ", ".join(f"{n} {k}" for k, n in out["deletes"].items()) if out["deletes"] else ""))
        return click.echo("\n".join(lines))
    if request_file:
        work = {"request": tg.load_request(request_file)}
    else:
        work = {"portfolio": tg.load_portfolio(portfolio_file)}
    with waiting("Solving now and under the scenario"):
        out = scenario_run.run(tg, scenario, viewer, seed=seed, time_limit=time_limit, relevance=relevance, **work)
    if as_json:
        return echo_json(out)
    click.echo(whatif_text(out))


@click.group()
def scenarios() -> None:
    """Keep named what-if scenarios (HR and admins): save, list, show, edit, discard. Run or apply one with
    `teamgraph whatif ID`."""


def _shelf():
    from teamgraph.scenario_shelf import Shelf
    return Shelf(engine().settings.data_dir)


def _line(r: dict) -> str:
    done = next((f", {k.split('_')[0]} {r[k]}" for k in ("applied_at", "discarded_at") if r.get(k)), "")
    changed = f", version {r['version']} of {r['updated_at']}" if r.get("updated_at") else ""
    return f"{r['id']}: {r['name']} ({r['status']}, saved {r['saved_at']}{changed}{done})"


@scenarios.command()
@click.argument("scenario_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
@as_options
def save(scenario_file, as_json, as_role, as_person):
    """Check SCENARIO_FILE and keep it under a new id in the data folder."""
    from teamgraph.matching.request_fields import read_file
    from teamgraph.scenarios import load_scenario, resolve
    viewer = viewer_of(as_role, as_person)
    resolve(load_scenario(scenario_file), engine())  # names too: a saved scenario can run
    record = _shelf().save(read_file(scenario_file)[0], viewer, scenario_file)
    if as_json:
        return echo_json(record)
    click.echo(f"saved {_line(record)}")


@scenarios.command()
@click.argument("scenario_id")
@click.argument("scenario_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--version", "version", type=int, required=True,
              help="the version you edited (scenarios show); a newer one saved since is refused")
@click.option("--json", "as_json", is_flag=True)
@as_options
def edit(scenario_id, scenario_file, version, as_json, as_role, as_person):
    """Replace saved SCENARIO_ID's name and changes with SCENARIO_FILE's (same id, next version)."""
    from teamgraph.matching.request_fields import read_file
    from teamgraph.scenarios import load_scenario, resolve
    tg, viewer = engine(), viewer_of(as_role, as_person)
    resolve(load_scenario(scenario_file), tg)  # names too: the edited scenario can run
    record = _shelf().update(scenario_id, read_file(scenario_file)[0], version, viewer, scenario_file,
                             name_of=tg.person_name)
    if as_json:
        return echo_json(record)
    click.echo(f"saved {_line(record)}")


@scenarios.command("list")
@click.option("--status", type=click.Choice(["saved", "applied", "discarded"]))
@click.option("--json", "as_json", is_flag=True)
@as_options
def list_(status, as_json, as_role, as_person):
    """Saved scenarios, newest first."""
    found = _shelf().list(viewer_of(as_role, as_person), status)
    if as_json:
        return echo_json({"scenarios": found})
    click.echo("\n".join(map(_line, found)) or "no saved scenarios")


@scenarios.command()
@click.argument("scenario_id")
@click.option("--json", "as_json", is_flag=True)
@as_options
def show(scenario_id, as_json, as_role, as_person):
    """One saved scenario and its changes in words."""
    from teamgraph.scenarios import resolve
    tg, viewer = engine(), viewer_of(as_role, as_person)
    shelf = _shelf()
    record = {**shelf.get(scenario_id, viewer), **resolve(shelf.scenario(scenario_id, viewer), tg).to_dict()}
    if as_json:
        return echo_json(record)
    click.echo("\n".join([_line(record)] + [f"  {k}. {c['words']}" for k, c in enumerate(record["changes"], 1)]))


@scenarios.command()
@click.argument("scenario_id")
@click.option("--json", "as_json", is_flag=True)
@as_options
def discard(scenario_id, as_json, as_role, as_person):
    """Discard a saved scenario: kept as a record, never applied."""
    record = _shelf().discard(scenario_id, viewer_of(as_role, as_person))
    if as_json:
        return echo_json(record)
    click.echo(f"discarded {_line(record)}")
