"""The engine: one object per process composing the store, matching and retrieval.

Every CLI command, every API route, `teamgraph demo` and `teamgraph serve` go through
`Teamgraph` and nothing else, so the CLI and the API give the same answer to the same request.
Its parts, bottom up (each a module; no part imports a part above it):

    core.EngineCore    settings, the store, the revision clock, viewers
    reads.GraphReads   lookups, searches, profiles, neighbourhoods, cases, status
    retrieval.Retrieval the indexes' lifecycle, similar cases, experts
    teams.Teams        team requests, suggest, why-not, resolve, portfolios, the kickoff package
    writes.Writes      ingest and forget, each followed by the retrieval indexes
    bookings.Bookings  keep a suggested team as a tentative or confirmed booking (who may, audit)
    heatmap.Heatmaps   people × weeks today vs with a plan; HR's capacity by department

Collaborators are built once, lazily (the store on first use, the embedding model on the first
text to encode), and shared by every request thread.
"""

from __future__ import annotations

from teamgraph.heatmap import Heatmaps
from teamgraph.graph.model import Viewer
from teamgraph.present import redact, why_not
from teamgraph.writes import WriteOutcome

__all__ = ["Teamgraph", "WriteOutcome"]


class Teamgraph(Heatmaps):
    """Store + matching + retrieval behind one facade; thread-safe, built once per process."""

    def view(self, data, viewer: Viewer):
        """A JSON-ready result (a `to_dict()`) as `viewer` may see it: the role redactions, then a
        suggestion's explanations in words (matching.explain.describe; a kickoff's team too), so
        the words use only figures the viewer may see."""
        from teamgraph.matching.explain import describe
        out = redact(data, viewer.role)
        if isinstance(out, dict) and isinstance(out.get("team"), dict) and "request" not in out:
            return {**out, "team": describe(out["team"])}  # a kickoff package
        return describe(out)

    def view_why_not(self, result, viewer: Viewer) -> dict:
        """A WhyNot as `viewer` may see it: over-capacity reasons name the weeks, not the loads."""
        return why_not(result.to_dict(), viewer.role, self.require("person", result.person).name)
