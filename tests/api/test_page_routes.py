"""Pages through the test client: which role may open which page, and what each shows."""

from __future__ import annotations

import pytest

PAGES = {  # path -> roles allowed (others get a 403 page; anonymous visitors go to the login)
    "/": {"sponsor", "member", "hr", "admin"},
    "/sponsor": {"sponsor", "hr", "admin"},
    "/kickoff": {"sponsor", "member", "hr", "admin"},
    "/kickoff?brief=kubernetes+upgrade": {"sponsor", "member", "hr", "admin"},
    "/projects/p-new/kickoff": {"sponsor", "member", "hr", "admin"},
    "/graph": {"sponsor", "hr", "admin"},
    "/people": {"sponsor", "member", "hr", "admin"},
    "/people/ana": {"sponsor", "member", "hr", "admin"},
    "/capacity": {"hr", "admin"},
}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_page_role_gates(client, login, path):
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login?next=")
    for role in ("sponsor", "member", "hr", "admin"):
        login(role)
        resp = client.get(path)
        assert resp.status_code == (200 if role in PAGES[path] else 403), (role, path)
        assert resp.mimetype == "text/html"


def test_person_page_redactions(client, login):
    login("hr")
    hr = client.get("/people/ana?start=2026-01-01&end=2026-03-31").get_data(as_text=True)
    assert 'id="ratings"' in hr and "Great analyst" not in hr  # ana received ratings, none with that comment
    assert "Unblocked us" in hr and 'id="weekly-load"' in hr and "90%" in hr
    login("sponsor")
    sp = client.get("/people/ana?start=2026-01-01&end=2026-03-31").get_data(as_text=True)
    assert 'id="ratings"' not in sp and "Unblocked us" not in sp and 'id="weekly-load"' not in sp
    assert "busy" in sp and "90%" not in sp


def test_kickoff_page_hides_cases_the_viewer_may_not_see(client, login):
    login("sponsor")  # fay: finance, not on p-wms
    page = client.get("/kickoff?brief=vendor+disputed+change+requests+warehouse+scanners").get_data(as_text=True)
    assert "Vendor contract dispute" not in page and "Warehouse scanners failed" not in page
    login("hr")
    page = client.get("/kickoff?brief=vendor+disputed+change+requests+warehouse+scanners").get_data(as_text=True)
    assert "Vendor contract dispute" in page


def test_people_search_finds_and_redirects_single_hits(client, login):
    login("member")
    assert client.get("/people?q=lima").headers["Location"] == "/people/ana"
    assert "Bo Chen" in client.get("/people?q=engineer").get_data(as_text=True)


def test_bad_bearer_on_a_page_is_a_clean_401_page(client):
    resp = client.get("/", headers={"Authorization": "Bearer nope"})
    assert resp.status_code == 401 and "Traceback" not in resp.get_data(as_text=True)
