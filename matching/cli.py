"""`teamgraph suggest` and `teamgraph staff`: thin commands over the engine's matching part.

The request file is read by the engine (errors name file, line and field); the answer is the
one the API gives for the same request and viewer: JSON and text both print what
`Teamgraph.view` leaves for `--as-role` (teamgraph/present.py, the API's redactions).
"""

from __future__ import annotations

import click

from teamgraph.edge import as_options, echo_json, engine, seed_option, viewer_of, waiting
from teamgraph.matching.request_fields import OBJECTIVES, STAFF_OBJECTIVE


@click.command()
@click.argument("request_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the suggestion as JSON.")
@click.option("--alternatives", "-k", default=0, show_default=True, help="How many alternative teams.")
@click.option("--min-diff", default=1, show_default=True, help="Members each alternative must change.")
@click.option("--why-not", "why", multiple=True, metavar="PERSON", help="Explain why PERSON is not in the team.")
@click.option("--pin", multiple=True, metavar="PERSON", help="Lock PERSON into the team (repeatable).")
@seed_option
@click.option("--time-limit", type=float, default=None, help="Seconds; without it the search runs to proof.")
@click.option("--relevance/--no-relevance", default=True, show_default=True,
              help="Score people's past cases and projects against the brief (needs `teamgraph index build`).")
@as_options
def suggest(request_file, as_json, alternatives, min_diff, why, pin, seed, time_limit, relevance, as_role,
            as_person):
    """Suggest a load-balanced team for REQUEST_FILE (YAML or JSON; see README for the format)."""
    from teamgraph.matching.render import suggestion_text
    tg, viewer = engine(), viewer_of(as_role, as_person)
    req = tg.load_request(request_file)
    with waiting("Solving for the best team" + (" (and scoring relevance to the brief)" if relevance else "")):
        sug = tg.suggest(req, viewer, alternatives=alternatives, min_diff=min_diff, pins=pin, seed=seed,
                         time_limit=time_limit, relevance=relevance)
    with waiting(f"Explaining why not the {len(why)} {'person' if len(why) == 1 else 'people'} asked about"):
        whys = [tg.why_not(req, p, viewer, suggestion=sug, seed=seed, time_limit=time_limit, relevance=relevance)
                for p in why]
    seen = tg.view(sug.to_dict(), viewer)  # the role redactions (present.py), for JSON and text alike
    seen_whys = [tg.view_why_not(w, viewer) for w in whys]
    if as_json:
        return echo_json({**seen, "why_not": seen_whys})
    click.echo(suggestion_text(seen))
    for w, seen_w in zip(whys, seen_whys):
        click.echo(f"why not {tg.person_name(w.person)}? {seen_w['reason']}")


@click.command()
@click.argument("portfolio_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--max-load", type=float, default=None,
              help="Per-person utilisation cap: soft mode, maximise covered requirements under it.")
@click.option("--objective", type=click.Choice(OBJECTIVES), default=STAFF_OBJECTIVE, show_default=True,
              help="Soft mode's objective: the requirement slots, required departments and size minimums met, "
                   "or the sum over requests of the fraction met (the SDM'23 coverage).")
@click.option("--time-limit", type=float, default=30, show_default=True, help="CPU seconds for the whole call.")
@seed_option
@as_options
def staff(portfolio_file, as_json, max_load, objective, time_limit, seed, as_role, as_person):
    """Staff every request of PORTFOLIO_FILE at once from one pool, overloading nobody."""
    from teamgraph.matching.render import portfolio_text
    tg, viewer = engine(), viewer_of(as_role, as_person)
    portfolio = tg.load_portfolio(portfolio_file)
    with waiting(f"Staffing {len(portfolio.requests)} requests (at most {time_limit:g} CPU s)"):
        res = tg.staff(portfolio, viewer, max_load=max_load, time_limit=time_limit, seed=seed, objective=objective)
    seen = tg.view(res.to_dict(), viewer)  # the role redactions, for JSON and text alike
    if as_json:
        return echo_json(seen)
    click.echo(portfolio_text(seen))
