"""A served instance (gunicorn on loopback, a seeded database of its own, an editor's key)
for the tests that use the service as a browser or a web front end does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.reliability.servers import Server, gunicorn, prepare_database
from tests.toolkit.database import MakeDatabaseUrl

# Figures of the TypeScript check, printed at the end of the run.
FIGURES: dict[str, Any] = {}


@dataclass(frozen=True)
class Served:
    server: Server
    editor_key: str

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="session")
def served(make_database_url: MakeDatabaseUrl) -> Iterator[Served]:
    url = make_database_url()
    secret = prepare_database(url, "editor")
    with gunicorn(url, workers=1) as server:
        yield Served(server, secret)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        figures = ", ".join(f"{name} {value}" for name, value in FIGURES.items())
        terminalreporter.write_line(f"web client: {figures}")
