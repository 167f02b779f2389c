"""`teamgraph suggest` and `teamgraph staff`: thin commands over matching.engine / matching.portfolio."""

from __future__ import annotations

import json

import click


def _store(settings=None):
    from teamgraph.graph.store import open_store
    from teamgraph.settings import Settings
    return open_store(settings or Settings.from_env())


def _relevance(store, settings):
    """The relevance term from the retrieval index when one has been built for this store
    (public evidence only, as for any viewer); None otherwise, and the suggestion says so."""
    from teamgraph.embeddings.encoder import load_encoder
    from teamgraph.embeddings.retriever import Retriever
    retriever = Retriever(store, settings.index_dir, load_encoder(settings.model), on_stale="sync")
    if not retriever.status().get("built"):
        return None
    return lambda brief, person_ids: retriever.person_relevance(brief, person_ids)


@click.command()
@click.argument("request_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the suggestion as JSON.")
@click.option("--alternatives", "-k", default=0, show_default=True, help="How many alternative teams.")
@click.option("--min-diff", default=1, show_default=True, help="Members each alternative must change.")
@click.option("--why-not", "why", multiple=True, metavar="PERSON", help="Explain why PERSON is not in the team.")
@click.option("--pin", multiple=True, metavar="PERSON", help="Lock PERSON into the team (repeatable).")
@click.option("--seed", default=0, show_default=True)
@click.option("--time-limit", type=float, default=None, help="Seconds; without it the search runs to proof.")
@click.option("--relevance/--no-relevance", default=True, show_default=True,
              help="Score people's past cases and projects against the brief (needs `teamgraph index build`).")
def suggest(request_file, as_json, alternatives, min_diff, why, pin, seed, time_limit, relevance):
    """Suggest a load-balanced team for REQUEST_FILE (YAML or JSON; see README for the format)."""
    from teamgraph.matching import engine
    from teamgraph.matching.render import suggestion_text
    from teamgraph.matching.request import load_request
    from teamgraph.settings import Settings
    settings = Settings.from_env()
    store = _store(settings)
    try:
        req = load_request(request_file, store.all("skill"))
        scorer = _relevance(store, settings) if relevance and req.brief else None
        sug = engine.suggest(store, req, alternatives=alternatives, min_diff=min_diff, pins=pin, seed=seed,
                             time_limit=time_limit, relevance=scorer)
        whys = [engine.why_not(store, req, p, suggestion=sug, seed=seed, time_limit=time_limit) for p in why]
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps({**sug.to_dict(), "why_not": [w.to_dict() for w in whys]}, ensure_ascii=False,
                              indent=2))
        return
    click.echo(suggestion_text(sug))
    for w in whys:
        click.echo(f"why not {w.person}? {w.reason}")


@click.command()
@click.argument("portfolio_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--max-load", type=float, default=None,
              help="Per-person utilisation cap: soft mode, maximise covered requirements under it.")
@click.option("--time-limit", type=float, default=30, show_default=True)
@click.option("--seed", default=0, show_default=True)
def staff(portfolio_file, as_json, max_load, time_limit, seed):
    """Staff every request of PORTFOLIO_FILE at once from one pool, overloading nobody."""
    from teamgraph.matching.portfolio import staff as staff_portfolio
    from teamgraph.matching.render import portfolio_text
    from teamgraph.matching.request import load_portfolio
    store = _store()
    try:
        pf = load_portfolio(portfolio_file, store.all("skill"))
        res = staff_portfolio(store, pf, max_load=max_load, time_limit=time_limit, seed=seed)
    finally:
        store.close()
    click.echo(json.dumps(res.to_dict(), ensure_ascii=False, indent=2) if as_json else portfolio_text(res))
