"""API fixtures in the Flask tutorial's shape: `app`, `client`, plus a token per role.

The app runs over `tiny_store` (each backend), with tokens in a temporary data folder:
sponsor acts as fay (fin; sponsor of p-crm/p-new), member as bo (eng; on p-wms and p-plat),
hr as ivy, admin as nobody.
"""

from __future__ import annotations

import pytest

from api.app import create_app
from api.tokens import token_store_for
from teamgraph.service import Teamgraph
from teamgraph.settings import Settings

PERSONS = {"sponsor": "fay", "member": "bo", "hr": "ivy", "admin": None}


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=tmp_path, secret_key="test-secret")


@pytest.fixture
def service(settings, tiny_store):
    svc = Teamgraph(settings, store=tiny_store)
    yield svc


@pytest.fixture
def app(settings, service):
    return create_app({"TESTING": True}, settings=settings, service=service)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def tokens(settings, app):
    ts = token_store_for(settings.data_dir)
    return {role: ts.create(role, person, label="test")[0] for role, person in PERSONS.items()}


@pytest.fixture
def auth(tokens):
    """auth("hr") -> headers for that role."""
    return lambda role: {"Authorization": f"Bearer {tokens[role]}"}
