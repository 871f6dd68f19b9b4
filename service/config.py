"""Settings read from the environment once, validated at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///var/backcare.db"


class ConfigError(ValueError):
    """A configuration variable has a value the service cannot use."""


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    max_content_length: int = 1_048_576
    sql_echo: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        url = env.get("DATABASE_URL") or DEFAULT_DATABASE_URL
        if not url.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:")):
            raise ConfigError(
                "DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL, "
                f"got {url.split('://', 1)[0]!r}"
            )
        if url.startswith("postgresql:"):
            # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
            url = "postgresql+psycopg:" + url.removeprefix("postgresql:")
        echo = env.get("SQL_ECHO", "false").lower()
        if echo not in {"true", "false", "1", "0"}:
            raise ConfigError(f"SQL_ECHO must be true or false, got {echo!r}")
        return cls(
            database_url=url,
            max_content_length=_int(env, "MAX_CONTENT_LENGTH", 1_048_576, 1024, 104_857_600),
            sql_echo=echo in {"true", "1"},
        )
