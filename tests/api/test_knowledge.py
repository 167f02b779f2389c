"""Retrieval endpoints: similar cases with reasons and filters, experts with load, kickoff
packages for a project and for an ad-hoc brief. (Ranking quality is tested in tests/embeddings
with the real model; here the deterministic hashing encoder stands in.)"""

from __future__ import annotations


def test_similar_cases_come_with_why_they_matched(client, auth):
    resp = client.get("/api/v1/cases/similar?q=kubernetes+upgrade+broke+batch+jobs&k=3", headers=auth("member"))
    assert resp.status_code == 200
    cases = resp.get_json()["cases"]
    assert cases[0]["id"] == "c-5" and len(cases) <= 3
    top = cases[0]
    assert {"problem", "action", "result", "lesson"} <= set(top)
    assert "kubernetes" in [t.lower() for t in top["why"]["matching_terms"]]


def test_similar_cases_filters(client, auth):
    q = "/api/v1/cases/similar?q=migration+data+cleanup+hiring+kubernetes&k=10"
    eng = client.get(q + "&department=eng", headers=auth("hr")).get_json()["cases"]
    assert eng and {c["department"] for c in eng} == {"eng"}
    zh = client.get("/api/v1/cases/similar?q=招聘流程&k=10&language=zh", headers=auth("hr")).get_json()["cases"]
    assert [c["id"] for c in zh] == ["c-4"]
    recent = client.get(q + "&since=2026-01-01", headers=auth("hr")).get_json()["cases"]
    assert recent and all(c["date"] >= "2026-01-01" for c in recent)


def test_experts_ranked_by_evidence_with_load(client, auth):
    resp = client.get("/api/v1/experts?q=kubernetes+platform+upgrade&k=3", headers=auth("hr"))
    assert resp.status_code == 200
    experts = resp.get_json()["experts"]
    assert experts[0]["person"] == "ana"
    assert experts[0]["evidence"] and "utilisation" in experts[0]


def test_cached_reads_revalidate_with_etag(client, auth):
    url = "/api/v1/skills/python/graph"
    first = client.get(url, headers=auth("hr"))
    etag = first.headers["ETag"]
    again = client.get(url, headers={**auth("hr"), "If-None-Match": etag})
    assert again.status_code == 304
    # another role's answer is cached separately (redactions differ)
    assert client.get(url, headers=auth("sponsor")).status_code == 200


def test_cache_never_serves_an_answer_older_than_the_store(client, auth, service):
    from teamgraph.graph.model import ChangeSet, PersonSkill
    url = "/api/v1/skills/logistics/graph"
    before = client.get(url, headers=auth("hr")).get_json()
    assert [h["person"] for h in before["holders"]] == ["dee", "eli"]
    service.store.apply(ChangeSet().add(PersonSkill("gus", "logistics", 4, "confirmed")))
    service._changed()  # what a write through the service does; other writers are seen within 1 s
    after = client.get(url, headers=auth("hr")).get_json()
    assert "gus" in [h["person"] for h in after["holders"]]


def test_project_kickoff_package(client, auth):
    resp = client.get("/api/v1/projects/p-plat/kickoff?k_cases=3&k_experts=3", headers=auth("sponsor"))
    assert resp.status_code == 200, resp.get_json()
    pkg = resp.get_json()
    assert pkg["cases"] and len(pkg["cases"]) <= 3
    assert all(e["evidence"] or e["skills"] for e in pkg["experts"])  # nobody without evidence
    # tinyorg's other cases (CRM, hiring) do not fit a platform project: the package says so
    assert pkg["confidence"]["fits"] is False and all(c["weak"] for c in pkg["cases"]) and not pkg["lessons"]
    assert client.get("/api/v1/projects/nope/kickoff", headers=auth("sponsor")).status_code == 404


def test_ad_hoc_kickoff_and_bad_briefs(client, auth):
    resp = client.post("/api/v1/kickoff", json={"brief": "CRM migration with duplicate customer records"},
                       headers=auth("member"))
    assert resp.status_code == 200
    assert resp.get_json()["cases"][0]["id"] == "c-1"
    for body, field in (({}, "brief"), ({"brief": "   "}, "brief"), ({"brief": "x", "k_cases": 0}, "k_cases"),
                        ({"brief": 42}, "brief")):
        bad = client.post("/api/v1/kickoff", json=body, headers=auth("member"))
        assert bad.status_code == 400 and bad.get_json()["fields"][0]["field"] == field
