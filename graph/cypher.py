"""Every Cypher statement the Neo4j store runs: named constants and small builders.

Graph model (labels and relationship types are fixed here; inputs are always parameters):

    (:Department)-[:PART_OF]->(:Department)                       Department.parent
    (:Skill)-[:BROADER]->(:Skill)                                  Skill.broader
    (:Person)-[:IN]->(:Department)                                 Person.department
    (:Person)-[:SPONSORS]->(:Project)  (:Person)-[:OWNS_PROCESS]->(:Project)
    (:Project)-[:OWNED_BY]->(:Department)                          Project.sponsor/process_owner/department
    (:Person)-[:HAS_SKILL {level, evidence, last_used}]->(:Skill)  PersonSkill
    (:Project)-[:NEEDS {level, count}]->(:Skill)                   ProjectNeed
    (:Person|Tombstone)-[:MEMBER_OF {role, allocation, start, end}]->(:Project)   Membership
    (:Case)-[:ABOUT]->(:Project)  (:Case)-[:FROM]->(:Department)   Case.project/department
    (:Person)-[:WROTE]->(:Case)  (:Case)-[:TAGGED]->(:Skill)       mirror Case.authors/skills
    (:Person)-[:EXPERT_IN {source}]->(:Topic {id})                 Expert (topic: skill id or free text)
    (:Person|Tombstone)-[:RATED {project, date, responsiveness, support, problem_solving,
                                 comment}]->(:Person)              CollaborationRating
    (:Meta {id: 'teamgraph', revision})                            the store's revision counter

Single-valued references live only as relationships (one source of truth; deleting a node drops
them, which is exactly the "reference becomes null" rule). Case.authors and Case.skills are
ordered tuples, so they are kept as list properties too (round-trip keeps their order) and WROTE/
TAGGED mirror them for traversal. Project.kpis (a dict) is stored as JSON text; dates are Neo4j
DATE values. A :Tombstone keeps the memberships and ratings of a forgotten person.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from teamgraph.graph.model import ENTITY_TYPES

# --- the graph model, per entity kind ----------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A single-valued reference field stored as a relationship."""

    field: str
    rel: str
    target: str  # label of the node referred to
    outgoing: bool = True  # (n)-[:rel]->(target) when True, else (target)-[:rel]->(n)

    def pattern(self, n: str, t: str, r: str = "") -> str:
        rel = f"[{r}:{self.rel}]"
        return f"({n})-{rel}->({t}:{self.target})" if self.outgoing else f"({n})<-{rel}-({t}:{self.target})"


@dataclass(frozen=True)
class NodeKind:
    kind: str
    label: str
    refs: tuple[Ref, ...] = ()
    list_refs: tuple[Ref, ...] = ()  # tuple fields mirrored as relationships (also kept as lists)


@dataclass(frozen=True)
class RelKind:
    kind: str
    rel: str
    start_field: str
    start_label: str  # "Person|Tombstone": either (memberships/ratings kept after forget_person)
    end_field: str
    end_label: str
    key_prop: str | None = None  # third key part stored on the relationship (role, project)
    # Which end to look a relationship up from: the one with few relationships of this type
    # (a person has a handful of skills; a popular skill has thousands of holders).
    anchor: str = "start"


NODES: dict[str, NodeKind] = {n.kind: n for n in (
    NodeKind("department", "Department", (Ref("parent", "PART_OF", "Department"),)),
    NodeKind("skill", "Skill", (Ref("broader", "BROADER", "Skill"),)),
    NodeKind("person", "Person", (Ref("department", "IN", "Department"),)),
    NodeKind("project", "Project", (Ref("sponsor", "SPONSORS", "Person", outgoing=False),
                                    Ref("department", "OWNED_BY", "Department"),
                                    Ref("process_owner", "OWNS_PROCESS", "Person", outgoing=False))),
    NodeKind("case", "Case", (Ref("project", "ABOUT", "Project"), Ref("department", "FROM", "Department")),
             (Ref("authors", "WROTE", "Person", outgoing=False), Ref("skills", "TAGGED", "Skill"))),
)}
RELS: dict[str, RelKind] = {r.kind: r for r in (
    RelKind("person_skill", "HAS_SKILL", "person", "Person", "skill", "Skill"),
    RelKind("project_need", "NEEDS", "project", "Project", "skill", "Skill"),
    RelKind("membership", "MEMBER_OF", "person", "Person|Tombstone", "project", "Project", "role", "end"),
    RelKind("expert", "EXPERT_IN", "person", "Person", "topic", "Topic"),
    RelKind("rating", "RATED", "rater", "Person|Tombstone", "ratee", "Person", "project", "end"),
)}
LABELS: dict[str, str] = {"department": "Department", "skill": "Skill", "person": "Person",
                          "project": "Project", "case": "Case"}



def stored_props(kind: str) -> list[str]:
    """The dataclass fields stored as properties of the node/relationship (not as relationships
    or as the relationship's ends)."""
    names = [f.name for f in fields(ENTITY_TYPES[kind])]
    if kind in NODES:
        return [n for n in names if n not in {r.field for r in NODES[kind].refs}]
    spec = RELS[kind]
    return [n for n in names if n not in (spec.start_field, spec.end_field)]


def _literal_map(kind: str) -> str:
    """`{name: row.props.name, ...}`: properties written inline by CREATE. (`SET x = row.props`
    after a CREATE makes the planner add an Eager barrier that buffers every row.)"""
    return "{" + ", ".join(f"{p}: row.props.{p}" for p in stored_props(kind)) + "}"


# --- schema ------------------------------------------------------------------------------------

# name -> statement; a uniqueness constraint's backing index has the constraint's name.
SCHEMA_BY_NAME: dict[str, str] = {
    f"{label.lower()}_id": f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
    for label in ("Department", "Skill", "Person", "Project", "Case", "Topic", "Tombstone", "Meta")
} | {
    "rated_project": "CREATE INDEX rated_project IF NOT EXISTS FOR ()-[r:RATED]-() ON (r.project)",
    "case_date": "CREATE INDEX case_date IF NOT EXISTS FOR (c:Case) ON (c.date)",
    "project_status": "CREATE INDEX project_status IF NOT EXISTS FOR (p:Project) ON (p.status)",
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
PING = "RETURN 1 AS one"


def counts_query() -> str:
    """Records of every kind in one statement (count store; sees the current transaction)."""
    parts = [f"COUNT {{ (:{n.label}) }} AS {k}" for k, n in NODES.items()]
    parts += [f"COUNT {{ ()-[:{r.rel}]->() }} AS {k}" for k, r in RELS.items()]
    return "RETURN " + ", ".join(parts)


# --- reading records back (the projection every read shares) -----------------------------------


def node_projection(kind: str, n: str = "n") -> str:
    """A map with exactly the dataclass's fields (refs read from their relationships)."""
    spec = NODES[kind]
    refs = ", ".join(f"{r.field}: head([{r.pattern(n, 'x')} | x.id])" for r in spec.refs)
    return f"{n}{{.*, {refs}}}"


def rel_projection(kind: str, a: str = "a", r: str = "r", b: str = "b") -> str:
    spec = RELS[kind]
    return f"{r}{{.*, {spec.start_field}: {a}.id, {spec.end_field}: {b}.id}}"


def rel_match(kind: str, a: str = "a", r: str = "r", b: str = "b") -> str:
    """The pattern of a relationship kind, anchored on its (always real, indexed) end node."""
    spec = RELS[kind]
    start = "" if "|" in spec.start_label else f":{spec.start_label}"
    return f"({b}:{spec.end_label})<-[{r}:{spec.rel}]-({a}{start})"


def _match_keys(kind: str, rows: str = "$keys", k: str = "k") -> str:
    """Find the relationship of each key map: seek the anchor end by its unique index, then walk
    only that node's relationships (the far end has no label, so the planner cannot seek it by
    index and expand "into" from both ends). Seeking both
    ends and expanding "into" reads the whole relationship chain of a dense node (a popular
    skill) once a transaction has written anything, which is ~40x slower at 10k+ rows."""
    spec = RELS[kind]
    start = "" if "|" in spec.start_label else f":{spec.start_label}"
    if spec.anchor == "start":
        seek = f"MATCH (a:{spec.start_label} {{id: {k}.{spec.start_field}}})"
        # No label on the far end, so the planner cannot turn the walk into an index seek there.
        walk, cond, other = f"(a)-[r:{spec.rel}]->(b)", f"b.id = {k}.{spec.end_field}", "b"
    else:
        seek = f"MATCH (b:{spec.end_label} {{id: {k}.{spec.end_field}}})"
        walk, cond, other = f"(b)<-[r:{spec.rel}]-(a{start})", f"a.id = {k}.{spec.start_field}", "a"
    if spec.key_prop:
        cond += f" AND r.{spec.key_prop} = {k}.{spec.key_prop}"
    anchor = "b" if other == "a" else "a"
    return (f"UNWIND {rows} AS {k} {seek} UNWIND [{walk} WHERE {cond} | [r, {other}]] AS hit "
            f"WITH {k}, {anchor}, hit[0] AS r, hit[1] AS {other}")


def by_keys_query(kind: str) -> str:
    """Records whose keys are in $keys (list of maps with the key fields)."""
    if kind in NODES:
        label = NODES[kind].label
        return (f"UNWIND $keys AS k MATCH (n:{label} {{id: k.id}}) "
                f"RETURN {node_projection(kind)} AS row")
    return f"{_match_keys(kind)} RETURN {rel_projection(kind)} AS row"


def all_page_query(kind: str) -> str:
    """One page of every record of a kind, in key order: the records of the next $page nodes
    (for relationships: start nodes) with id > $after, as ONE record {last, rows}. Keyset
    paging keeps memory bounded, and one record per page instead of one per row saves the
    Python driver's per-record cost (5-10x faster to read everything)."""
    if kind in NODES:
        label = NODES[kind].label
        return (f"MATCH (n:{label}) WHERE n.id > $after WITH n ORDER BY n.id LIMIT $page "
                f"WITH collect(n) AS page RETURN last(page).id AS last, "
                f"[n IN page | {node_projection(kind)}] AS rows")
    spec = RELS[kind]
    starts = " UNION ".join(f"MATCH (a:{label}) WHERE a.id > $after RETURN a ORDER BY a.id LIMIT $page"
                            for label in spec.start_label.split("|"))
    order = f"a.id, b.id{', r.' + spec.key_prop if spec.key_prop else ''}"
    return (f"CALL () {{ {starts} }} WITH a ORDER BY a.id LIMIT $page WITH collect(a) AS page "
            f"RETURN last(page).id AS last, COLLECT {{ UNWIND page AS a MATCH (a)-[r:{spec.rel}]->(b) "
            f"WITH a, r, b ORDER BY {order} RETURN {rel_projection(kind)} }} AS rows")


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
        return f"{_match_keys(kind, '$rows', 'row')} SET r = row.props"
    return (f"UNWIND $rows AS row {_start_node(spec, spec.start_field)} {end} "
            f"CREATE (a)-[r:{spec.rel} {_literal_map(kind)}]->(b)")


def delete_rels_query(kind: str) -> str:
    return f"{_match_keys(kind)} DELETE r RETURN count(r) AS n"


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


# --- engine reads (graph/neo4j_reads.py) -------------------------------------------------------

_PERSON = node_projection("person", "p")
_ACTIVE_IN_DEPT = "p.status = 'active' AND ($department IS NULL OR EXISTS { (p)-[:IN]->(:Department {id: $department}) })"

CANDIDATE_IDS = """
UNWIND $needs AS need
MATCH (:Skill {id: need.skill})<-[h:HAS_SKILL]-(p:Person)
WHERE h.level >= need.level AND p.status = 'active'
RETURN p.id AS id
UNION
UNWIND $departments AS dept MATCH (:Department {id: dept})<-[:IN]-(p:Person)
WHERE p.status = 'active'
RETURN p.id AS id
UNION
UNWIND $include AS id MATCH (p:Person {id: id}) RETURN p.id AS id"""
PEOPLE_BY_IDS = f"UNWIND $ids AS id MATCH (p:Person {{id: id}}) RETURN {_PERSON} AS row ORDER BY p.id"
SKILLS_OF = (f"UNWIND $ids AS id MATCH (a:Person {{id: id}})-[r:HAS_SKILL]->(b:Skill) "
             f"RETURN {rel_projection('person_skill')} AS row ORDER BY a.id, b.id")
# Start nodes may be people or tombstones (memberships kept by forget_person).
_PERSON_OR_TOMBSTONE = ("UNWIND $ids AS id OPTIONAL MATCH (p:Person {id: id}) OPTIONAL MATCH (tb:Tombstone {id: id}) "
                        "WITH coalesce(p, tb) AS a WHERE a IS NOT NULL ")
MEMBERSHIPS_OF = (_PERSON_OR_TOMBSTONE + f"MATCH (a)-[r:MEMBER_OF]->(b:Project) "
                  f"RETURN {rel_projection('membership')} AS row")
MEMBERSHIPS_IN_WINDOW = (
    f"UNWIND $ids AS id MATCH (a:Person {{id: id}})-[r:MEMBER_OF]->(b:Project) "
    f"WHERE (r.start IS NULL OR r.start <= $end) AND (r.end IS NULL OR r.end >= $start) "
    f"RETURN {rel_projection('membership')} AS row")

# Per person and project, the last day they were on it (membership end, else project end); a
# pair's `last` is the latest day both were still on a shared project. Tombstones never appear.
_PAIRS_BODY = """
WITH p.id AS person, j.id AS project, max(coalesce(m.end, j.end)) AS last_day
WITH project, collect({person: person, last: last_day}) AS ms
UNWIND ms AS x UNWIND ms AS y
WITH x, y WHERE x.person < y.person
RETURN x.person AS a, y.person AS b, count(*) AS times,
       max(CASE WHEN x.last IS NULL THEN y.last WHEN y.last IS NULL THEN x.last
                WHEN x.last < y.last THEN x.last ELSE y.last END) AS last"""
PAIRS_ALL = "MATCH (p:Person)-[m:MEMBER_OF]->(j:Project)" + _PAIRS_BODY
PAIRS_AMONG = "UNWIND $ids AS id MATCH (p:Person {id: id})-[m:MEMBER_OF]->(j:Project)" + _PAIRS_BODY
_PAIR_RATING_BODY = """
WITH CASE WHEN a.id < e.id THEN a.id ELSE e.id END AS lo, CASE WHEN a.id < e.id THEN e.id ELSE a.id END AS hi,
     (r.responsiveness + r.support + r.problem_solving) / 3.0 AS score
RETURN lo AS a, hi AS b, avg(score) AS mean"""
PAIR_RATINGS_ALL = "MATCH (a)-[r:RATED]->(e:Person) WHERE a.id <> e.id" + _PAIR_RATING_BODY
PAIR_RATINGS_AMONG = ("UNWIND $ids AS id MATCH (e:Person {id: id})<-[r:RATED]-(a) "
                      "WHERE a.id <> e.id AND a.id IN $ids" + _PAIR_RATING_BODY)

PROFILE_MEMBERSHIPS = (f"MATCH (a:Person {{id: $id}})-[r:MEMBER_OF]->(b:Project) "
                       f"RETURN {rel_projection('membership')} AS m, {node_projection('project', 'b')} AS p")
PROFILE_SKILLS = (f"MATCH (a:Person {{id: $id}})-[r:HAS_SKILL]->(b:Skill) "
                  f"RETURN {rel_projection('person_skill')} AS row ORDER BY r.level DESC, b.id")
PROFILE_EXPERT = (f"MATCH (a:Person {{id: $id}})-[r:EXPERT_IN]->(b:Topic) "
                  f"RETURN {rel_projection('expert')} AS row ORDER BY b.id")
PROFILE_RATINGS = (f"MATCH (b:Person {{id: $id}})<-[r:RATED]-(a) "
                   f"RETURN {rel_projection('rating')} AS row")

HOLDERS = f"""
UNWIND $ids AS sid MATCH (s:Skill {{id: sid}})<-[h:HAS_SKILL]-(p:Person)
WHERE h.level >= $min_level AND {_ACTIVE_IN_DEPT}
RETURN s.id AS skill, {_PERSON} AS person, h.level AS level, h.evidence AS evidence, h.last_used AS last_used
ORDER BY s.id, h.level DESC, p.id"""
HOLDERS_TOP = HOLDERS + "\nLIMIT $limit"  # one skill's best holders (the neighbourhood view)
SUPPLY = f"""
MATCH (:Skill {{id: $id}})<-[h:HAS_SKILL]-(p:Person)
WHERE h.level >= 3 AND {_ACTIVE_IN_DEPT}
RETURN count(*) AS supply"""
NARROWER = f"MATCH (n:Skill)-[:BROADER]->(:Skill {{id: $id}}) RETURN {node_projection('skill')} AS row ORDER BY n.id"
CO_OCCURRING = f"""
MATCH (s:Skill {{id: $id}})<-[:HAS_SKILL]-(p:Person)-[:HAS_SKILL]->(n:Skill)
WHERE n <> s AND {_ACTIVE_IN_DEPT}
WITH n, count(*) AS shared ORDER BY shared DESC, n.id LIMIT $limit
RETURN {node_projection('skill')} AS row, shared"""
DEMAND = """
MATCH (j:Project)-[r:NEEDS]->(:Skill {id: $id})
WHERE j.status IN ['proposed', 'active']
  AND ($department IS NULL OR EXISTS { (j)-[:OWNED_BY]->(:Department {id: $department}) })
RETURN coalesce(sum(r.count), 0) AS demand"""
AT_RISK = f"""
MATCH (s:Skill)<-[h:HAS_SKILL]-(p:Person)
WHERE h.level >= 3 AND {_ACTIVE_IN_DEPT}
WITH s, count(*) AS n WHERE n >= 1 AND n <= $max_holders
RETURN {node_projection('skill', 's')} AS row ORDER BY n, s.id"""

# graph.model.can_see in Cypher. Parameters: $privileged, $vdept, $vprojects, $vperson.
_CASE_REFS = ("WITH c, head([(c)-[:ABOUT]->(x:Project) | x.id]) AS cproject, "
              "head([(c)-[:FROM]->(x:Department) | x.id]) AS cdept")
VISIBLE = """(c.visibility = 'public' OR $privileged
    OR (c.visibility = 'department' AND cdept = $vdept)
    OR (NOT c.visibility IN ['public', 'department']
        AND (cproject IN $vprojects OR $vperson IN c.authors)))"""
_CASE = node_projection("case", "c")
GET_CASE = f"MATCH (c:Case {{id: $id}}) {_CASE_REFS} WHERE {VISIBLE} RETURN {_CASE} AS row"
LIST_CASES = f"""
MATCH (c:Case) {_CASE_REFS}
WHERE {VISIBLE}
  AND ($department IS NULL OR cdept = $department) AND ($project IS NULL OR cproject = $project)
  AND ($language IS NULL OR c.language = $language) AND ($skill IS NULL OR $skill IN c.skills)
RETURN {_CASE} AS row ORDER BY c.date IS NULL, c.date DESC, c.id SKIP $offset LIMIT $limit"""
VISIBLE_CASE_IDS = f"MATCH (c:Case) {_CASE_REFS} WHERE {VISIBLE} RETURN c.id AS id"
AUTHORED_CASES = f"""
MATCH (:Person {{id: $id}})-[:WROTE]->(c:Case) {_CASE_REFS} WHERE {VISIBLE}
RETURN {_CASE} AS row ORDER BY c.date IS NULL, c.date DESC, c.id"""

_EVIDENCE_BODY = """
CALL (p) {
  MATCH (p)-[:WROTE]->(c:Case) RETURN 'authored' AS kind, c.id AS target, null AS role, c.date AS date
  UNION ALL
  MATCH (p)-[m:MEMBER_OF]->(j:Project) RETURN 'member' AS kind, j.id AS target, m.role AS role, m.end AS date
}
RETURN p.id AS person, kind, target, role, date"""
EVIDENCE_ALL = "MATCH (p:Person)" + _EVIDENCE_BODY
EVIDENCE_OF = "UNWIND $ids AS id MATCH (p:Person {id: id})" + _EVIDENCE_BODY
