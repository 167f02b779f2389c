"""The engine's writes: ingest a folder (CLI or upload) and forget a person — each followed by the
retrieval indexes.

Index follows data: after every write the indexes are updated from the write's touched keys
(re-encoding only texts that changed; a forget encodes nothing), in the same call. When they
cannot be (no index yet, another model, the model will not load) the write still stands and the
answer says so; the next search then catches up (`on_stale="sync"`) instead of failing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from teamgraph.errors import TeamgraphError
from teamgraph.teams import Teams

log = logging.getLogger("teamgraph.service")
UPDATE_HINT = "the next search catches up, or run `teamgraph index update`"


@dataclass
class WriteOutcome:
    """A write's store report and what happened to the retrieval indexes."""

    report: object  # IngestReport (ingest) | ApplyReport (forget)
    summary: dict  # the report as JSON
    index: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {**self.summary, "index": self.index}


class Writes(Teams):

    def _follow(self, applied) -> dict:
        """Bring the indexes up to the write `applied` (an ApplyReport), incrementally."""
        self._changed()
        if applied is None:
            return {"mode": "noop"}
        if self._retriever is None and not self._index_exists():
            return {"built": False, "message": "no retrieval index yet: run `teamgraph index build`"}
        try:
            return self._own_retriever().update(applied)
        except (TeamgraphError, ImportError, OSError) as e:
            log.warning("retrieval index not updated after revision %s: %s", applied.revision, e)
            return {"stale": True, "revision": applied.revision,
                    "message": f"retrieval index not updated ({str(e).splitlines()[0]}); {UPDATE_HINT}"}

    def ingest(self, folder: str | Path, *, dry_run: bool = False, replace_missing: bool = False) -> WriteOutcome:
        """Validate a data folder completely, write it in one transaction (unless `dry_run`),
        then update the retrieval indexes from what the write touched."""
        from teamgraph.ingest.loader import ingest_folder
        with self._lock:
            report = ingest_folder(self.store, folder, dry_run=dry_run, replace=replace_missing,
                                   progress=self._progress)
            index = {"mode": "noop"} if dry_run or not report.changed else self._follow(report.apply_report)
            return WriteOutcome(report, report.to_dict(), index)

    def forget(self, person_id: str) -> WriteOutcome:
        """Delete a person everywhere (right to be forgotten), revoke and delete their API tokens,
        then drop them from the indexes."""
        from teamgraph.api.tokens import token_store_for
        from teamgraph.scenario_shelf import Shelf
        person = self.require("person", person_id)
        with self._lock:
            report = self.store.forget_person(person_id)
            index_forget = self._forget_in_index(person_id)  # at once, whatever the update below does
            token_store = token_store_for(self.settings.data_dir)
            labels = token_store.scrub_mentions((person_id, person.name, person.email))  # others' tokens
            tokens = token_store.forget_person(person_id)  # theirs, then VACUUM
            scenarios = Shelf(self.settings.data_dir).forget_person(person_id, (person.name, person.email))
            summary = {"person": person_id, "kept": dict(report.written), "deleted": dict(report.deleted),
                       "tokens_revoked": tokens, "token_labels_scrubbed": labels,
                       "scenarios_rewritten": scenarios, "revision": report.revision}
            summary["index_removed"] = index_forget["removed"]
            summary["files_rewritten"] = index_forget["files_rewritten"]
            return WriteOutcome(report, summary, self._follow(report))
