"""GraphStore on a Neo4j 5 server through the official `neo4j` driver.

Same semantics as the embedded store, pinned by tests/contract (see graph/sqlite_store.py):
deletes run first (detaching what pointed at the deleted nodes), then upserts; every reference of
an upserted record must resolve afterwards, else ValidationError naming each bad record and
field; `written` counts records that actually changed; the revision moves only when something
changed. One `apply` is ONE managed write transaction (all or nothing; transient errors such as
deadlocks are retried by the driver), written in `UNWIND $rows` batches of `batch_size` rows.
Cypher lives in graph/cypher_writes.py and graph/cypher_reads.py; inputs are always parameters.
The `neo4j` package is imported only here, and only when a store is opened.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from teamgraph.graph import cypher_bookings as qb
from teamgraph.graph import cypher_writes as q
from teamgraph.graph.cypher_graph import CALENDAR, NODES, RELS, all_page_query, by_keys_query
from teamgraph.graph.model import ENTITY_TYPES, WRITE_ORDER, ChangeSet
from teamgraph.graph.neo4j_codec import decode, encode, key_map, key_of
from teamgraph.graph.neo4j_bookings import Neo4jBookings
from teamgraph.graph.neo4j_lookups import Neo4jLookups
from teamgraph.graph.neo4j_reads import Neo4jReads
from teamgraph.graph.integrity import check_kinds, raise_unresolved, wanted_references
from teamgraph.graph.reads import ApplyReport
from teamgraph.graph.reads import Snapshot
from teamgraph.errors import (
    FieldProblem, NotFoundError, StoreUnavailable, TeamgraphError, ValidationError,
)

_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_SCHEMA_READY: set[tuple[str, str]] = set()  # (uri, database) whose schema this process checked
DEFAULT_BATCH = 20_000  # rows per UNWIND statement: Neo4j's guidance is 10k-50k


class Neo4jStore(Neo4jReads, Neo4jLookups, Neo4jBookings):
    """GraphStore on Neo4j. Open with `from_settings`; one pooled driver per store."""

    def __init__(self, uri: str, username: str, password: str, database: str = "neo4j", *,
                 batch_size: int = DEFAULT_BATCH, max_pool_size: int = 50, count_tentative: bool = True):
        try:
            import neo4j
        except ImportError as e:  # pragma: no cover - neo4j is a hard dependency
            raise StoreUnavailable("the `neo4j` driver is not installed: pip install neo4j") from e
        self.uri, self.database, self.batch_size = uri, database, batch_size
        self.count_tentative = count_tentative  # tentative bookings count in load reads
        if uri.split("://", 1)[0] not in _SCHEMES:
            raise StoreUnavailable(f"invalid NEO4J_URI {uri!r}: use one of "
                                   f"{', '.join(s + '://' for s in _SCHEMES)} (e.g. bolt://localhost:7687)")
        self._neo4j = neo4j
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri, auth=(username, password), max_connection_pool_size=max_pool_size,
                connection_acquisition_timeout=30, connection_timeout=10,
                notifications_min_severity="OFF")  # e.g. "type does not exist yet" on a new graph
        except (ValueError, neo4j.exceptions.ConfigurationError) as e:
            raise StoreUnavailable(f"invalid NEO4J_URI {uri!r}: {e}") from e
        with self._guard():
            self._driver.verify_connectivity()
            self._ensure_schema()

    @classmethod
    def from_settings(cls, settings, **kwargs) -> Neo4jStore:
        """From NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD / NEO4J_DATABASE (teamgraph Settings)."""
        kwargs.setdefault("count_tentative", getattr(settings, "count_tentative", True))
        return cls(settings.neo4j_uri, settings.neo4j_username, settings.neo4j_password,
                   settings.neo4j_database, **kwargs)

    def close(self) -> None:
        self._driver.close()

    # --- plumbing -------------------------------------------------------------------------------
    @contextmanager
    def _guard(self):
        """Driver failures become TeamgraphErrors a user can act on."""
        ex = self._neo4j.exceptions
        try:
            yield
        except TeamgraphError:
            raise
        except ex.AuthError as e:
            raise StoreUnavailable(f"Neo4j at {self.uri} rejected the credentials "
                                   f"(check NEO4J_USERNAME/NEO4J_PASSWORD): {e.message}") from e
        except (ex.ServiceUnavailable, ex.SessionExpired, OSError) as e:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unavailable (is the server running? "
                                   f"`.ci/neo4j/start` starts one locally): {e}") from e
        except ex.TransientError as e:
            if e.code and "MemoryPoolOutOfMemoryError" in e.code:
                raise StoreUnavailable(
                    f"Neo4j at {self.uri} ran out of transaction memory for this change set (one "
                    f"apply is one transaction): give the server more heap (NEO4J_HEAP with "
                    f".ci/neo4j/start, server.memory.heap.max_size otherwise) or "
                    f"dbms.memory.transaction.total.max; nothing was written. {e.message}") from e
            raise
        except ex.ConstraintError as e:
            raise ValidationError(FieldProblem(f"rejected by the store: {e.message}"),
                                  "the change set breaks a store constraint; nothing was written") from e
        except ex.ClientError as e:
            if e.code and "DatabaseNotFound" in e.code:
                raise StoreUnavailable(f"Neo4j at {self.uri} has no database {self.database!r} "
                                       "(check NEO4J_DATABASE)") from e
            raise

    def _session(self, **kw):
        return self._driver.session(database=self.database, **kw)

    def _read(self, query: str, **params) -> list:
        """All records of one read query (a managed transaction, retried on transient errors)."""
        def work(tx):
            return list(tx.run(query, params))
        with self._guard(), self._session() as s:
            return s.execute_read(work)

    def _ensure_schema(self) -> None:
        """Uniqueness constraints and indexes, idempotently (IF NOT EXISTS): one look at what
        exists per process and database, and schema statements only for what is missing."""
        if (self.uri, self.database) in _SCHEMA_READY:
            return
        with self._session() as s:
            have = set(s.run(q.SCHEMA_NAMES).single()["names"])
            missing = [stmt for name, stmt in (q.SCHEMA_BY_NAME | qb.SCHEMA_BY_NAME).items() if name not in have]
            for stmt in missing:
                s.run(stmt).consume()
            if missing:
                s.run(q.AWAIT_INDEXES, seconds=120).consume()
        _SCHEMA_READY.add((self.uri, self.database))

    def _batches(self, rows: list):
        for i in range(0, len(rows), self.batch_size):
            yield rows[i:i + self.batch_size]

    # --- writes ---------------------------------------------------------------------------------
    def apply(self, changes: ChangeSet) -> ApplyReport:
        """Deletes, then upserts, then the reference check, in one write transaction."""
        check_kinds(changes)
        return self._write(lambda tx: self._apply_in(tx, changes))

    def _write(self, body) -> ApplyReport:
        def work(tx):
            tx.run(q.LOCK_META).consume()
            written, deleted, touched = body(tx)
            rec = tx.run(q.BUMP_REVISION if (written or deleted) else q.REVISION).single()
            return ApplyReport(written=written, deleted=deleted, touched=touched, revision=rec["revision"])
        with self._guard(), self._session() as s:
            return s.execute_write(work)

    def _apply_in(self, tx, changes: ChangeSet):
        written: dict[str, int] = {}
        deleted: dict[str, int] = {}
        touched: dict[str, frozenset] = {}
        for kind in reversed(WRITE_ORDER):
            keys = [tuple(k) if isinstance(k, (tuple, list)) else (k,) for k in changes.deletes.get(kind, ())]
            if keys:
                n = self._delete(tx, kind, list(dict.fromkeys(keys)))
                if n:
                    deleted[kind] = n
                    touched[kind] = frozenset(keys)
        # Deletes are done and upserts never change another kind's count, so one look tells
        # which kinds are still empty (their records can all take the bulk CREATE path).
        stored = tx.run(q.counts_query()).single() if changes.upserts else {}
        for kind in WRITE_ORDER:
            records = changes.upserts.get(kind, ())
            if records:
                n = self._upsert(tx, kind, records, empty=stored[kind] == 0)
                if n:
                    written[kind] = n
                    touched[kind] = touched.get(kind, frozenset()) | {key_of(kind, r) for r in records}
        if "expert" in changes.deletes or "person" in changes.deletes:
            tx.run(q.DROP_ORPHAN_TOPICS).consume()
        self._check_references(tx, changes)
        return written, deleted, touched

    def _delete(self, tx, kind: str, keys: list[tuple]) -> int:
        n = 0
        for batch in self._batches(keys):
            if kind in RELS or kind in CALENDAR:
                rows = [key_map(kind, k) for k in batch]
                query = q.delete_rels_query(kind) if kind in RELS else q.delete_keyed_query(kind)
                n += tx.run(query, keys=rows).single()["n"]
                continue
            ids = [k[0] for k in batch]
            if kind == "department":
                busy = tx.run(q.DEPARTMENT_STILL_STAFFED, ids=ids).single()
                if busy:
                    raise ValidationError(FieldProblem(
                        f"department {busy['id']!r} still has {busy['n']} people; move or delete them first",
                        field="department"),
                        "a department that still has people cannot be deleted; nothing was written")
            if kind == "person":
                tx.run(qb.DETACH_PEOPLE, ids=ids).consume()
                tx.run(q.DELETE_CALENDARS_OF, ids=ids).consume()
            n += tx.run(q.DELETE_NODES[kind], ids=ids).single()["n"]
        return n

    def _upsert(self, tx, kind: str, records, empty: bool) -> int:
        """Write the records that differ from what is stored; returns how many did."""
        # Later duplicates of a key win, as with SQLite's row-by-row upsert.
        latest = {key_of(kind, r): r for r in records}
        new, changed = [], []
        if empty:  # nothing of this kind stored: all new, no lookups
            new, latest = list(latest.values()), {}
        for batch in self._batches(list(latest.items())):
            found = tx.run(by_keys_query(kind), keys=[key_map(kind, k) for k, _ in batch])
            stored = {key_of(kind, rec): rec for rec in (decode(kind, row["row"]) for row in found)}
            for k, r in batch:
                if k not in stored:
                    new.append(r)
                elif stored[k] != r:
                    changed.append(r)
        build = q.upsert_nodes_query if kind in NODES else q.upsert_rels_query
        # New records take the CREATE path (no MERGE lookups, nothing to unlink): bulk loads.
        for records_, is_new in ((new, True), (changed, False)):
            query = q.upsert_keyed_query(kind) if kind in CALENDAR else build(kind, new=is_new)
            for batch in self._batches(records_):
                # Not consumed here: the driver buffers the previous result when the next
                # statement is sent, so encoding the next batch overlaps the server's work.
                tx.run(query, rows=[encode(kind, r) for r in batch])
        self_refs = q.link_self_refs_query(kind) if kind in NODES else None
        if self_refs:  # after every node of the kind exists, so a parent may come later
            for batch in self._batches([encode(kind, r) for r in new + changed]):
                tx.run(self_refs, rows=batch).consume()
        return len(new) + len(changed)

    def _check_references(self, tx, changes: ChangeSet) -> None:
        """Every reference of every upserted record must resolve now (same rule and messages as
        the embedded store); a failure raises, which rolls the whole transaction back."""
        missing: dict[str, set[str]] = {}
        for target, ids in wanted_references(changes).items():
            for batch in self._batches(sorted(ids)):
                missing.setdefault(target, set()).update(
                    row["id"] for row in tx.run(q.missing_ids_query(target), ids=batch))
        raise_unresolved(changes, missing)

    def forget_person(self, person_id: str) -> ApplyReport:
        """See GraphStore.forget_person. The tombstone id is random (`secrets.token_hex`), so it
        cannot be traced back. `deleted` counts what went, as the SQLite store does.

        Afterwards no node or relationship property holds the person's id, name or e-mail (the
        person node is DETACH DELETEd, cases' `authors` lists are rewritten, memberships and
        ratings given are re-created from the tombstone; tests/test_forget_no_trace.py queries
        every property). What this cannot promise: Neo4j's own files. A deleted record's store
        bytes are only marked free and are overwritten when reused; the transaction logs keep
        the deleted values until they are rotated and pruned (`db.tx_log.rotation.*`,
        `db.tx_log.rotation.retention_policy`, default 2 days), and backups keep them as long
        as they exist. The driver cannot checkpoint, compact or read those files, so an
        operator who must erase them too runs `neo4j-admin database copy` (a compacted copy
        without free records) with a short log retention, on the server."""
        def body(tx):
            if tx.run(q.PERSON_EXISTS, id=person_id).single()["n"] == 0:
                raise NotFoundError("person", person_id)
            counts = {k: n for k, n in tx.run(q.FORGET_COUNTS, id=person_id).single().items() if n}
            tomb = f"forgotten-{secrets.token_hex(8)}"
            kept_m = tx.run(q.FORGET_MOVE_MEMBERSHIPS, id=person_id, tomb=tomb).single()["n"]
            tx.run(q.FORGET_DROP_RATINGS_ABOUT, id=person_id).consume()
            kept_r = tx.run(q.FORGET_MOVE_RATINGS_GIVEN, id=person_id, tomb=tomb).single()["n"]
            who = tx.run(qb.PERSON_MENTIONS, id=person_id).single()  # their mentions in bookings
            self.forget_in_bookings(lambda query, **kw: list(tx.run(query, kw)), person_id, (who["name"], who["email"]))
            tx.run(qb.DETACH_PEOPLE, ids=[person_id]).consume()
            tx.run(q.DELETE_CALENDARS_OF, ids=[person_id]).consume()
            tx.run(q.DELETE_NODES["person"], ids=[person_id]).consume()
            tx.run(q.DROP_ORPHAN_TOPICS).consume()
            written = {k: n for k, n in (("membership", kept_m), ("rating", kept_r)) if n}
            return written, {"person": 1, **counts}, {"person": frozenset({(person_id,)})}
        return self._write(body)

    def clear_all(self) -> None:
        """Delete every record (tests and `ingest --replace`); the revision still moves forward."""
        with self._guard(), self._session() as s:
            n = s.run(q.CLEAR_ALL).single()["n"]
            if n:
                s.execute_write(lambda tx: tx.run(q.BUMP_REVISION).consume())

    # --- generic reads --------------------------------------------------------------------------
    def snapshot(self, kinds=WRITE_ORDER, booking_statuses=("tentative", "confirmed"), page: int = 5000) -> Snapshot:
        """See GraphStore.snapshot: Neo4j transactions are read-committed, so the reads run in one
        transaction holding the write lock every write takes first (LOCK_META): writers wait, nothing
        is written (the revision does not move)."""
        for kind in kinds:
            _key_fields(kind)
        from teamgraph.graph.neo4j_bookings import listed

        def work(tx):
            tx.run(q.LOCK_META).consume()
            records = {}
            for kind in kinds:
                records[kind] = list(_paged(lambda query, **kw: tx.run(query, kw).single(), kind, page))
            found = listed(tx.run(qb.LIST, project=None, person=None, booked_by=None,
                                  statuses=None if booking_statuses is None else list(booking_statuses)))
            return Snapshot(records, found, tx.run(q.REVISION).single()["revision"])
        with self._guard(), self._session() as s:
            return s.execute_write(work)

    def revision(self) -> int:
        return self._read(q.REVISION)[0]["revision"]

    def counts(self) -> dict[str, int]:
        row = self._read(q.counts_query())[0]
        return {k: row[k] for k in ENTITY_TYPES}

    def get(self, kind: str, key: str | tuple) -> object | None:
        key = tuple(key) if isinstance(key, (tuple, list)) else (key,)
        fields = _key_fields(kind)
        if len(key) != len(fields):
            raise ValidationError(FieldProblem(f"a {kind} key has {len(fields)} part(s): {', '.join(fields)}",
                                               field="key"))
        rows = self._read(by_keys_query(kind), keys=[key_map(kind, key)])
        return decode(kind, rows[0]["row"]) if rows else None

    def all(self, kind: str, page: int = 5000) -> Iterator:
        """Streams in key order, one keyset page (of `page` nodes or start nodes) at a time."""
        _key_fields(kind)
        yield from _paged(lambda query, **kw: self._read(query, **kw)[0], kind, page)


def _paged(one, kind: str, page: int) -> Iterator:
    """Every record of `kind` in key order, a keyset page at a time; `one(query, **params)` runs a
    page's query and returns its one record (each in its own read, or all in one transaction)."""
    query, after = all_page_query(kind), ""
    while True:
        rec = one(query, after=after, page=page)
        if rec["last"] is None:
            return
        for row in rec["rows"]:
            yield decode(kind, row)
        after = rec["last"]


def _key_fields(kind: str) -> tuple[str, ...]:
    if kind not in ENTITY_TYPES:
        raise ValidationError(FieldProblem(f"unknown entity kind {kind!r}; one of {', '.join(ENTITY_TYPES)}",
                                           field="kind"))
    from teamgraph.graph.neo4j_codec import KEY_FIELDS
    return KEY_FIELDS[kind]
