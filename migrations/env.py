"""Alembic environment: the URL comes from DATABASE_URL (or the caller), SQLite uses batch mode."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from service import models  # noqa: F401  (registers every table on Base.metadata)
from service.config import Settings
from service.db import Base, backend, make_engine
from service.search.models import UNMODELLED_COLUMNS, UNMODELLED_INDEXES, UNMODELLED_TABLES

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def database_url() -> str:
    return config.attributes.get("database_url") or Settings.from_env().database_url


def include_name(name, type_, parent_names) -> bool:  # type: ignore[no-untyped-def]
    """Leave out what the search migration builds that the models cannot describe: FTS5
    tables (and their shadow tables), the tsvector column and the GIN indexes."""
    if type_ == "table":
        return not (name or "").startswith(UNMODELLED_TABLES)
    if type_ == "column":
        return (parent_names.get("table_name"), name) not in UNMODELLED_COLUMNS
    if type_ == "index":
        return name not in UNMODELLED_INDEXES
    return True


def run_migrations_offline() -> None:
    url = database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=backend(url) == "sqlite",
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = database_url()
    connection = config.attributes.get("connection")
    if connection is None:
        engine = make_engine(url)
        with engine.connect() as connection:
            _run(connection, url)
        engine.dispose()
    else:
        _run(connection, url)


def _run(connection, url: str) -> None:  # type: ignore[no-untyped-def]
    sqlite = backend(url) == "sqlite"
    if sqlite:
        # Batch mode rebuilds a table by copying it and dropping the old one; with foreign
        # keys enforced, that drop would cascade into the rows that refer to it.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
        render_as_batch=backend(url) == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
