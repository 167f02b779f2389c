"""`teamgraph eval …`: evaluation harnesses on real data folders, printing JSON metrics."""

from __future__ import annotations

import importlib

import click

EVALS: dict[str, tuple[str, str]] = {
    "cases": ("teamgraph.embeddings.evaluate:eval_cases_cmd", "Case retrieval on an LLIS-format folder."),
    "experts": ("teamgraph.embeddings.evaluate:eval_experts_cmd", "Expert finding on a team2box-format folder."),
    "portfolio": ("teamgraph.matching.evaluate:eval_portfolio_cmd",
                  "Coverage vs. load cap (SDM'23 files, generated, or a team2box folder)."),
}


class _LazyEval(click.Group):
    def list_commands(self, ctx):
        return sorted(EVALS)

    def get_command(self, ctx, name):
        if name not in EVALS:
            return None
        module, attr = EVALS[name][0].split(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx, formatter):
        with formatter.section("Commands"):
            formatter.write_dl([(n, EVALS[n][1]) for n in sorted(EVALS)])


@click.group(cls=_LazyEval)
def eval_group() -> None:
    """Evaluate teamgraph on real data folders; each prints one JSON object."""
