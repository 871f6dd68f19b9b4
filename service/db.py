"""Declarative base, engine and the per-request session."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from service.listener import VersionListener, VersionPoller

# Alembic then names constraints the same way on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL (indexable with GIN), JSON text on SQLite.
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSONType,
        list[str]: JSONType,
        list[dict[str, Any]]: JSONType,
        datetime: UTCDateTime,
    }


def _json_dumps(value: Any) -> str:
    # Keep non-ASCII text readable in SQLite so that searches match it.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# The execution option that marks a write session's connections (`Database.new_session`).
WRITE = "backcare_write"


def backend(bind: str | sa.URL | Engine | sa.Connection | Session) -> str:
    """Which database this is: "sqlite" or "postgresql", from a URL, an engine or a session."""
    if isinstance(bind, Session):
        bind = bind.get_bind()
    if isinstance(bind, Engine | sa.Connection):
        return bind.dialect.name
    return sa.engine.make_url(bind).get_backend_name()


# How long a statement waits for a lock another transaction holds before it fails (and the
# request is answered 503 with Retry-After): well under the worker timeout.
DEFAULT_LOCK_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class Pool:
    """The connections each process keeps (as many again open at a peak), and how long a
    request waits for one when every one is busy: past it, a 503 with Retry-After."""

    size: int = 5
    timeout: int = 10

    def arguments(self, url: str) -> dict[str, Any]:
        database = sa.engine.make_url(url).database
        if backend(url) == "sqlite" and database in (None, "", ":memory:"):
            return {}  # one connection per thread: no queue to wait in
        return {"pool_size": self.size, "max_overflow": self.size, "pool_timeout": self.timeout}


def make_engine(
    url: str,
    *,
    echo: bool = False,
    pooler: str = "none",
    lock_timeout_ms: int = DEFAULT_LOCK_TIMEOUT_MS,
    pool: Pool = Pool(),
) -> Engine:
    # A failed statement's error (logged with its traceback) must not carry its parameters:
    # they hold key hashes, editors' text, whatever a client sent.
    kwargs: dict[str, Any] = {
        "echo": echo,
        "json_serializer": _json_dumps,
        "hide_parameters": True,
        **pool.arguments(url),
    }
    if backend(url) == "sqlite":
        # SQLite has one write lock per database: `timeout` is how long a writer waits for it.
        engine = sa.create_engine(url, connect_args={"timeout": lock_timeout_ms / 1000}, **kwargs)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite's own transaction handling breaks SAVEPOINTs; let SQLAlchemy emit BEGIN.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # Write-ahead logging: readers never wait for a writer (a long import included),
            # nor a writer for readers. The mode is kept in the file; this is a no-op after.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            write = connection.get_execution_options().get(WRITE, False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    connect_args = _connect_args(pooler)
    if pooler != "transaction":
        connect_args["options"] = f"-c lock_timeout={lock_timeout_ms}"
    # pre_ping: a PostgreSQL restart must not leave stale pooled connections behind.
    engine = sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    if pooler == "transaction":
        # A transaction pooler refuses startup options, and a session setting would leak to
        # whoever gets the server connection next: set the lock timeout per transaction.
        @sa.event.listens_for(engine, "begin")
        def _lock_timeout(connection: Any) -> None:
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(lock_timeout_ms)}")

    return engine


# deadlock_detected and serialization_failure: the transaction lost a race and was rolled
# back; running it again is safe and will usually succeed.
_CONFLICT_STATES = frozenset({"40P01", "40001"})
# lock_not_available: lock_timeout ran out while another transaction held the lock.
_BUSY_STATES = frozenset({"55P03"})
_SQLITE_BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def contention(error: BaseException) -> str | None:
    """Why a database error is about other transactions, if it is.

    "conflict": the transaction lost a race (a deadlock, a serialization failure) and can run
    again at once; "busy": it waited for a lock as long as it may; None: anything else.
    """
    orig = getattr(error, "orig", error)
    state = getattr(orig, "sqlstate", None)
    if state in _CONFLICT_STATES:
        return "conflict"
    if state in _BUSY_STATES:
        return "busy"
    if isinstance(orig, sqlite3.OperationalError) and (
        getattr(orig, "sqlite_errorcode", None) in _SQLITE_BUSY or "locked" in str(orig)
    ):
        return "busy"
    return None


def _connect_args(pooler: str) -> dict[str, Any]:
    # Behind a transaction pooler each transaction may run on another server connection, where
    # a statement psycopg prepared on the last one does not exist: never prepare.
    return {"prepare_threshold": None} if pooler == "transaction" else {}


def create_database(url: str) -> bool:
    """Create the PostgreSQL database of `url` when missing; True if it was created.

    SQLite creates its file on first connect, so only its folder is needed.
    """
    parsed = sa.engine.make_url(url)
    if backend(parsed) == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(parsed.database)), exist_ok=True)
        return False
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parsed.database},
            )
            if exists:
                return False
            quoted = admin.dialect.identifier_preparer.quote(parsed.database or "")
            connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
            return True
    finally:
        admin.dispose()


def drop_database(url: str) -> None:
    parsed = sa.engine.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            quoted = admin.dialect.identifier_preparer.quote(parsed.database or "")
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
    finally:
        admin.dispose()


class Database:
    """The engine and session factory of one app."""

    def __init__(
        self, engine: Engine, pooler: str = "none", read_engine: Engine | None = None
    ) -> None:
        self.engine = engine
        self.pooler = pooler
        self.sessionmaker = sessionmaker(bind=engine, expire_on_commit=False)
        # A streaming replica for public reads, and what decides when a request may use it
        # (service/replica.py): None means the primary.
        self.read_engine = read_engine
        self.read_sessionmaker = (
            sessionmaker(bind=read_engine, expire_on_commit=False) if read_engine else None
        )
        self.route_read: Callable[[Database], Session | None] | None = None
        self._autocommit: Engine | None = None
        self.listener: VersionListener | None = None
        if backend(engine) == "postgresql":
            # LISTEN holds a session; a transaction pooler gives none, so poll instead.
            kind = VersionPoller if pooler == "transaction" else VersionListener
            self.listener = kind(engine.url)

    @property
    def autocommit(self) -> Engine | None:
        """A small PostgreSQL pool for single-statement reads: one round trip each.

        No BEGIN/ROLLBACK and no pre-ping around the statement; callers retry once on a
        dropped connection instead. None on SQLite, where a read costs no round trip.
        """
        if backend(self.engine) != "postgresql":
            return None
        if self._autocommit is None:
            self._autocommit = sa.create_engine(
                self.engine.url,
                isolation_level="AUTOCOMMIT",
                hide_parameters=True,
                pool_size=2,
                max_overflow=4,
                pool_reset_on_return=None,
                connect_args=_connect_args(self.pooler),
            )
        return self._autocommit

    def new_session(self, *, write: bool = False) -> Session:
        """A new session; `write=True` for one that writes, whoever writes (a request, a command).

        On SQLite a write session's transactions take the write lock when they begin: one that
        reads and then writes can otherwise deadlock with another writer, and SQLite then fails
        it at once with "database is locked" (a 503) instead of waiting its turn. Readers are
        not affected; PostgreSQL needs nothing of the kind.
        """
        if not write:
            return self.sessionmaker()
        bind = self.sessionmaker.kw.get("bind")
        if isinstance(bind, Engine):
            # Same pool and listeners; the connections carry the WRITE option.
            bind = bind.execution_options(**{WRITE: True})
        return self.sessionmaker(bind=bind, info={WRITE: True})

    def dispose(self) -> None:
        """Close every pooled connection (an app that is going away)."""
        self.engine.dispose()
        if self.listener is not None:
            self.listener.stop()
        if self._autocommit is not None:
            self._autocommit.dispose()
        if self.read_engine is not None:
            self.read_engine.dispose()

    def bound_to_connection(self) -> bool:
        """Sessions share one outer connection (the test suite's rolled-back transaction)."""
        return isinstance(self.sessionmaker.kw.get("bind"), sa.Connection)


def init_app(
    app: Flask,
    url: str,
    *,
    echo: bool = False,
    pooler: str = "none",
    lock_timeout_ms: int = DEFAULT_LOCK_TIMEOUT_MS,
    read_url: str | None = None,
    pool: Pool = Pool(),
) -> Database:
    engine = make_engine(url, echo=echo, pooler=pooler, lock_timeout_ms=lock_timeout_ms, pool=pool)
    read_engine = make_engine(read_url, echo=echo, pooler=pooler, pool=pool) if read_url else None
    database = Database(engine, pooler, read_engine)
    app.extensions["db"] = database

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.close()

    return database


def get_db() -> Database:
    database: Database = current_app.extensions["db"]
    return database


def session(*, write: bool = False) -> Session:
    """The session of the current request (or app context), opened on first use.

    A writer says so (`write=True`) before its first query; a read session that has not begun
    a transaction yet is then replaced by a write session (`Database.new_session`). A read may
    be routed to the read replica (service/replica.py decides when); a write never is.
    """
    current: Session | None = g.get("db_session")
    if current is not None and write and not current.info.get(WRITE):
        if current.in_transaction():
            raise RuntimeError("ask for the write session before the first query")
        current.close()
        current = None
    if current is None:
        database = get_db()
        routed = None
        if not write and database.route_read is not None:
            routed = database.route_read(database)
        current = g.db_session = routed if routed is not None else database.new_session(write=write)
    return current
