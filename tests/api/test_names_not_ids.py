"""People read names, not ids: no page and no people-facing JSON text shows a raw person id where
the person has a name (ids stay in URLs and in JSON id fields).

The tiny org gets one person with a realistic id ("p0204") who is everywhere a person can be
shown: a project member and sponsor, a rater and ratee, the only holder of a skill (at risk), a
case author, a candidate in team suggestions. Every server-rendered page is fetched as HR (who
sees the most), its visible text scanned for any person id as a whole word; the JSON answers
the pages draw from are scanned in their display fields (names, labels, reasons, words).
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest

from teamgraph.graph.model import ChangeSet, CollaborationRating, Membership, Person, PersonSkill, Project, Skill
from tests.tinyorg import PEOPLE

ZED = Person("p0204", "Zed Smith", "zed@example.org", "eng", "Data engineer", "Leeds", "Europe/London", 1.0, 95,
             ("en",))
NEW_ORG = ChangeSet().add(
    ZED, Skill("dbt", "dbt", aliases=("data build tool",), broader="programming"),
    PersonSkill("p0204", "dbt", 4, "confirmed", date(2025, 11, 1)),
    PersonSkill("p0204", "python", 4, "confirmed", date(2025, 12, 1)),
    PersonSkill("p0204", "sql", 5, "confirmed", date(2025, 12, 1)),
    Project("prj-113", "Data platform", "A data platform.", sponsor="p0204", department="eng",
            start=date(2025, 2, 1), end=date(2025, 8, 31), status="closed", outcome="success"),
    Membership("p0204", "prj-113", "lead", 0.5, date(2025, 2, 1), date(2025, 8, 31)),
    Membership("ana", "prj-113", "engineer", 0.3, date(2025, 2, 1), date(2025, 8, 31)),
    Membership("p0204", "p-plat", "engineer", 0.2, date(2026, 1, 15), date(2026, 6, 30)),
    CollaborationRating("p0204", "ana", "prj-113", date(2025, 9, 1), 5, 5, 4, "Solid"),
    CollaborationRating("ana", "p0204", "prj-113", date(2025, 9, 1), 4, 4, 4, ""),
)
PERSON_IDS = [p.id for p in PEOPLE] + [ZED.id]
# Keys whose string values are meant for people to read (names, labels, sentences).
DISPLAY_KEYS = {"name", "label", "reason", "message", "words", "explain", "summary", "needed_for", "notes",
                "matched", "score_words", "title", "person_name", "rater_name", "project_name", "department_name",
                "skill_name"}


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    p = _Text()
    p.feed(html)
    return " ".join(p.parts)


# A skill id that reads nothing like its name (Kubernetes): shown raw, it is a slug.
SKILL_SLUGS = ["k8s"]


def raw_ids(text: str, ids=PERSON_IDS) -> list[str]:
    """Ids standing as words of their own (not inside a word, an id like prj-113 or an e-mail)."""
    return [i for i in ids if re.search(rf"(?<![\w@.-]){re.escape(i)}(?![\w@-])", text)]


def display_strings(data, key: str | None = None):
    """Every string under a display key, anywhere in a JSON answer."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from display_strings(v, k)
    elif isinstance(data, list):
        for v in data:
            yield from display_strings(v, key)
    elif isinstance(data, str) and key in DISPLAY_KEYS:
        yield data


@pytest.fixture
def org(service):
    service.store.apply(NEW_ORG)
    service.warm()
    return service


def test_the_scanner_sees_a_raw_id_in_text_but_not_in_links():
    assert raw_ids(visible_text('<p>replacing p0204 and <a href="/people/p0204">Zed Smith</a></p>')) == ["p0204"]
    assert raw_ids(visible_text('<a href="/people/ana">Ana Lima</a><script>var x = "bo";</script>')) == []
    assert raw_ids("prj-113 · ana-lima · Ivy Diaz · ana@example.org") == []
    assert raw_ids("Expert in k8s.", SKILL_SLUGS) == ["k8s"] and raw_ids("swaps bo.", PERSON_IDS) == ["bo"]


def _pages(client) -> list[str]:
    paths = ["/", "/sponsor", "/kickoff", "/graph", "/people", "/people?q=smith", "/people?q=engineer",
             "/kickoff?brief=data+platform+with+python"]
    paths += [f"/people/{i}" for i in PERSON_IDS if i != "jon"] + ["/people/jon"]
    paths += [f"/projects/{p}/kickoff" for p in ("p-crm", "p-wms", "p-hire", "p-plat", "p-new", "prj-113")]
    return paths


def test_no_page_shows_a_raw_person_id(client, login, org):
    login("hr")
    shown = {}
    for path in _pages(client):
        resp = client.get(path, follow_redirects=True)
        assert resp.status_code == 200, (path, resp.get_data(as_text=True)[:300])
        ids = raw_ids(visible_text(resp.get_data(as_text=True)), PERSON_IDS + SKILL_SLUGS)
        if ids:
            shown[path] = ids
    assert shown == {}


def test_no_json_display_text_shows_a_raw_person_id(client, auth, team_request, org):
    hr = auth("hr")
    team_request["requirements"] = [{"skill": "python", "level": 3, "count": 2}, {"skill": "sql", "level": 4}]
    team_request["size"] = {"min": 2, "max": 4}
    sug = client.post("/api/v1/teams/suggest", json={"request": team_request, "alternatives": 2}, headers=hr)
    assert sug.status_code == 200, sug.get_data(as_text=True)
    sug = sug.get_json()
    assert sug["team"] is not None
    first = [m["id"] for m in sug["team"]["members"]]
    answers = {"suggest": sug}
    answers["resolve"] = client.post("/api/v1/teams/resolve", headers=hr, json={
        "request": team_request, "pins": ["p0204"], "previous": first}).get_json()
    for who in ("p0204", "Zed Smith", "hal", "gus"):
        answers[f"why-not {who}"] = client.post("/api/v1/teams/why-not", headers=hr,
                                                json={"request": team_request, "person": who}).get_json()
    answers["staff"] = client.post("/api/v1/portfolio/staff", headers=hr,
                                   json={"portfolio": {"requests": [team_request]}}).get_json()
    for path in ("/api/v1/people/p0204", "/api/v1/people/ana", "/api/v1/skills/at-risk", "/api/v1/skills/dbt/graph",
                 "/api/v1/projects/prj-113", "/api/v1/people?q=smith", "/api/v1/projects?q=data",
                 "/api/v1/projects/p-plat/kickoff", "/api/v1/experts?q=data+platform"):
        resp = client.get(path, headers=hr)
        assert resp.status_code == 200, (path, resp.get_data(as_text=True)[:300])
        answers[path] = resp.get_json()
    shown = {what: ids for what, data in answers.items()
             if (ids := sorted({i for s in display_strings(data) for i in raw_ids(s, PERSON_IDS + SKILL_SLUGS)}))}
    assert shown == {}
    # and the names are there, where the ids are
    assert answers["why-not Zed Smith"]["person"] == "p0204" and answers["why-not Zed Smith"]["person_name"] == \
        "Zed Smith"
    ratings = answers["/api/v1/people/ana"]["ratings"]
    assert {(r["rater"], r["rater_name"], r["project_name"]) for r in ratings if r["project"] == "prj-113"} == {
        ("p0204", "Zed Smith", "Data platform")}
    diff = answers["resolve"]["diff"]
    assert all(p["name"] != p["id"] for k in ("added_people", "removed_people", "kept_people") for p in diff[k])
    holders = next(r for r in answers["/api/v1/skills/at-risk"]["skills"] if r["skill"]["id"] == "dbt")["holders"]
    assert holders[0]["name"] == "Zed Smith" and holders[0]["department_name"] == "Engineering"
