"""A writer asks for a write session, wherever it writes from: on SQLite it takes the lock first."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from service.db import Database, backend, make_engine


def _statements(engine: sa.Engine) -> list[str]:
    seen: list[str] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    return seen


def test_a_write_session_begins_immediate_on_sqlite_and_a_read_session_does_not(
    tmp_path: Path,
) -> None:
    database = Database(make_engine(f"sqlite:///{tmp_path / 'write.db'}"))
    seen = _statements(database.engine)
    with database.new_session(write=True) as session:
        session.execute(sa.text("SELECT 1"))
    with database.new_session() as session:
        session.execute(sa.text("SELECT 1"))
    database.dispose()
    assert seen == ["BEGIN IMMEDIATE", "SELECT 1", "BEGIN", "SELECT 1"]


def test_a_write_session_holds_the_write_lock_from_its_first_read(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lock.db'}"
    database = Database(make_engine(url))
    with database.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    other = Database(make_engine(url, lock_timeout_ms=100))
    with database.new_session(write=True) as writer:
        writer.execute(sa.text("SELECT count(*) FROM t"))
        with other.new_session(write=True) as second, pytest.raises(OperationalError):
            second.execute(sa.text("SELECT count(*) FROM t"))
        # Readers are not held up (write-ahead logging).
        with other.new_session() as reader:
            assert reader.execute(sa.text("SELECT count(*) FROM t")).scalar() == 0
    other.dispose()
    database.dispose()


@pytest.mark.parametrize(
    ("bind", "name"),
    [
        ("sqlite:///var/x.db", "sqlite"),
        ("postgresql+psycopg://u@h:5432/d", "postgresql"),
        (sa.engine.make_url("postgresql+psycopg://u@h/d"), "postgresql"),
    ],
)
def test_backend_names_the_database_of_a_url(bind: str | sa.URL, name: str) -> None:
    assert backend(bind) == name
