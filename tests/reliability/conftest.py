"""Fixtures for the reliability tests: keys, a snapshot of the database, and figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from service.admin import keys
from service.admin.audit import SYSTEM
from service.admin.models import ApiKey, Role
from service.db import Base
from tests.admin.conftest import client_with

# Figures the fuzz tests report at the end of the run (operations, requests, failures).
FIGURES: dict[str, int] = {}


@pytest.fixture
def new_key(session: Session) -> Callable[..., tuple[ApiKey, str]]:
    """Create a key (committed into the test's transaction): the row and its secret."""

    def make(role: Role = Role.ADMIN, name: str = "reliability") -> tuple[ApiKey, str]:
        key, secret = keys.create_key(session, name=name, role=role, actor=SYSTEM)
        session.commit()
        return key, secret

    return make


@pytest.fixture
def admin(app: Flask, new_key: Callable[..., tuple[ApiKey, str]]) -> FlaskClient:
    _key, secret = new_key(Role.ADMIN, "Reliability admin")
    return client_with(app, secret)


@pytest.fixture
def editor(app: Flask, new_key: Callable[..., tuple[ApiKey, str]]) -> FlaskClient:
    _key, secret = new_key(Role.EDITOR, "Reliability editor")
    return client_with(app, secret)


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


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        figures = ", ".join(f"{name} {value}" for name, value in sorted(FIGURES.items()))
        terminalreporter.write_line(f"fuzzing: {figures}")
