"""API fixtures in the Flask tutorial's shape: `app`, `client`, `runner`, plus a token per role.

The app runs over `tiny_store` (each backend), with tokens in a temporary data folder:
sponsor acts as fay (fin; sponsor of p-crm/p-new), member as bo (eng; on p-wms and p-plat),
hr as ivy, admin as nobody.
"""

from __future__ import annotations

import pytest

from teamgraph.api.app import create_app
from teamgraph.api.tokens import token_store_for
from teamgraph.service import Teamgraph
from teamgraph.settings import Settings

from tests.api.api_samples import REQUEST

PERSONS = {"sponsor": "fay", "member": "bo", "hr": "ivy", "admin": None}


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=tmp_path, secret_key="test-secret")


@pytest.fixture
def service(settings, tiny_store):
    """The service over tiny_store; retrieval uses the deterministic hashing encoder (the API's
    behaviour, not ranking quality, is under test here)."""
    from teamgraph.embeddings.encoder import HashingEncoder
    return Teamgraph(settings, store=tiny_store, encoder=HashingEncoder(), progress=False)


@pytest.fixture
def app(settings, service):
    return create_app({"TESTING": True}, settings=settings, service=service)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def tokens(settings, app):
    ts = token_store_for(settings.data_dir)
    return {role: ts.create(role, person, label="test")[0] for role, person in PERSONS.items()}


@pytest.fixture
def login(client, tokens):
    """login("sponsor") signs the test client in through the page form; returns the CSRF token."""
    def do(role: str) -> str:
        resp = client.post("/login", data={"token": tokens[role]})
        assert resp.status_code == 302, resp.get_data(as_text=True)
        with client.session_transaction() as s:
            return s["csrf"]
    return do


@pytest.fixture
def auth(tokens):
    """auth("hr") -> headers for that role."""
    return lambda role: {"Authorization": f"Bearer {tokens[role]}"}


@pytest.fixture
def team_request():
    import copy
    return copy.deepcopy(REQUEST)
