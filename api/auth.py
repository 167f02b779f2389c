"""Who is asking: Bearer tokens for the API, a session cookie for the pages, roles per view.

Roles: sponsor (requests teams), member (reads knowledge), hr (everything about people,
including collaboration ratings and detailed loads), admin (everything, plus ingest). A token
acts as a person, so the visibility rules get their department and projects (`Viewer`).
Session-authenticated writes must echo the session's CSRF token in `X-CSRF-Token`.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from collections import Counter

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
            raise Unauthenticated("unknown or revoked token")
    elif session.get("token_id") is not None:
        record = tokens().by_id(session["token_id"])
        if record is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
            if not hmac.compare_digest(sent, session.get("csrf", "")):
                raise AccessDenied("missing or wrong X-CSRF-Token for a session-authenticated write")
    g.principal = record
    return record


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
            flash("That token is unknown or revoked.")
            return render_template("login.html"), 401
        session.clear()
        session["token_id"], session["csrf"] = record.id, secrets.token_urlsafe(24)
        target = request.args.get("next", "")
        return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("pages.home"))
    return render_template("login.html")


@bp.post("/logout")
def logout():
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
