"""Fixtures for the admin API: keys of each role and clients that send them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from service.admin import keys
from service.admin.audit import SYSTEM
from service.admin.models import Role
from service.catalogue import COLLECTIONS
from service.content.models import ContentMixin

MakeKey = Callable[..., str]


@pytest.fixture
def make_key(session: Session) -> MakeKey:
    """Create a key (committed into the test's transaction) and return its secret."""

    def make(role: Role = Role.EDITOR, name: str = "test key", **fields: Any) -> str:
        _key, secret = keys.create_key(session, name=name, role=role, actor=SYSTEM, **fields)
        session.commit()
        return secret

    return make


def client_with(app: Flask, secret: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.fixture
def editor_key(make_key: MakeKey) -> str:
    return make_key(Role.EDITOR, "Ed Itor")


@pytest.fixture
def admin_key(make_key: MakeKey) -> str:
    return make_key(Role.ADMIN, "Ad Min")


@pytest.fixture
def editor(app: Flask, connection: sa.Connection, editor_key: str) -> FlaskClient:
    return client_with(app, editor_key)


@pytest.fixture
def admin(app: Flask, connection: sa.Connection, admin_key: str) -> FlaskClient:
    return client_with(app, admin_key)


@pytest.fixture
def reviewed(session: Session) -> None:
    """Every content item was reviewed recently, whatever the date the suite runs on."""
    for collection in COLLECTIONS:
        if issubclass(collection.model, ContentMixin):
            session.execute(
                sa.update(collection.model).values(
                    last_reviewed=date.today() - timedelta(days=10),
                    next_review=date.today() + timedelta(days=355),
                    reviewed_by="Dr Test",
                )
            )
    session.commit()
