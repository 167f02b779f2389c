"""The Neo4j store's Cypher, tested as text (always) and against a real server (marked neo4j).

The security rule: inputs reach Neo4j only as `$parameters`. Every statement is a module constant
or built from the fixed graph model by entity kind, so these tests enumerate them all and check
that the only string literals in any of them are the model's own vocabulary; with a real server
they check that every statement compiles, and that hostile ids round-trip without ever appearing
in the text of a query the store sent.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from teamgraph.graph import cypher_bookings as b
from teamgraph.graph import cypher_graph as g
from teamgraph.graph import cypher_reads as r
from teamgraph.graph import cypher_writes as w
from teamgraph.graph.model import (
    Case, ChangeSet, CollaborationRating, Department, Expert, Membership, Person, PersonSkill, Project,
    Skill, SYSTEM, Viewer,
)

KINDS = list(g.NODES) + list(g.RELS)
MODULES = (g, w, r, b)
# Every quoted literal any statement may contain: the fixed vocabulary of the graph model.
ALLOWED_LITERALS = {"teamgraph", "active", "proposed", "public", "department", "authored", "member", "",
                    "booked", "released"}


def all_statements() -> dict[str, str]:
    out = {}
    for module in MODULES:
        names = {name: v for name, v in vars(module).items() if name.isupper() and isinstance(v, str)}
        assert not names.keys() & out.keys(), f"{module.__name__} reuses a statement name"
        out.update(names)
    out.update({f"SCHEMA[{i}]": s for i, s in enumerate(w.SCHEMA)})
    out.update({f"BOOKING_SCHEMA[{name}]": s for name, s in b.SCHEMA_BY_NAME.items()})
    out.update({f"DELETE_NODES[{k}]": s for k, s in w.DELETE_NODES.items()})
    out["counts_query()"] = w.counts_query()
    for kind in KINDS:
        out[f"by_keys_query({kind})"] = g.by_keys_query(kind)
        out[f"all_page_query({kind})"] = g.all_page_query(kind)
        if kind in g.NODES:
            out[f"upsert_nodes_query({kind})"] = w.upsert_nodes_query(kind)
            if w.link_self_refs_query(kind):
                out[f"link_self_refs_query({kind})"] = w.link_self_refs_query(kind)
        else:
            out[f"upsert_rels_query({kind})"] = w.upsert_rels_query(kind)
            out[f"delete_rels_query({kind})"] = w.delete_rels_query(kind)
    for target in ("department", "skill", "person", "person*", "project"):
        out[f"missing_ids_query({target})"] = w.missing_ids_query(target)
    return {k: v for k, v in out.items() if not k.startswith("_")}


STATEMENTS = all_statements()


def test_enumerates_every_statement():
    assert len(STATEMENTS) > 60
    assert {"GET_CASE", "LIST_CASES", "CANDIDATE_IDS", "FORGET_MOVE_MEMBERSHIPS", "FIND_SKILLS", "SEARCH_PEOPLE",
            "SEARCH_SKILLS", "DEMANDED_SKILLS", "PROJECT_MEMBERS"} <= set(STATEMENTS)


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_statement_has_only_model_literals(name):
    """No value from outside the model is spliced into a statement: every string literal in it is
    model vocabulary, and nothing looks like a leftover Python placeholder."""
    text = STATEMENTS[name]
    literals = set(re.findall(r"'([^']*)'", text))
    assert literals <= ALLOWED_LITERALS, f"{name} contains literals {literals - ALLOWED_LITERALS}"
    assert '"' not in text, f"{name} contains a double-quoted literal"
    assert not re.search(r"\{\s*\}|%s|\{[a-z_]+!r\}|None", text), name


@pytest.mark.parametrize("name", ["GET_CASE", "LIST_CASES", "VISIBLE_CASE_IDS", "AUTHORED_CASES"])
def test_case_reads_filter_visibility_with_parameters(name):
    text = STATEMENTS[name]
    for param in ("$privileged", "$vdept", "$vprojects", "$vperson"):
        assert param in text, f"{name} must apply the visibility rule ({param})"


def test_writes_are_batched_with_unwind():
    for kind in KINDS:
        builder = w.upsert_nodes_query if kind in g.NODES else w.upsert_rels_query
        assert builder(kind).startswith("UNWIND $rows AS row"), kind
    for kind in g.RELS:
        assert w.delete_rels_query(kind).startswith("UNWIND $keys AS k"), kind
    for kind, text in w.DELETE_NODES.items():
        assert text.startswith("UNWIND $ids AS id"), kind


def test_builders_accept_only_model_kinds():
    for builder in (w.upsert_nodes_query, w.upsert_rels_query, g.by_keys_query, g.all_page_query):
        with pytest.raises(KeyError):
            builder("person}) DETACH DELETE n //")


def test_node_projection_reads_references_from_relationships():
    assert g.node_projection("person") == "n{.*, department: head([(n)-[:IN]->(x:Department) | x.id])}"
    text = g.node_projection("project", "b")
    assert "(b)<-[:SPONSORS]-(x:Person)" in text and "(b)-[:OWNED_BY]->(x:Department)" in text


def test_schema_is_idempotent_and_unique_on_ids():
    assert all("IF NOT EXISTS" in s for s in w.SCHEMA)
    for label in ("Department", "Skill", "Person", "Project", "Case", "Topic", "Tombstone", "Meta"):
        assert any(f"(n:{label}) REQUIRE n.id IS UNIQUE" in s for s in w.SCHEMA), label


# --- against a real Neo4j -------------------------------------------------------------------------

# The shared `store` fixture narrowed to its Neo4j parameter (skips with the shared reason, or
# fails under TEAMGRAPH_REQUIRE_NEO4J, when NEO4J_URI is not set).
ONLY_NEO4J = pytest.mark.parametrize("store", [pytest.param("neo4j", marks=pytest.mark.neo4j)], indirect=True)


@ONLY_NEO4J
def test_every_statement_compiles(store):
    with store._session() as s:
        for name, text in STATEMENTS.items():
            if "IN TRANSACTIONS" in text or text.startswith(("CREATE ", "CALL db.", "(")):
                continue  # schema commands, batched deletes and fragments (VISIBLE) are not plans
            try:
                s.run("EXPLAIN " + text).consume()
            except Exception as e:  # name the statement: the driver's message quotes only its text
                raise AssertionError(f"{name} does not compile: {e}") from e


HOSTILE = "x'}) DETACH DELETE n WITH 1 AS y MATCH (m) DETACH DELETE m //\"$ids"


@ONLY_NEO4J
def test_hostile_ids_are_only_ever_parameters(store, monkeypatch):
    import neo4j

    sent: list[str] = []
    for cls in (neo4j.ManagedTransaction, neo4j.Session):
        original = cls.run

        def spy(self, query, parameters=None, _original=original, **kw):
            sent.append(str(query))
            return _original(self, query, parameters, **kw)
        monkeypatch.setattr(cls, "run", spy)

    s = store
    d, sk, p = "d" + HOSTILE, "s" + HOSTILE, "p" + HOSTILE
    j, c = "j" + HOSTILE, "c" + HOSTILE
    cs = ChangeSet().add(
        Department(d, HOSTILE), Skill(sk, HOSTILE, aliases=(HOSTILE,)),
        Person(p, HOSTILE, HOSTILE, d, languages=(HOSTILE,)), Person("other", "O", "o@x", d),
        Project(j, HOSTILE, sponsor=p, department=d, status="active", kpis={HOSTILE: 1.0}),
        PersonSkill(p, sk, 4, last_used=date(2025, 1, 2)),
        Membership(p, j, HOSTILE, 0.5, date(2025, 1, 1)), Membership("other", j, "m", 0.5),
        Case(c, HOSTILE, HOSTILE, project=j, department=d, skills=(sk,), authors=(p,), visibility="confidential"),
        Expert(p, HOSTILE), CollaborationRating(p, "other", j, comment=HOSTILE))
    report = s.apply(cs)
    assert report.written["person"] == 2

    viewer = Viewer(person=p, department=d, projects=frozenset({j}))
    assert s.get("person", p) == cs.upserts["person"][0]
    assert s.get("project", j).kpis == {HOSTILE: 1.0}
    assert s.get_case(c, viewer).authors == (p,)
    assert s.get_case(c, Viewer(department=d)) is None  # confidential, not a member or author
    assert [x.id for x in s.list_cases(viewer, department=d, project=j, skill=sk)] == [c]
    assert s.person_profile(p, _window(), SYSTEM).skills[0].skill == sk
    assert [x.person.id for x in s.candidates([(sk, 3)], _window())] == [p]
    assert s.skill_neighbourhood(sk, department=d).holders[0].person.id == p
    assert s.collaboration_pairs([p, "other"])[0].mean_rating == 3.0
    assert s.evidence([p])
    assert [x.person.id for x in s.candidates([], _window(), departments=[d])] == ["other", p]
    assert s.find_skills([HOSTILE.upper()]) == {HOSTILE.upper(): s.get("skill", sk)}  # by its name
    assert s.search_skills(HOSTILE[:12]) == [s.get("skill", sk)]
    assert [x.id for x in s.search_people(HOSTILE[3:15])] == [p]
    assert [m.role for m in s.project_members(j)] == ["m", HOSTILE]  # "other" < "px..."
    assert s.project_needs(j) == [] and s.demanded_skills(d) == [] and [x.id for x in s.projects(["active"])] == [j]
    assert [x.id for x in s.departments()] == [d]
    s.forget_person(p)
    assert s.get("person", p) is None and s.counts()["membership"] == 2

    assert sent, "the spy saw no statements"
    for text in sent:
        assert HOSTILE not in text and "DETACH DELETE m" not in text


def _window():
    from teamgraph.graph.model import Window
    return Window(date(2025, 1, 1), date(2025, 12, 31))
