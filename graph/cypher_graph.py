"""How the graph model maps onto Neo4j, and how records are read back: the shared Cypher vocabulary.

The statements themselves are named constants and small builders in graph/cypher_writes.py
(schema, revision, writes, forget_person) and graph/cypher_reads.py (engine reads).

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
    (:CapacityPeriod {person, start, end, capacity})               CapacityPeriod
    (:TimeOff {person, start, end, reason, note})                  TimeOff
    (:Holiday {location, date, name})                              Holiday

The three calendar kinds are keyed nodes (CALENDAR: no id, a composite key, indexed) holding
the person's id as a property: they are read per person for load and never traversed, and a
person's delete or forget deletes them with the person.

Single-valued references live only as relationships (one source of truth; deleting a node drops
them, which is exactly the "reference becomes null" rule). Case.authors and Case.skills are
ordered tuples, so they are kept as list properties too (round-trip keeps their order) and WROTE/
TAGGED mirror them for traversal. Project.kpis (a dict) is stored as JSON text; dates are Neo4j
DATE values. A :Tombstone keeps the memberships and ratings of a forgotten person.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from teamgraph.graph.model import CALENDAR_KINDS, ENTITY_TYPES

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


@dataclass(frozen=True)
class KeyedKind:
    """A node kind identified by a composite key of properties (no id, no relationships)."""

    kind: str
    label: str
    key: tuple[str, ...]


CALENDAR: dict[str, KeyedKind] = {  # keys named once, with the record (graph.model.Keyed)
    kind: KeyedKind(kind, ENTITY_TYPES[kind].__name__, ENTITY_TYPES[kind].key_fields) for kind in CALENDAR_KINDS}
LABELS: dict[str, str] = {"department": "Department", "skill": "Skill", "person": "Person",
                          "project": "Project", "case": "Case"}



def stored_props(kind: str) -> list[str]:
    """The dataclass fields stored as properties of the node/relationship (not as relationships
    or as the relationship's ends)."""
    names = [f.name for f in fields(ENTITY_TYPES[kind])]
    if kind in CALENDAR:
        return names
    if kind in NODES:
        return [n for n in names if n not in {r.field for r in NODES[kind].refs}]
    spec = RELS[kind]
    return [n for n in names if n not in (spec.start_field, spec.end_field)]


# --- reading records back (the projection every read shares) -----------------------------------


def node_projection(kind: str, n: str = "n") -> str:
    """A map with exactly the dataclass's fields (refs read from their relationships)."""
    spec = NODES[kind]
    refs = ", ".join(f"{r.field}: head([{r.pattern(n, 'x')} | x.id])" for r in spec.refs)
    return f"{n}{{.*, {refs}}}"


def rel_projection(kind: str, a: str = "a", r: str = "r", b: str = "b") -> str:
    spec = RELS[kind]
    return f"{r}{{.*, {spec.start_field}: {a}.id, {spec.end_field}: {b}.id}}"


def match_keys(kind: str, rows: str = "$keys", k: str = "k") -> str:
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


def _keyed_match(kind: str, k: str = "k") -> str:
    spec = CALENDAR[kind]
    return f"MATCH (n:{spec.label} {{{', '.join(f'{f}: {k}.{f}' for f in spec.key)}}})"


def by_keys_query(kind: str) -> str:
    """Records whose keys are in $keys (list of maps with the key fields)."""
    if kind in CALENDAR:
        return f"UNWIND $keys AS k {_keyed_match(kind)} RETURN n{{.*}} AS row"
    if kind in NODES:
        label = NODES[kind].label
        return (f"UNWIND $keys AS k MATCH (n:{label} {{id: k.id}}) "
                f"RETURN {node_projection(kind)} AS row")
    return f"{match_keys(kind)} RETURN {rel_projection(kind)} AS row"


def all_page_query(kind: str) -> str:
    """One page of every record of a kind, in key order: the records of the next $page nodes
    (for relationships: start nodes) with id > $after, as ONE record {last, rows}. Keyset
    paging keeps memory bounded, and one record per page instead of one per row saves the
    Python driver's per-record cost (5-10x faster to read everything). Calendar kinds page by
    their first key property (a person's or a location's records come in one page)."""
    if kind in CALENDAR:
        spec = CALENDAR[kind]
        first, rest = spec.key[0], spec.key[1:]
        return (f"MATCH (n:{spec.label}) WHERE n.{first} > $after WITH DISTINCT n.{first} AS v "
                f"ORDER BY v LIMIT $page WITH collect(v) AS page RETURN last(page) AS last, "
                f"COLLECT {{ MATCH (n:{spec.label}) WHERE n.{first} IN page WITH n ORDER BY n.{first}, "
                + ", ".join(f"n.{f}" for f in rest) + " RETURN n{.*} } AS rows")
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
