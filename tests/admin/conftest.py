"""Fixtures for the admin API: keys of each role and clients that send them."""

from __future__ import annotations

import dataclasses
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from service import create_app
from service.admin import keys
from service.admin.audit import SYSTEM
from service.admin.bundle import import_bundle
from service.admin.models import Role
from service.admin.seed import read_seed
from service.catalogue import COLLECTIONS
from service.config import Settings
from service.content.models import ContentMixin
from service.db import drop_database, make_engine
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


@dataclass(frozen=True)
class _Template:
    url: str
    editor_key: str
    admin_key: str
    # The copies made, dropped at the end of the run (back to back: each DROP DATABASE waits
    # for a checkpoint, which is quick when the previous one has just run).
    copies: list[str]


@pytest.fixture(scope="session")
def live_template(make_database_url: Any) -> Iterator[_Template]:
    """A migrated and seeded database with two keys, copied for each LiveAdmin."""
    url = make_database_url()
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            import_bundle(session, read_seed(SEED))
            _key, editor = keys.create_key(
                session, name="live editor", role=Role.EDITOR, actor=SYSTEM
            )
            _key, admin = keys.create_key(session, name="live admin", role=Role.ADMIN, actor=SYSTEM)
            session.commit()
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                # Everything into the main file, which is what gets copied.
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    template = _Template(url, editor, admin, [])
    yield template
    for copy in template.copies:
        if not copy.startswith("sqlite"):
            drop_database(copy)


def _copy_database(template: str, tmp_path: Path) -> str:
    parsed = sa.engine.make_url(template)
    if parsed.get_backend_name() == "sqlite":
        copy = tmp_path / f"live-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(str(parsed.database), copy)
        return f"sqlite:///{copy}"
    name = f"{parsed.database}_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"')
    finally:
        server.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def make_live_admin(
    app: Flask, live_template: _Template, tmp_path: Path
) -> Iterator[Callable[..., LiveAdmin]]:
    """Build a LiveAdmin (a seeded database of its own), with settings changed as asked."""
    made: list[LiveAdmin] = []

    def make(**settings_changes: Any) -> LiveAdmin:
        url = _copy_database(live_template.url, tmp_path)
        live_template.copies.append(url)
        settings: Settings = app.config["SETTINGS"]
        live = create_app(dataclasses.replace(settings, database_url=url, **settings_changes))
        made.append(LiveAdmin(live, live_template.editor_key, live_template.admin_key, url))
        return made[-1]

    try:
        yield make
    finally:
        for live in made:
            live.app.extensions["db"].dispose()


@pytest.fixture
def live_admin(make_live_admin: Callable[..., LiveAdmin]) -> LiveAdmin:
    return make_live_admin()
