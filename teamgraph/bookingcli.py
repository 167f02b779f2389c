"""`teamgraph book` and `teamgraph bookings …`: thin commands over the engine's bookings part.

The rules (who may book, confirm, cancel; the capacity check) are the engine's, the same as the
API's; `--as-role/--as-person` act as someone else (default: the operator, admin).
"""

from __future__ import annotations

import json

import click

from teamgraph.edge import as_options, echo_json, engine, seed_option, viewer_of, waiting


def booking_text(view: dict) -> str:
    """A booking view (Teamgraph.booking_view) in lines for people."""
    lines = [f"{view['id']}: {view['words']}",
             f"  booked by {(view['booked_by'] or {}).get('name', 'an account without a person')} "
             f"({view['booked_role']}) at {view['booked_at']}"]
    for m in view["members"]:
        lines.append(f"  - {m['name']} at {m['allocation']:.0%}" + (" (released)" if m["status"] == "released" else ""))
    for e in view.get("events", []):
        lines.append(f"  {e['at']}  {e['words']}")
    return "\n".join(lines)


def staffing_teams(path: str) -> list[list[dict]]:
    """The member lists of a `teamgraph staff --json` answer, in its request order."""
    from teamgraph.errors import FieldProblem, ValidationError
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise ValidationError(FieldProblem(f"not a JSON staffing: {e}", path)) from e
    teams = data.get("teams") if isinstance(data, dict) else None
    if not isinstance(teams, list) or not all(isinstance(t, dict) and isinstance(t.get("members"), list)
                                              for t in teams):
        raise ValidationError(FieldProblem("a staffing has teams: [{members: [{id, allocation}]}] "
                                           "(`teamgraph staff --json`)", path, field="teams"))
    return [[{k: m[k] for k in ("id", "allocation") if isinstance(m, dict) and k in m} for m in t["members"]]
            for t in teams]


def _member(text: str) -> dict:
    """`ID` or `ID=FTE` (--member)."""
    ident, _, fte = text.partition("=")
    if not fte:
        return {"id": ident}
    try:
        return {"id": ident, "allocation": float(fte)}
    except ValueError:
        raise click.BadParameter(f"{text!r}: FTE must be a number such as 0.5", param_hint="--member") from None


@click.command()
@click.argument("request_file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--portfolio", "portfolio_file", type=click.Path(exists=True, dir_okay=False),
              help="Staff this portfolio (as `teamgraph staff`) and book every request's team, all or nothing.")
@click.option("--staffing", "staffing_file", type=click.Path(exists=True, dir_okay=False),
              help="With --portfolio: book this staffing (`teamgraph staff --json` output) instead of staffing anew; "
                   "someone booked since is a conflict.")
@click.option("--member", "members", multiple=True, metavar="ID[=FTE]",
              help="Book this person (repeatable; FTE defaults to the request's allocation) instead of the "
                   "suggested team.")
@click.option("--confirmed", is_flag=True, help="Book as confirmed (HR and admins); default tentative.")
@click.option("--allow-overload", is_flag=True,
              help="Book even if someone goes over capacity (HR and admins; said in the audit trail).")
@click.option("--json", "as_json", is_flag=True, help="Print the booking(s) as JSON.")
@seed_option
@click.option("--time-limit", type=float, default=None, help="Seconds for the suggestion; default: to proof.")
@click.option("--relevance/--no-relevance", default=True, show_default=True,
              help="Score people's past cases against the brief when suggesting (needs an index).")
@as_options
def book(request_file, portfolio_file, staffing_file, members, confirmed, allow_overload, as_json, seed, time_limit,
         relevance, as_role, as_person):
    """Book the team suggested for REQUEST_FILE (or --member people), or a whole --portfolio:
    tentative unless --confirmed.

    Booked people count in later suggestions' load. Exits 2 naming the request, people and weeks
    when someone is already booked or staffed elsewhere so they would be over capacity; nothing is
    written then (for a portfolio: no request's team)."""
    if (request_file is None) == (portfolio_file is None):
        raise click.UsageError("give a REQUEST_FILE or --portfolio FILE (one of them)")
    if portfolio_file and members:
        raise click.UsageError("--member books one request's team; a portfolio books the staffing")
    if staffing_file and not portfolio_file:
        raise click.UsageError("--staffing goes with --portfolio (the portfolio it staffed)")
    tg, viewer = engine(), viewer_of(as_role, as_person)
    status = "confirmed" if confirmed else "tentative"
    if portfolio_file:
        portfolio = tg.load_portfolio(portfolio_file)
        if staffing_file:
            made = tg.book_portfolio(portfolio, viewer, teams=staffing_teams(staffing_file), status=status,
                                     allow_overload=allow_overload).bookings
        else:
            with waiting(f"Staffing {len(portfolio.requests)} requests to book"):
                made = tg.book_portfolio(portfolio, viewer, status=status, allow_overload=allow_overload, seed=seed,
                                         **({} if time_limit is None else {"time_limit": time_limit})).bookings
        views = [tg.booking_view(b, viewer, events=True) for b in made]
        if as_json:
            return echo_json({"bookings": views})
        return click.echo("\n".join(f"{v['name'] or 'request'}:\n{booking_text(v)}" for v in views))
    req = tg.load_request(request_file)
    if members:
        made = tg.book(req, [_member(m) for m in members], viewer, status=status, allow_overload=allow_overload)
    else:
        with waiting("Solving for the best team to book"):
            made = tg.suggest_and_book(req, viewer, status=status, allow_overload=allow_overload, alternatives=0,
                                       seed=seed, time_limit=time_limit, relevance=relevance).booking
    view = tg.booking_view(made, viewer, events=True)
    if as_json:
        return echo_json(view)
    click.echo(booking_text(view))


@click.group()
def bookings() -> None:
    """List, show, confirm, cancel bookings and release people from them."""


@bookings.command("list")
@click.option("--project", metavar="ID", help="Bookings for this project.")
@click.option("--person", metavar="ID", help="Bookings this person is in.")
@click.option("--status", type=click.Choice(["tentative", "confirmed", "cancelled"]))
@click.option("--json", "as_json", is_flag=True)
@as_options
def list_(project, person, status, as_json, as_role, as_person):
    """Bookings you may see, newest first."""
    tg, viewer = engine(), viewer_of(as_role, as_person)
    views = [tg.booking_view(b, viewer) for b in tg.bookings(viewer, project=project, person=person, status=status)]
    if as_json:
        return echo_json({"bookings": views})
    click.echo("\n".join(f"{v['id']}: {v['words']}" for v in views) or "no bookings")


def _show(tg, viewer, b, as_json) -> None:
    view = tg.booking_view(b, viewer, events=True)
    if as_json:
        return echo_json(view)
    click.echo(booking_text(view))


@bookings.command()
@click.argument("booking_id")
@click.option("--json", "as_json", is_flag=True)
@as_options
def show(booking_id, as_json, as_role, as_person):
    """One booking and its audit trail."""
    tg, viewer = engine(), viewer_of(as_role, as_person)
    _show(tg, viewer, tg.booking(booking_id, viewer), as_json)


def _change(action: str, help_: str):
    @click.argument("booking_id")
    @click.option("--note", default="", help="Why (kept in the audit trail).")
    @click.option("--json", "as_json", is_flag=True)
    @as_options
    def command(booking_id, note, as_json, as_role, as_person):
        tg, viewer = engine(), viewer_of(as_role, as_person)
        _show(tg, viewer, tg.change_booking(booking_id, action, viewer, note=note), as_json)
    command.__doc__ = help_
    return bookings.command(action)(command)


_change("confirm", "Confirm a tentative booking (HR and admins).")
_change("cancel", "Cancel a booking: its people stop counting in load.")


@bookings.command()
@click.argument("booking_id")
@click.argument("person")
@click.option("--note", default="", help="Why (kept in the audit trail).")
@click.option("--json", "as_json", is_flag=True)
@as_options
def release(booking_id, person, note, as_json, as_role, as_person):
    """Release PERSON (id or name) from a booking; the others stay booked."""
    tg, viewer = engine(), viewer_of(as_role, as_person)
    _show(tg, viewer, tg.change_booking(booking_id, "release", viewer, person=person, note=note), as_json)
