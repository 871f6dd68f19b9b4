"""Configuration comes from the environment and a bad value stops the start with a clear message."""

from __future__ import annotations

import pytest

from service.config import DEFAULT_DATABASE_URL, ConfigError, Settings


def test_defaults_use_the_embedded_database() -> None:
    assert Settings.from_env({}).database_url == DEFAULT_DATABASE_URL


def test_limits_and_origins_are_read() -> None:
    settings = Settings.from_env(
        {
            "RATELIMIT_ENABLED": "false",
            "RATELIMIT_PUBLIC": "10/second;1000/hour",
            "CORS_ORIGINS": "https://a.example, https://b.example",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert settings.ratelimit_enabled is False
    assert settings.ratelimit_public == "10/second;1000/hour"
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.redis_url == "redis://127.0.0.1:6379/0"


def test_body_timeout_and_the_shared_counters_file_are_read() -> None:
    settings = Settings.from_env({"BODY_TIMEOUT": "3", "RATELIMIT_FILE": "/tmp/x/limits.db"})
    assert settings.body_timeout == 3
    assert settings.ratelimit_file == "/tmp/x/limits.db"
    assert Settings.from_env({}).ratelimit_file is None


def test_the_pool_size_and_wait_are_read() -> None:
    settings = Settings.from_env({"DATABASE_POOL_SIZE": "8", "DATABASE_POOL_TIMEOUT": "3"})
    assert (settings.database_pool_size, settings.database_pool_timeout) == (8, 3)
    assert (Settings().database_pool_size, Settings().database_pool_timeout) == (5, 10)


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
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be one of"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"RATELIMIT_ENABLED": "sometimes"}, "RATELIMIT_ENABLED must be true or false"),
        ({"RATELIMIT_PUBLIC": "lots"}, "RATELIMIT_PUBLIC must be a rate limit"),
        ({"RATELIMIT_ADMIN": "5 per fortnight"}, "RATELIMIT_ADMIN"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL"),
        ({"CORS_ORIGINS": "app.example.com"}, "CORS_ORIGINS"),
        ({"PROXY_HOPS": "-1"}, "PROXY_HOPS"),
        ({"BODY_TIMEOUT": "0"}, "BODY_TIMEOUT must be between"),
        ({"BODY_TIMEOUT": "soon"}, "BODY_TIMEOUT must be an integer"),
        ({"DATABASE_POOL_SIZE": "0"}, "DATABASE_POOL_SIZE must be between"),
        ({"DATABASE_POOL_TIMEOUT": "forever"}, "DATABASE_POOL_TIMEOUT must be an integer"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_a_read_replica_is_a_postgresql_url_beside_a_postgresql_primary() -> None:
    primary = "postgresql://app@primary:5432/backcare"
    settings = Settings.from_env(
        {"DATABASE_URL": primary, "READ_DATABASE_URL": "postgresql://app@replica:5432/backcare"}
    )
    assert settings.read_database_url == "postgresql+psycopg://app@replica:5432/backcare"
    assert Settings.from_env({"DATABASE_URL": primary}).read_database_url is None
    with pytest.raises(ConfigError, match="READ_DATABASE_URL must be a postgresql"):
        Settings.from_env({"DATABASE_URL": primary, "READ_DATABASE_URL": "sqlite:///x.db"})
    with pytest.raises(ConfigError, match="needs DATABASE_URL to be PostgreSQL"):
        Settings.from_env({"READ_DATABASE_URL": "postgresql://app@replica:5432/backcare"})
