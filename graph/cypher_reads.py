"""The Cypher of the Neo4j store's engine reads (run by graph/neo4j_reads.py): named constants.

Every input is a $parameter; projections come from graph/cypher_graph.py so rows decode with
graph/neo4j_codec.py exactly as the records were written.
"""

from __future__ import annotations

from teamgraph.graph.cypher_graph import RELS, node_projection, rel_projection


def _outgoing(kind: str, order: str) -> str:
    """The records of a relationship kind leaving the node with id $id (a person's skills, a
    project's needs), in `order` (a fixed expression over r and b)."""
    spec = RELS[kind]
    return (f"MATCH (a:{spec.start_label} {{id: $id}})-[r:{spec.rel}]->(b:{spec.end_label}) "
            f"RETURN {rel_projection(kind)} AS row ORDER BY {order}")

_PERSON = node_projection("person", "p")
_ACTIVE_IN_DEPT = ("p.status = 'active' "
                   "AND ($department IS NULL OR EXISTS { (p)-[:IN]->(:Department {id: $department}) })")

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
# A person's calendar overlapping [$start, $end] (null bounds: everything); holidays by location.
PERSON_CAPACITIES = ("UNWIND $ids AS id MATCH (p:Person {id: id}) "
                     "RETURN p.id AS id, p.capacity AS capacity, p.location AS location ORDER BY p.id")
PERIODS_OF = ("UNWIND $ids AS id MATCH (n:CapacityPeriod {person: id}) "
              "WHERE ($end IS NULL OR n.start <= $end) AND ($start IS NULL OR n.end IS NULL OR n.end >= $start) "
              "RETURN n{.*} AS row ORDER BY n.person, n.start")
TIME_OFF_OF = ("UNWIND $ids AS id MATCH (n:TimeOff {person: id}) "
               "WHERE ($end IS NULL OR n.start <= $end) AND ($start IS NULL OR n.end >= $start) "
               "RETURN n{.*} AS row ORDER BY n.person, n.start")
# Once per location (its people share them), not once per person.
HOLIDAYS_AT = ("UNWIND $locations AS loc MATCH (n:Holiday {location: loc}) "
               "WHERE ($end IS NULL OR n.date <= $end) AND ($start IS NULL OR n.date >= $start) "
               "RETURN n{.*} AS row ORDER BY n.location, n.date")
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
PROFILE_SKILLS = _outgoing("person_skill", "r.level DESC, b.id")
PROFILE_EXPERT = _outgoing("expert", "b.id")
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

# --- lookups for request paths (graph/neo4j_lookups.py) ----------------------------------------
# Text is folded with toLower(trim(...)) on both sides, in the server: Cypher has no casefold,
# and folding only the parameter in Python would miss names Java lower-cases differently.

PROJECT_NEEDS = _outgoing("project_need", "b.id")
PROJECT_MEMBERS = (f"MATCH (b:Project {{id: $id}})<-[r:MEMBER_OF]-(a) "
                   f"RETURN {rel_projection('membership')} AS row")
PROJECTS = (f"MATCH (n:Project) WHERE $statuses IS NULL OR n.status IN $statuses "
            f"RETURN {node_projection('project')} AS row ORDER BY n.id")
DEPARTMENTS = f"MATCH (n:Department) RETURN {node_projection('department')} AS row ORDER BY n.name, n.id"
# A given name matches a skill by id (rank 0), name (1) or alias (2); best rank, then id, wins.
FIND_SKILLS = f"""
UNWIND $wanted AS w
WITH w.given AS given, toLower(trim(w.key)) AS key
MATCH (n:Skill)
WITH given, n, CASE WHEN toLower(trim(n.id)) = key THEN 0 WHEN toLower(trim(n.name)) = key THEN 1
                    WHEN any(a IN n.aliases WHERE toLower(trim(a)) = key) THEN 2 END AS rank
WHERE rank IS NOT NULL
WITH given, n ORDER BY rank, n.id
WITH given, head(collect({node_projection('skill')})) AS row
RETURN given, row"""
SEARCH_SKILLS = f"""
WITH toLower(trim($text)) AS q
MATCH (n:Skill)
WITH q, n, toLower(trim(n.name)) AS name
WHERE toLower(trim(n.id)) CONTAINS q OR name CONTAINS q OR any(a IN n.aliases WHERE toLower(trim(a)) CONTAINS q)
RETURN {node_projection('skill')} AS row ORDER BY NOT name STARTS WITH q, n.name, n.id LIMIT $limit"""
SEARCH_PEOPLE = f"""
WITH toLower(trim($text)) AS q
MATCH (p:Person) WHERE p.status = 'active'
WITH q, p, toLower(trim(p.id)) AS pid, toLower(trim(p.name)) AS name
WHERE pid CONTAINS q OR name CONTAINS q OR toLower(trim(p.title)) CONTAINS q
RETURN {_PERSON} AS row ORDER BY NOT (pid = q OR name STARTS WITH q), p.name, p.id LIMIT $limit"""
DEMANDED_SKILLS = """
MATCH (j:Project)-[:NEEDS]->(s:Skill)
WHERE j.status IN ['proposed', 'active']
  AND ($department IS NULL OR EXISTS { (j)-[:OWNED_BY]->(:Department {id: $department}) })
RETURN DISTINCT s.id AS id ORDER BY id"""
# The offered skill vocabulary (graph/store.py skill_vocabulary): used skills and every broader skill above them.
SKILL_VOCABULARY = f"""
MATCH (u:Skill)
WHERE EXISTS {{ (u)<-[:HAS_SKILL]-(p:Person) WHERE p.status = 'active' }}
   OR EXISTS {{ (u)<-[:NEEDS]-(j:Project) WHERE j.status IN ['proposed', 'active'] }}
MATCH (u)-[:BROADER*0..]->(n:Skill)
WITH DISTINCT n
RETURN {node_projection('skill')} AS row,
       COUNT {{ (n)<-[:HAS_SKILL]-(p:Person) WHERE p.status = 'active' }} AS holders,
       COUNT {{ (n)<-[:NEEDS]-(j:Project) WHERE j.status IN ['proposed', 'active'] }} AS needed_by
ORDER BY n.id"""
PEOPLE_MATCHING = """
WITH toLower(trim($text)) AS q
MATCH (p:Person) WHERE p.status = 'active'
  AND (q = '' OR toLower(trim(p.id)) CONTAINS q OR toLower(trim(p.name)) CONTAINS q
       OR toLower(trim(p.title)) CONTAINS q)
  AND ($department IS NULL OR EXISTS { (p)-[:IN]->(:Department {id: $department}) })
  AND ($skill IS NULL OR EXISTS { (p)-[h:HAS_SKILL]->(:Skill {id: $skill}) WHERE h.level >= $level })
RETURN p.id AS id ORDER BY p.name, p.id"""
_PROJECT_FILTER = """
WITH toLower(trim($text)) AS q
MATCH (n:Project) WHERE ($statuses IS NULL OR n.status IN $statuses)
  AND (q = '' OR toLower(trim(n.id)) CONTAINS q OR toLower(trim(n.name)) CONTAINS q)
  AND ($department IS NULL OR EXISTS { (n)-[:OWNED_BY]->(:Department {id: $department}) })
  AND ($skill IS NULL OR EXISTS { (n)-[:NEEDS]->(:Skill {id: $skill}) })"""
PROJECT_INDEX = (_PROJECT_FILTER + f"\nRETURN {node_projection('project')} AS row "
                 "ORDER BY n.start IS NULL, n.start DESC, n.id SKIP $offset LIMIT $limit")
PROJECT_INDEX_TOTAL = _PROJECT_FILTER + "\nRETURN count(n) AS total"
