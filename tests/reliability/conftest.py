"""Fixtures for the reliability tests: a snapshot of the database, and figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.db import Base

# Figures the fuzz tests report at the end of the run (operations, requests, failures).
FIGURES: dict[str, int] = {}


def table_counts(session: Session) -> dict[str, Any]:
    """Rows per table, and the content version: equal before and after means nothing changed."""
    counts: dict[str, Any] = {
        name: session.scalar(sa.select(sa.func.count()).select_from(table))
        for name, table in sorted(Base.metadata.tables.items())
    }
    counts["content_state.version"] = session.scalar(sa.text("SELECT version FROM content_state"))
    return counts


@pytest.fixture
def snapshot(session: Session) -> Callable[[], dict[str, Any]]:
    """A function that returns the database's row counts and content version right now."""

    def take() -> dict[str, Any]:
        session.expire_all()
        return table_counts(session)

    return take


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        figures = ", ".join(f"{name} {value}" for name, value in sorted(FIGURES.items()))
        terminalreporter.write_line(f"fuzzing: {figures}")
