"""The Neo4j store's schema, revision counter and write statements (named constants and builders).

Built from the fixed graph model in graph/cypher_graph.py by entity kind; inputs are always
parameters ($rows, $keys, $ids, ...), never text spliced into a statement.
"""

from __future__ import annotations

from teamgraph.graph.cypher_graph import (
    CALENDAR, LABELS, NODES, RELS, Ref, RelKind, _keyed_match, match_keys, stored_props,
)

# --- schema ------------------------------------------------------------------------------------

# name -> statement; a uniqueness constraint's backing index has the constraint's name.
SCHEMA_BY_NAME: dict[str, str] = {
    f"{label.lower()}_id": f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
    for label in ("Department", "Skill", "Person", "Project", "Case", "Topic", "Tombstone", "Meta")
} | {
    "rated_project": "CREATE INDEX rated_project IF NOT EXISTS FOR ()-[r:RATED]-() ON (r.project)",
    "case_date": "CREATE INDEX case_date IF NOT EXISTS FOR (c:Case) ON (c.date)",
    "project_status": "CREATE INDEX project_status IF NOT EXISTS FOR (p:Project) ON (p.status)",
} | {
    f"{c.kind}_key": f"CREATE INDEX {c.kind}_key IF NOT EXISTS FOR (n:{c.label}) ON ({', '.join(f'n.{f}' for f in c.key)})"
    for c in CALENDAR.values()
}
SCHEMA: tuple[str, ...] = tuple(SCHEMA_BY_NAME.values())
SCHEMA_NAMES = "SHOW INDEXES YIELD name RETURN collect(name) AS names"
AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"

# --- revision and housekeeping -----------------------------------------------------------------

# Taking the write lock on the :Meta node first serialises concurrent applies (like SQLite's
# BEGIN IMMEDIATE), so change detection and reference checks see a stable store.
LOCK_META = ("MERGE (m:Meta {id: 'teamgraph'}) ON CREATE SET m.revision = 0 "
             "SET m.lock = true REMOVE m.lock RETURN m.revision AS revision")
BUMP_REVISION = ("MERGE (m:Meta {id: 'teamgraph'}) ON CREATE SET m.revision = 0 "
                 "SET m.revision = m.revision + 1 RETURN m.revision AS revision")
REVISION = "OPTIONAL MATCH (m:Meta {id: 'teamgraph'}) RETURN coalesce(m.revision, 0) AS revision"
# Run outside an explicit transaction (CALL ... IN TRANSACTIONS needs an auto-commit one).
CLEAR_ALL = ("MATCH (n) WHERE NOT n:Meta CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS "
             "RETURN count(n) AS n")
DROP_ORPHAN_TOPICS = "MATCH (t:Topic) WHERE NOT (t)<-[:EXPERT_IN]-() DELETE t"


def counts_query() -> str:
    """Records of every kind in one statement (count store; sees the current transaction)."""
    parts = [f"COUNT {{ (:{n.label}) }} AS {k}" for k, n in NODES.items()]
    parts += [f"COUNT {{ ()-[:{r.rel}]->() }} AS {k}" for k, r in RELS.items()]
    parts += [f"COUNT {{ (:{c.label}) }} AS {k}" for k, c in CALENDAR.items()]
    return "RETURN " + ", ".join(parts)


def _literal_map(kind: str) -> str:
    """`{name: row.props.name, ...}`: properties written inline by CREATE. (`SET x = row.props`
    after a CREATE makes the planner add an Eager barrier that buffers every row.)"""
    return "{" + ", ".join(f"{p}: row.props.{p}" for p in stored_props(kind)) + "}"


# --- writes ------------------------------------------------------------------------------------


def _unlink(ref: Ref, n: str = "n") -> str:
    return f"CALL ({n}) {{ MATCH {ref.pattern(n, '_', 'old')} DELETE old }}"


def _link(ref: Ref, n: str = "n") -> str:
    # MATCH on a null id finds nothing, so a null reference simply creates no relationship.
    t = f"(t:{ref.target} {{id: row.{ref.field}}})"
    rel = f"(n)-[:{ref.rel}]->(t)" if ref.outgoing else f"(t)-[:{ref.rel}]->(n)"
    return f"CALL ({n}, row) {{ MATCH {t} CREATE {rel} }}"


def upsert_nodes_query(kind: str, new: bool = False) -> str:
    """Write $rows ({id, props, <ref fields>}) of a node kind: properties and every reference
    except self-references (see `link_self_refs_query`), replacing old reference relationships.
    `new=True`: the rows are known not to exist yet (checked in the same transaction), so they
    are CREATEd with nothing to unlink: the bulk-load path."""
    spec = NODES[kind]
    parts = [f"UNWIND $rows AS row CREATE (n:{spec.label} {_literal_map(kind)})" if new else
             f"UNWIND $rows AS row MERGE (n:{spec.label} {{id: row.id}}) SET n = row.props"]
    for ref in spec.refs:
        if ref.target != spec.label:
            parts += ([] if new else [_unlink(ref)]) + [_link(ref)]
    for ref in spec.list_refs:
        if not new:
            parts.append(_unlink(ref))
        t = f"(t:{ref.target} {{id: x}})"
        rel = "(n)-[:%s]->(t)" % ref.rel if ref.outgoing else "(t)-[:%s]->(n)" % ref.rel
        parts.append(f"CALL (n, row) {{ UNWIND row.{ref.field} AS x MATCH {t} MERGE {rel} }}")
    return "\n".join(parts[:1] + (["WITH n, row"] if parts[1:] else []) + parts[1:])


def link_self_refs_query(kind: str) -> str | None:
    """References to the same kind (department.parent, skill.broader), linked after every node
    of the batch exists so a parent may come later in the same change set."""
    spec = NODES[kind]
    refs = [r for r in spec.refs if r.target == spec.label]
    if not refs:
        return None
    parts = [f"UNWIND $rows AS row MATCH (n:{spec.label} {{id: row.id}})"]
    for ref in refs:
        parts += [_unlink(ref), _link(ref)]
    return "\n".join(parts)


def _start_node(spec: RelKind, field: str) -> str:
    if "|" not in spec.start_label:
        return f"MATCH (a:{spec.start_label} {{id: row.{field}}})"
    # A person or the tombstone that replaced one: two index seeks, whichever exists.
    return (f"OPTIONAL MATCH (p:Person {{id: row.{field}}}) OPTIONAL MATCH (tb:Tombstone {{id: row.{field}}}) "
            f"WITH row, coalesce(p, tb) AS a WHERE a IS NOT NULL")


def upsert_rels_query(kind: str, new: bool = False) -> str:
    """Write $rows ({<start>, <end>, [key prop], props}) of a relationship kind; a row whose ends
    do not exist writes nothing (the reference check then rejects the whole change set).
    `new=True`: the rows are known not to exist yet, so they are CREATEd (no MERGE scan)."""
    spec = RELS[kind]
    end = (f"MERGE (b:Topic {{id: row.{spec.end_field}}})" if spec.end_label == "Topic"
           else f"MATCH (b:{spec.end_label} {{id: row.{spec.end_field}}})")
    if not new:  # known to exist (read in this transaction): find and overwrite
        return f"{match_keys(kind, '$rows', 'row')} SET r = row.props"
    return (f"UNWIND $rows AS row {_start_node(spec, spec.start_field)} {end} "
            f"CREATE (a)-[r:{spec.rel} {_literal_map(kind)}]->(b)")


def upsert_keyed_query(kind: str) -> str:
    """Write $rows ({props}) of a calendar kind: MERGE on the key, then every property."""
    return f"UNWIND $rows AS row MERGE (n:{CALENDAR[kind].label} {{" + ", ".join(
        f"{f}: row.props.{f}" for f in CALENDAR[kind].key) + "}) SET n = row.props"


def delete_keyed_query(kind: str) -> str:
    return f"UNWIND $keys AS k {_keyed_match(kind)} DELETE n RETURN count(n) AS n"


# A person's calendar goes with them (delete and forget): capacity periods and time off.
DELETE_CALENDARS_OF = "UNWIND $ids AS id MATCH (n:CapacityPeriod|TimeOff {person: id}) DELETE n"


def delete_rels_query(kind: str) -> str:
    return f"{match_keys(kind)} DELETE r RETURN count(r) AS n"


# Deleting nodes: DETACH DELETE drops every relationship record attached (skills, memberships,
# needs, ratings, expert designations) and turns single-valued references into nulls; list
# properties and ratings' project property are fixed up first. Same rules as the SQLite store.
DELETE_NODES: dict[str, str] = {
    "person": ("UNWIND $ids AS id MATCH (n:Person {id: id}) "
               "CALL (n) { MATCH (n)-[:WROTE]->(c:Case) SET c.authors = [x IN c.authors WHERE x <> n.id] } "
               "DETACH DELETE n RETURN count(*) AS n"),
    "skill": ("UNWIND $ids AS id MATCH (n:Skill {id: id}) "
              "CALL (n) { MATCH (c:Case)-[:TAGGED]->(n) SET c.skills = [x IN c.skills WHERE x <> n.id] } "
              "DETACH DELETE n RETURN count(*) AS n"),
    "project": ("UNWIND $ids AS id MATCH (n:Project {id: id}) "
                "CALL (n) { MATCH ()-[r:RATED]->() WHERE r.project = n.id DELETE r } "
                "DETACH DELETE n RETURN count(*) AS n"),
    "department": "UNWIND $ids AS id MATCH (n:Department {id: id}) DETACH DELETE n RETURN count(*) AS n",
    "case": "UNWIND $ids AS id MATCH (n:Case {id: id}) DETACH DELETE n RETURN count(*) AS n",
}
DEPARTMENT_STILL_STAFFED = ("UNWIND $ids AS id MATCH (:Department {id: id})<-[:IN]-(p:Person) "
                            "RETURN id, count(p) AS n ORDER BY id LIMIT 1")


def missing_ids_query(target: str) -> str:
    """Which of $ids do not exist as `target` ("person*" also accepts tombstones)."""
    if target == "person*":
        return ("UNWIND $ids AS id WITH id WHERE NOT EXISTS { MATCH (:Person {id: id}) } "
                "AND NOT EXISTS { MATCH (:Tombstone {id: id}) } RETURN id")
    return f"UNWIND $ids AS id WITH id WHERE NOT EXISTS {{ MATCH (:{LABELS[target]} {{id: id}}) }} RETURN id"


# --- forget_person -----------------------------------------------------------------------------

PERSON_EXISTS = "MATCH (p:Person {id: $id}) RETURN count(p) AS n"
# What a forget removes, per kind (the same keys and counting as the SQLite store's report).
FORGET_COUNTS = (
    "MATCH (p:Person {id: $id}) RETURN COUNT { (p)-[:HAS_SKILL]->() } AS person_skill, "
    "COUNT { (p)-[:EXPERT_IN]->() } AS expert, COUNT { ()-[:RATED]->(p) } AS rating_about, "
    "COUNT { (p)-[:WROTE]->(:Case) } AS authorship, "
    "COUNT { MATCH (p)-[:SPONSORS|OWNS_PROCESS]->(j:Project) RETURN DISTINCT j } AS sponsorship")
# Memberships and given ratings move to an opaque tombstone (aggregates stay right); ratings about
# the person and the free-text comments they wrote go. Relationships cannot change their start
# node, so each is re-created from the tombstone with the same properties.
FORGET_MOVE_MEMBERSHIPS = (
    "MATCH (p:Person {id: $id}) CREATE (t:Tombstone {id: $tomb}) WITH p, t "
    "MATCH (p)-[m:MEMBER_OF]->(j:Project) CREATE (t)-[m2:MEMBER_OF]->(j) SET m2 = properties(m) "
    "DELETE m RETURN count(m2) AS n")
FORGET_DROP_RATINGS_ABOUT = "MATCH (:Person {id: $id})<-[r:RATED]-() DELETE r"
FORGET_MOVE_RATINGS_GIVEN = (
    "MATCH (p:Person {id: $id})-[r:RATED]->(e:Person) MATCH (t:Tombstone {id: $tomb}) "
    "CREATE (t)-[r2:RATED]->(e) SET r2 = properties(r), r2.comment = '' DELETE r RETURN count(r2) AS n")
