"""The SQL statements a request runs, counted on the test's connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask


@contextmanager
def count_statements(app: Flask, connection: sa.Connection) -> Iterator[list[str]]:
    """The statements run on `connection` inside the block (the suite's savepoints aside)."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # The test harness's savepoints are not the request's work.
        if "SAVEPOINT" not in statement:
            statements.append(statement)

    sa.event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(connection, "before_cursor_execute", record)
