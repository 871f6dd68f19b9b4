"""The database backend a run uses (`--backend`), and what a run without it does."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from tests import system_parts

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
