"""Tokens (hashed at rest), page login with a session cookie, CSRF on session writes, and the
`teamgraph token` and `teamgraph serve` commands."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from teamgraph.api.auth import demo_tokens
from teamgraph.api.cli import serve, token
from teamgraph.api.tokens import TokenStore, token_hash


def test_tokens_are_stored_hashed(settings, tokens):
    rows = sqlite3.connect(settings.data_dir / "tokens.sqlite3").execute("SELECT hash, role FROM tokens").fetchall()
    assert {r for _, r in rows} == {"sponsor", "member", "hr", "admin"}
    stored = {h for h, _ in rows}
    assert all(t not in stored and token_hash(t) in stored for t in tokens.values())


def test_revoked_tokens_stop_working(client, settings, tokens, auth):
    assert client.get("/api/v1/skills", headers=auth("member")).status_code == 200
    ts = TokenStore(settings.data_dir / "tokens.sqlite3")
    member = next(r for r in ts.list() if r.role == "member")
    ts.revoke(member.id)  # another store on the same file, as another process would be
    assert client.get("/api/v1/skills", headers=auth("member")).status_code == 401


def test_non_admin_tokens_must_act_as_a_person(settings):
    import pytest
    from teamgraph.errors import ValidationError
    with pytest.raises(ValidationError):
        TokenStore(settings.data_dir / "t.sqlite3").create("sponsor", None)
    with pytest.raises(ValidationError):
        TokenStore(settings.data_dir / "t.sqlite3").create("boss", "ana")


def test_page_login_sets_a_session_and_pages_use_it(client, login):
    assert client.get("/").status_code == 302
    assert client.get("/").headers["Location"].startswith("/login")
    login("sponsor")
    page = client.get("/")
    assert page.status_code == 200 and "Fay Wong" in page.get_data(as_text=True)
    # the session also authenticates the JSON API for the pages' scripts
    assert client.get("/api/v1/skills?q=sql").status_code == 200


def test_bad_login_is_refused(client):
    resp = client.post("/login", data={"token": "tg_wrong"})
    assert resp.status_code == 401 and "unknown, revoked or expired" in resp.get_data(as_text=True)


def test_login_redirect_stays_on_this_site(client, tokens):
    resp = client.post("/login?next=//evil.example/x", data={"token": tokens["member"]})
    assert resp.headers["Location"] == "/"
    resp = client.post("/login?next=/people/ana", data={"token": tokens["member"]})
    assert resp.headers["Location"] == "/people/ana"


def test_session_writes_need_the_csrf_token(client, login, team_request):
    csrf = login("sponsor")
    body = {"request": team_request, "alternatives": 0}
    assert client.post("/api/v1/teams/suggest", json=body).status_code == 403
    assert client.post("/api/v1/teams/suggest", json=body, headers={"X-CSRF-Token": "nope"}).status_code == 403
    assert client.post("/api/v1/teams/suggest", json=body, headers={"X-CSRF-Token": csrf}).status_code == 200


def test_logout_ends_the_session(client, login):
    csrf = login("member")
    client.post("/logout", data={"csrf_token": csrf})
    assert client.get("/api/v1/skills").status_code == 401


def test_demo_tokens_one_per_role_bound_to_fitting_people(settings, tiny_store, client):
    tokens = demo_tokens(settings, tiny_store)
    assert set(tokens) == {"sponsor", "member", "hr", "admin"}
    ts = TokenStore(settings.data_dir / "tokens.sqlite3")
    people = {r.role: r.person for r in ts.list() if r.label == "demo"}
    assert people["sponsor"] == "fay"  # sponsors two projects
    assert tiny_store.get("person", people["hr"]).department == "hr"
    assert people["admin"] is None
    again = demo_tokens(settings, tiny_store)  # re-running revokes the earlier demo tokens
    assert len([r for r in ts.list() if r.label == "demo"]) == 4 and again != tokens
    resp = client.get("/api/v1/skills", headers={"Authorization": f"Bearer {again['hr']}"})
    assert resp.status_code == 200


def test_token_commands(settings, tiny_store, monkeypatch):
    monkeypatch.setenv("TEAMGRAPH_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()
    tiny_store.close()
    from teamgraph.graph.sqlite_store import SqliteStore
    from tests.tinyorg import tiny_org
    SqliteStore(settings.data_dir / "teamgraph.sqlite3").apply(tiny_org())
    out = runner.invoke(token, ["create", "--role", "hr", "--person", "ivy", "--label", "cli"])
    assert out.exit_code == 0, out.output
    secret = out.stdout.strip().splitlines()[0]
    assert secret.startswith("tg_")
    record = TokenStore(settings.data_dir / "tokens.sqlite3").lookup(secret)
    assert (record.role, record.person) == ("hr", "ivy")
    bad = runner.invoke(token, ["create", "--role", "hr", "--person", "nobody"])
    assert bad.exit_code != 0
    listed = runner.invoke(token, ["list"])
    assert "ivy" in listed.output and secret not in listed.output
    assert runner.invoke(token, ["revoke", str(record.id)]).exit_code == 0
    assert TokenStore(settings.data_dir / "tokens.sqlite3").lookup(secret) is None


def test_serve_has_host_port_and_threads_options():
    out = CliRunner().invoke(serve, ["--help"])
    assert out.exit_code == 0
    assert "--host" in out.output and "--port" in out.output and "--threads" in out.output
