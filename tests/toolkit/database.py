"""One database per run (SQLite file or a fresh PostgreSQL database), migrated and seeded once;
each test runs in a transaction that is rolled back."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from sqlalchemy.orm import Session

from service import create_app
from service.admin.bundle import import_bundle
from service.admin.seed import read_seed
from service.config import Settings
from service.content.cache import LRU
from service.db import Database, create_database, drop_database
from service.media_api.archive import import_files
from tests.toolkit.backends import POSTGRES_SERVER
from tests.toolkit.pictures import seed_pictures
from tests.toolkit.repository import SEED, alembic_config

MakeDatabaseUrl = Callable[[], str]


def clear_caches(app: Flask) -> None:
    """Empty the app's response caches (their answers are keyed by content versions)."""
    for extension in app.extensions.values():
        if isinstance(extension, LRU):
            extension.clear()


@pytest.fixture(scope="session")
def make_database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MakeDatabaseUrl]:
    """A factory of empty databases of the run's backend; PostgreSQL ones are dropped at the end."""
    created: list[str] = []

    def make() -> str:
        name = f"backcare_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / name}.db"
        url = (
            sa.engine.make_url(POSTGRES_SERVER)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
        create_database(url)
        created.append(url)
        return url

    yield make
    for url in created:
        drop_database(url)


@pytest.fixture(scope="session")
def app(
    make_database_url: MakeDatabaseUrl, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    url = make_database_url()
    command.upgrade(alembic_config(url), "head")
    # Pictures the tests upload go to a folder of the run's own, never under var/.
    media_root = str(tmp_path_factory.mktemp("media"))
    settings = Settings(database_url=url, ratelimit_enabled=False, media_root=media_root)
    app = create_app(settings, TESTING=True)
    database: Database = app.extensions["db"]
    # The seed's pictures are stored first, as `flask seed` stores them.
    media = app.extensions["media"]
    import_files(media["storage"], seed_pictures(), media["limits"])
    with database.sessionmaker() as session:
        import_bundle(session, read_seed(SEED))
        session.commit()
    yield app
    database.dispose()


@pytest.fixture
def connection(app: Flask) -> Iterator[sa.Connection]:
    """Every session of the test joins one outer transaction that is rolled back at the end."""
    database: Database = app.extensions["db"]
    # Versions roll back with each test, so answers cached under them must go too.
    clear_caches(app)
    connection = database.engine.connect()
    outer = connection.begin()
    database.sessionmaker.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield connection
    finally:
        database.sessionmaker.configure(
            bind=database.engine, join_transaction_mode="conservative_savepoint"
        )
        outer.rollback()
        connection.close()


@pytest.fixture
def session(app: Flask, connection: sa.Connection) -> Iterator[Session]:
    database: Database = app.extensions["db"]
    with database.sessionmaker() as session:
        yield session


@pytest.fixture
def seed_bundle() -> dict[str, list[Any]]:
    return read_seed(SEED)
