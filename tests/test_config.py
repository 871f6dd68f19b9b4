"""Configuration comes from the environment and a bad value stops the start with a clear message."""

from __future__ import annotations

import pytest

from service.config import DEFAULT_DATABASE_URL, ConfigError, Settings


def test_defaults_use_the_embedded_database() -> None:
    assert Settings.from_env({}).database_url == DEFAULT_DATABASE_URL


def test_plain_postgresql_url_uses_psycopg_3() -> None:
    settings = Settings.from_env({"DATABASE_URL": "postgresql://root@127.0.0.1:5432/backcare"})
    assert settings.database_url == "postgresql+psycopg://root@127.0.0.1:5432/backcare"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"MAX_CONTENT_LENGTH": "lots"}, "MAX_CONTENT_LENGTH must be an integer"),
        ({"MAX_CONTENT_LENGTH": "10"}, "between"),
        ({"SQL_ECHO": "maybe"}, "SQL_ECHO"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)
