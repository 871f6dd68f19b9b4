"""Fixtures: one database per run (SQLite file or a fresh PostgreSQL database), migrated and
seeded once; each test runs in a transaction that is rolled back."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from service import create_app
from service.admin import keys
from service.admin.audit import SYSTEM
from service.admin.bundle import import_bundle
from service.admin.models import Role
from service.admin.seed import read_seed
from service.config import Settings
from service.content.cache import LRU
from service.db import Database, create_database, drop_database
from tests import system_parts

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seed"
POSTGRES_SERVER = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="Database the suite runs against.",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of what only PostgreSQL does (row locks...) are not run against SQLite at all."""
    if config.getoption("--backend") == "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("postgres_only") is None]
    deselected = [item for item in items if item.get_closest_marker("postgres_only") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Programs from outside .venv that are missing, and what is skipped without them."""
    missing = system_parts.missing_parts()
    return [f"MISSING SYSTEM PART: {line}" for line in system_parts.banner(missing)]


def _postgres_reachable() -> str | None:
    engine = sa.create_engine(POSTGRES_SERVER, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return None
    except sa.exc.OperationalError as error:
        return str(error.orig).strip().splitlines()[0]
    finally:
        engine.dispose()


def pytest_sessionstart(session: pytest.Session) -> None:
    if session.config.getoption("--backend") != "postgresql":
        return
    problem = _postgres_reachable()
    if problem is None:
        return
    banner = f"PostgreSQL at {POSTGRES_SERVER} is unreachable ({problem})."
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.exit(f"{banner} In CI this is a failure.", returncode=3)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("!", "POSTGRESQL HALF SKIPPED", red=True, bold=True)
        reporter.write_line(banner + " Start it, or set TEST_POSTGRES_URL.", red=True)
    pytest.exit("PostgreSQL unreachable: its half of the suite was skipped.", returncode=0)


@pytest.fixture(scope="session")
def backend(pytestconfig: pytest.Config) -> str:
    return str(pytestconfig.getoption("--backend"))


@pytest.fixture(scope="session")
def make_database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
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


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    config.attributes["configure_logger"] = False
    return config


@pytest.fixture(scope="session")
def app(make_database_url: Any) -> Iterator[Flask]:
    url = make_database_url()
    command.upgrade(alembic_config(url), "head")
    app = create_app(Settings(database_url=url, ratelimit_enabled=False), TESTING=True)
    database: Database = app.extensions["db"]
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
    for extension in app.extensions.values():
        if isinstance(extension, LRU):
            extension.clear()
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
def client(app: Flask, connection: sa.Connection) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def seed_bundle() -> dict[str, list[Any]]:
    return read_seed(SEED)


@pytest.fixture
def editor(app: Flask, session: Session, connection: sa.Connection) -> FlaskClient:
    """A client with an editor's key (tests/admin and tests/reliability have their own)."""
    _key, secret = keys.create_key(session, name="Test editor", role=Role.EDITOR, actor=SYSTEM)
    session.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client
