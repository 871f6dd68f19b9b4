"""Apps on databases of their own whose requests really commit (for concurrency, jobs, sync),
and apps with changed settings on the test database."""

from __future__ import annotations

import dataclasses
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from sqlalchemy.orm import Session

from service import create_app
from service.admin import keys
from service.admin.audit import SYSTEM
from service.admin.bundle import import_bundle
from service.admin.models import Role
from service.admin.seed import read_seed
from service.config import Settings
from service.db import Database, drop_database, make_engine
from tests.toolkit.database import MakeDatabaseUrl
from tests.toolkit.repository import SEED, alembic_config


@dataclass
class LiveAdmin:
    """An app on a seeded database of its own whose requests really commit, with a key of
    each role."""

    app: Flask
    editor_key: str
    admin_key: str
    url: str


MakeLiveAdmin = Callable[..., LiveAdmin]


@dataclass(frozen=True)
class _Template:
    url: str
    editor_key: str
    admin_key: str
    # The copies made, dropped at the end of the run (back to back: each DROP DATABASE waits
    # for a checkpoint, which is quick when the previous one has just run).
    copies: list[str]


def _fill(url: str, bundle: dict[str, list[Any]]) -> tuple[str, str]:
    """Migrate the database at `url`, import `bundle` and make a key of each role: their
    secrets (editor, admin)."""
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            import_bundle(session, bundle)
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
    return editor, admin


@pytest.fixture(scope="session")
def live_template(make_database_url: MakeDatabaseUrl) -> Iterator[_Template]:
    """A migrated and seeded database with two keys, copied for each LiveAdmin."""
    url = make_database_url()
    editor, admin = _fill(url, read_seed(SEED))
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
    app: Flask, live_template: _Template, make_database_url: MakeDatabaseUrl, tmp_path: Path
) -> Iterator[MakeLiveAdmin]:
    """Build a LiveAdmin, with settings changed as asked: on a copy of the seeded database, or,
    given `content` (a bundle), on a database holding only that content. Each is disposed of at
    the end of the test (its pool closed, its version listener stopped)."""
    made: list[LiveAdmin] = []

    def make(content: dict[str, list[Any]] | None = None, **settings_changes: Any) -> LiveAdmin:
        if content is None:
            url = _copy_database(live_template.url, tmp_path)
            live_template.copies.append(url)
            editor, admin = live_template.editor_key, live_template.admin_key
        else:
            url = make_database_url()
            editor, admin = _fill(url, content)
        settings: Settings = app.config["SETTINGS"]
        live = create_app(dataclasses.replace(settings, database_url=url, **settings_changes))
        made.append(LiveAdmin(live, editor, admin, url))
        return made[-1]

    try:
        yield make
    finally:
        for live in made:
            database: Database = live.app.extensions["db"]
            database.dispose()


@pytest.fixture
def live_admin(make_live_admin: MakeLiveAdmin) -> LiveAdmin:
    return make_live_admin()


MakeApp = Callable[..., Flask]


@pytest.fixture
def make_app(app: Flask) -> Iterator[MakeApp]:
    """Apps built with changed settings on the test's database; disposed of at the end."""
    made: list[Flask] = []

    def make(**changes: Any) -> Flask:
        base: Settings = app.config["SETTINGS"]
        made.append(create_app(dataclasses.replace(base, **changes)))
        return made[-1]

    try:
        yield make
    finally:
        for other in made:
            database: Database = other.extensions["db"]
            database.dispose()
