"""Where the repository's parts are, and Alembic's configuration for migrating a database
(for the suite and the benchmarks alike)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed"


def alembic_config(url: str) -> Config:
    """Alembic's configuration for migrating the database at `url`."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    config.attributes["configure_logger"] = False
    return config
