"""Who is asking: Bearer tokens for the API, a session cookie for the pages, roles per view.

Roles: sponsor (requests teams), member (reads knowledge), hr (everything about people,
including collaboration ratings and detailed loads), admin (everything, plus ingest). A token
acts as a person, so the visibility rules get their department and projects (`Viewer`).
Session-authenticated writes must echo the session's CSRF token in `X-CSRF-Token` (the pages'
forms send it as the `csrf_token` field) — signing out included. After login, `next` is followed
only to a path on this site.
"""

from __future__ import annotations

import functools
import hmac
import secrets
import unicodedata
from collections import Counter
from urllib.parse import unquote, urlsplit

from flask import Blueprint, Flask, current_app, flash, g, redirect, render_template, request, session, url_for

from teamgraph.api.errors import Unauthenticated
from teamgraph.api.tokens import TokenRecord, TokenStore, token_store_for
from teamgraph.graph.model import ROLES, Viewer
from teamgraph.core import ADMIN, PEOPLE_DATA, PLANNERS  # noqa: F401  (re-exported for the views)
from teamgraph.errors import AccessDenied

ALL = ROLES

bp = Blueprint("auth", __name__)


def tokens() -> TokenStore:
    return current_app.extensions["teamgraph.tokens"]


def principal() -> TokenRecord | None:
    """The token record behind this request (Bearer header first, then the session), or None."""
    if "principal" in g:
        return g.principal
    record = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("use 'Authorization: Bearer <token>'")
        record = tokens().lookup(token.strip())
        if record is None:
            raise Unauthenticated("unknown, revoked or expired token")
    elif session.get("token_id") is not None:
        record = tokens().by_id(session["token_id"])
        if record is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            check_csrf()
    g.principal = record
    return record


def check_csrf() -> None:
    """403 unless the request echoes this session's CSRF token (header or form field)."""
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8")):
        raise AccessDenied("missing or wrong X-CSRF-Token for a session-authenticated write")


def _unsafe_path(target: str, *, spaces: bool) -> bool:
    if not target.startswith("/") or target[1:2] in ("/", "\\"):
        return True  # not a path, or protocol-relative (`//host`, `/\host`)
    if "\\" in target:
        return True  # browsers read a backslash as `/`
    banned = "CZ" if not spaces else "C"
    if any(unicodedata.category(c)[0] in banned for c in target):
        return True  # control and format characters (browsers drop tabs and newlines)
    parts = urlsplit(target)
    return bool(parts.scheme or parts.netloc)


def safe_next(target: str | None) -> str | None:
    """`target` if it is a same-site relative path (`/…`), else None.

    Refused: anything a browser could read as another host or scheme — `//host`, `/\\host`,
    backslashes, control characters anywhere (`/<tab>/host` becomes `//host`), schemes — checked on
    the value as given (where spaces are refused too), percent-decoded once and twice more, and
    NFKC-normalised (fullwidth `／`).
    """
    if not target or len(target) > 2000:
        return None
    decoded = {unquote(target), unquote(unquote(target))}
    decoded |= {unicodedata.normalize("NFKC", f) for f in decoded | {target}}
    if _unsafe_path(target, spaces=False) or any(_unsafe_path(f, spaces=True) for f in decoded):
        return None
    return target


def viewer() -> Viewer:
    """The Viewer for visibility rules, built by the service (department, projects) and cached."""
    if "viewer" not in g:
        p = principal()
        if p is None:
            raise Unauthenticated("sign in or send 'Authorization: Bearer <token>'")
        g.viewer = current_app.extensions["teamgraph"].viewer(p.role, p.person)
    return g.viewer


def require(*roles: str):
    """Allow the view to `roles` only: 401 without credentials, 403 with the wrong role."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            p = principal()
            if p is None:
                raise Unauthenticated("sign in or send 'Authorization: Bearer <token>'")
            if p.role not in roles:
                raise AccessDenied(f"the {p.role} role may not use this; allowed: {', '.join(roles)}")
            return view(*args, **kwargs)
        wrapper.roles = roles  # read by the OpenAPI document and the role-matrix tests
        return wrapper
    return decorate


def is_privileged() -> bool:
    p = principal()
    return p is not None and p.role in PEOPLE_DATA


@bp.route("/login", methods=("GET", "POST"))
def login():
    """Page login: paste an API token; the session remembers the token id, never the secret."""
    if request.method == "POST":
        record = tokens().lookup(request.form.get("token", "").strip())
        if record is None:
            flash("That token is unknown, revoked or expired.")
            return render_template("login.html"), 401
        session.clear()
        session["token_id"], session["csrf"] = record.id, secrets.token_urlsafe(24)
        return redirect(safe_next(request.args.get("next")) or url_for("pages.home"))
    return render_template("login.html")


@bp.post("/logout")
def logout():
    """Sign out (POST only, with the session's CSRF token, so another site cannot sign you out)."""
    if session.get("token_id") is not None:
        check_csrf()
    session.clear()
    return redirect(url_for("auth.login"))


def demo_tokens(settings, store) -> dict[str, str]:
    """Fresh tokens for each role on the demo organisation (earlier demo tokens are revoked).

    sponsor acts as the person sponsoring the most projects, member as the busiest non-HR
    project member, hr as someone in the HR department; admin acts as nobody in particular.
    """
    ts = token_store_for(settings.data_dir)
    ts.revoke_label("demo")
    people = {p.id: p for p in store.all("person") if p.status == "active"}
    depts = {d.id: d for d in store.all("department")}
    sponsors = Counter(pr.sponsor for pr in store.all("project") if pr.sponsor in people)
    members = Counter(m.person for m in store.all("membership") if m.person in people)

    def is_hr(pid: str) -> bool:
        d = depts.get(people[pid].department)
        text = f"{people[pid].department} {d.name if d else ''}".lower()
        return any(w in text.split() or text.startswith(w) for w in ("hr", "people", "human"))

    hr = sorted((p for p in people if is_hr(p)), key=lambda p: (-members[p], p))
    chosen = {
        "sponsor": sponsors.most_common(1)[0][0] if sponsors else None,
        "member": next((p for p, _ in members.most_common() if not is_hr(p)), None),
        "hr": hr[0] if hr else None,
    }
    out = {}
    for role in ROLES:
        person = chosen.get(role) or (next(iter(sorted(people)), None) if role != "admin" else None)
        out[role], _ = ts.create(role, person, label="demo")
    return out


def init_app(app: Flask) -> None:
    path = app.config.get("TOKENS_PATH")
    app.extensions["teamgraph.tokens"] = TokenStore(path) if path else token_store_for(
        app.extensions["teamgraph.settings"].data_dir)
    app.register_blueprint(bp)
