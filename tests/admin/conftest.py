"""Fixtures for the admin API: keys of each role and clients that send them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from service import create_app, db
from service.admin import keys
from service.admin.audit import SYSTEM
from service.admin.bundle import import_bundle
from service.admin.models import Role
from service.admin.seed import read_seed
from service.catalogue import COLLECTIONS
from service.config import Settings
from service.content.models import ContentMixin
from tests.conftest import SEED, alembic_config

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


@dataclass
class LiveAdmin:
    """An app on a database of its own whose requests really commit, with keys of each role."""

    app: Flask
    editor_key: str
    admin_key: str
    url: str


@pytest.fixture
def make_live_admin(app: Flask, make_database_url: Any) -> Iterator[Callable[..., LiveAdmin]]:
    """Build a LiveAdmin (seeded, its own database), with settings changed as asked."""
    made: list[LiveAdmin] = []

    def make(**settings_changes: Any) -> LiveAdmin:
        url = make_database_url()
        command.upgrade(alembic_config(url), "head")
        settings: Settings = app.config["SETTINGS"]
        live = create_app(dataclasses.replace(settings, database_url=url, **settings_changes))
        with live.app_context():
            session = db.session()
            import_bundle(session, read_seed(SEED))
            _key, editor = keys.create_key(
                session, name="live editor", role=Role.EDITOR, actor=SYSTEM
            )
            _key, admin = keys.create_key(session, name="live admin", role=Role.ADMIN, actor=SYSTEM)
            session.commit()
        made.append(LiveAdmin(live, editor, admin, url))
        return made[-1]

    try:
        yield make
    finally:
        for live in made:
            live.app.extensions["db"].dispose()


@pytest.fixture
def live_admin(make_live_admin: Callable[..., LiveAdmin]) -> LiveAdmin:
    return make_live_admin()
