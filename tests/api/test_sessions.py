"""Sessions and tokens (issue 12): login's `next` stays on this site, sign-out needs POST + CSRF,
revocation is immediate in every process, tokens expire, and forgetting a person revokes and
deletes their tokens."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from teamgraph.api.auth import safe_next
from teamgraph.api.cli import token
from teamgraph.api.tokens import TokenStore, default_days, token_hash
from teamgraph.errors import ValidationError

# Values of `next` (after the query string is decoded once) that a browser, or a proxy that
# decodes again, could send to another host or scheme.
BYPASSES = [
    "//evil.example", "///evil.example", "////evil.example", "//evil.example/people",
    "/\\evil.example", "/\\/evil.example", "\\\\evil.example", "\\/evil.example", "/people\\..\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "\t//evil.example", "/\x00/evil.example",
    "/\x0b/evil.example", "/\x7f/evil.example", " //evil.example", "/ /evil.example", "/\u200b/evil.example",
    "/%09/evil.example", "/%2F/evil.example", "/%2f%2fevil.example", "/%5Cevil.example", "/%5cevil.example",
    "/%252F/evil.example", "/%255Cevil.example", "/%0A/evil.example", "/%00/evil.example",
    "https://evil.example", "http:/evil.example", "http:evil.example", "HTTPS://evil.example",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
    "evil.example", "@evil.example", "", "/\uff0fevil.example", "\uff0f\uff0fevil.example", "/\ufe68evil.example",
    "/\u2028/evil.example", "/\u3000/evil.example",
]
SAME_SITE = ["/", "/people/ana", "/sponsor?x=1", "/projects/p-crm/kickoff", "/people?q=ana%20wong",
             "/people/ana#skills", "/cases/c-1?since=2026-01-01&until=2026-12-31"]


@pytest.mark.parametrize("target", BYPASSES)
def test_safe_next_refuses_other_hosts(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", SAME_SITE)
def test_safe_next_keeps_same_site_paths(target):
    assert safe_next(target) == target


def test_login_never_redirects_to_another_host(client, tokens):
    resp = client.post("/login?next=%2F%09%2Fevil.example", data={"token": tokens["member"]})  # the issue's
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    for target in BYPASSES:
        resp = client.post("/login?next=" + quote(target, safe=""), data={"token": tokens["member"]})
        location = resp.headers["Location"]
        assert location == "/", (target, location)
    for target in SAME_SITE:
        resp = client.post("/login?next=" + quote(target, safe=""), data={"token": tokens["member"]})
        assert resp.headers["Location"] == target


def test_pages_send_you_back_after_login(client, tokens):
    login_url = client.get("/people/bo?x=1").headers["Location"]
    assert login_url.startswith("/login?next=")
    resp = client.post(login_url, data={"token": tokens["member"]})
    assert resp.headers["Location"] == "/people/bo?x=1"


def _signed_in(client) -> bool:
    return client.get("/api/v1/skills").status_code == 200


def test_logout_needs_post_and_the_csrf_token(client, login):
    csrf = login("member")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 403  # what a cross-site form would send
    assert client.post("/logout", data={"csrf_token": "wrong"}).status_code == 403
    assert client.post("/logout", headers={"X-CSRF-Token": ""}).status_code == 403
    assert _signed_in(client)
    resp = client.post("/logout", headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    assert not _signed_in(client)
    assert client.post("/logout").status_code == 302  # signed out already: nothing to protect


def test_the_pages_sign_out_form_works(client, login):
    login("sponsor")
    page = client.get("/").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/logout">(.*?)</form>', page, re.S)
    assert form, "the page has a Sign out form"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))
    assert client.post("/logout", data=fields).status_code == 302
    assert not _signed_in(client)


def _record(settings, person):
    return next(r for r in TokenStore(settings.data_dir / "tokens.sqlite3").list() if r.person == person)


def test_revocation_by_another_process_takes_effect_at_once(client, settings, tokens, auth, login):
    """No cache window: `teamgraph token revoke` in another process stops the token on the next
    request (Bearer and session alike)."""
    assert client.get("/api/v1/skills", headers=auth("member")).status_code == 200
    login("sponsor")
    assert _signed_in(client)
    env = {**os.environ, "TEAMGRAPH_DATA_DIR": str(settings.data_dir)}
    for person in ("bo", "fay"):
        out = subprocess.run([sys.executable, "-m", "teamgraph", "token", "revoke", str(_record(settings, person).id)],
                             env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
    assert client.get("/api/v1/skills", headers=auth("member")).status_code == 401
    assert not _signed_in(client)


def test_revocation_in_process_takes_effect_at_once(client, app, settings, auth):
    assert client.get("/api/v1/skills", headers=auth("hr")).status_code == 200
    app.extensions["teamgraph.tokens"].revoke(_record(settings, "ivy").id)
    assert client.get("/api/v1/skills", headers=auth("hr")).status_code == 401


def test_tokens_expire_and_are_refused_with_401(client, app):
    ts = app.extensions["teamgraph.tokens"]
    secret, record = ts.create("member", "bo", days=1)
    created = datetime.fromisoformat(record.created)
    assert datetime.fromisoformat(record.expires) - created == timedelta(days=1)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/skills", headers=headers).status_code == 200
    assert client.post("/login", data={"token": secret}).status_code == 302
    ts._now = lambda: created + timedelta(days=1, seconds=1)
    resp = client.get("/api/v1/skills", headers=headers)
    assert resp.status_code == 401 and "expired" in resp.get_json()["message"]
    assert not _signed_in(client)  # the session made with it ends too
    assert client.post("/login", data={"token": secret}).status_code == 401


def test_default_lifetime_and_its_setting(settings, monkeypatch):
    ts = TokenStore(settings.data_dir / "t.sqlite3")
    monkeypatch.delenv("TEAMGRAPH_TOKEN_DAYS", raising=False)
    _, r = ts.create("admin")
    assert datetime.fromisoformat(r.expires) - datetime.fromisoformat(r.created) == timedelta(days=90)
    monkeypatch.setenv("TEAMGRAPH_TOKEN_DAYS", "7")
    _, r = ts.create("admin")
    assert datetime.fromisoformat(r.expires) - datetime.fromisoformat(r.created) == timedelta(days=7)
    for bad in ("0", "-3", "seven", "99999"):
        monkeypatch.setenv("TEAMGRAPH_TOKEN_DAYS", bad)
        with pytest.raises(ValidationError, match="TEAMGRAPH_TOKEN_DAYS"):
            default_days()
    with pytest.raises(ValidationError):
        ts.create("admin", days=0)


def test_token_create_days_and_list_shows_expiry(settings, monkeypatch):
    monkeypatch.setenv("TEAMGRAPH_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()
    out = runner.invoke(token, ["create", "--role", "admin", "--days", "3", "--label", "short"])
    assert out.exit_code == 0, out.output
    secret = out.stdout.strip().splitlines()[0]
    record = TokenStore(settings.data_dir / "tokens.sqlite3").lookup(secret)
    expires = datetime.fromisoformat(record.expires)
    assert timedelta(days=3) - timedelta(seconds=5) < expires - datetime.now(timezone.utc) <= timedelta(days=3)
    assert runner.invoke(token, ["create", "--role", "admin", "--days", "0"]).exit_code != 0
    with sqlite3.connect(settings.data_dir / "tokens.sqlite3") as db:
        db.execute("INSERT INTO tokens (hash, role, person, label, created, expires) VALUES "
                   "('x', 'admin', NULL, 'old', '2020-01-01T00:00:00+00:00', '2020-04-01T00:00:00+00:00')")
    listed = runner.invoke(token, ["list"]).output
    line = next(line for line in listed.splitlines() if "short" in line)
    assert f"expires {record.expires}" in line and "(expired)" not in line
    assert "expires 2020-04-01T00:00:00+00:00 (expired)" in next(line for line in listed.splitlines() if "old" in line)


OLD_SCHEMA = """CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    person TEXT,
    label TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL
)"""


def test_a_database_from_before_expiries_is_migrated_in_place(tmp_path, monkeypatch):
    monkeypatch.delenv("TEAMGRAPH_TOKEN_DAYS", raising=False)
    path = tmp_path / "tokens.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(OLD_SCHEMA)
        db.execute("INSERT INTO tokens (hash, role, person, label, created) VALUES (?, 'hr', 'ivy', 'old', "
                   "'2025-01-01T00:00:00+00:00')", (token_hash("tg_old"),))
    ts = TokenStore(path)
    record = ts.lookup("tg_old")  # still works…
    assert (record.role, record.person) == ("hr", "ivy")
    left = datetime.fromisoformat(record.expires) - datetime.now(timezone.utc)
    assert timedelta(days=89) < left <= timedelta(days=90)  # …but no longer forever
    assert ts.create("admin")[1].id == 2 and len(ts.list()) == 2
    assert TokenStore(path).lookup("tg_old") == record  # a second opening changes nothing


def _token_file_bytes(settings) -> bytes:
    return b"".join(p.read_bytes() for p in settings.data_dir.glob("tokens.sqlite3*"))


def test_forgetting_a_person_revokes_and_deletes_their_tokens(client, service, settings, tokens, auth, login):
    ts = TokenStore(settings.data_dir / "tokens.sqlite3")
    ts.create("member", "bo", label="second token")
    assert client.get("/api/v1/skills", headers=auth("member")).status_code == 200
    login("member")
    assert _signed_in(client)
    assert b"bo" in _token_file_bytes(settings)  # the grep below would see it
    out = service.forget("bo")
    assert out.summary["tokens_revoked"] == 2
    assert client.get("/api/v1/skills", headers=auth("member")).status_code == 401
    assert not _signed_in(client)
    with sqlite3.connect(settings.data_dir / "tokens.sqlite3") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert db.execute("SELECT count(*) FROM tokens WHERE person = 'bo'").fetchone() == (0,)
    assert b"bo" not in _token_file_bytes(settings)
    assert client.get("/api/v1/skills", headers=auth("hr")).status_code == 200  # others keep theirs
    assert ts.forget_person("bo") == 0
