"""Settings read from the environment once, validated at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///var/backcare.db"
# Where the editors' API lives: its own budget, no caching, key-only access.
ADMIN_PREFIX = "/v1/admin"
TRUE, FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


# Every environment variable the service and its gunicorn config read.
VARIABLES = frozenset(
    {
        "DATABASE_URL",
        "DATABASE_POOLER",
        "DATABASE_POOL_SIZE",
        "DATABASE_POOL_TIMEOUT",
        "MAX_CONTENT_LENGTH",
        "MAX_IMPORT_LENGTH",
        "SQL_ECHO",
        "LOG_LEVEL",
        "LOG_FORMAT",
        "CORS_ORIGINS",
        "REDIS_URL",
        "RATELIMIT_ENABLED",
        "RATELIMIT_PUBLIC",
        "RATELIMIT_ADMIN",
        "RATELIMIT_AUTH_FAILURES",
        "RATELIMIT_KEY_PREFIX",
        "GZIP_MIN_SIZE",
        "CACHE_MAX_AGE",
        "PROXY_HOPS",
        "BODY_TIMEOUT",
        "RATELIMIT_FILE",
        "LOCK_TIMEOUT_MS",
        "IMPORT_JOB_BYTES",
        "IMPORT_JOB_ITEMS",
        "JOB_WORKER",
        "JOB_LEASE_SECONDS",
        "JOB_RETENTION_HOURS",
        "MEDIA_STORAGE",
        "MEDIA_ROOT",
        "MEDIA_MAX_BYTES",
        "MEDIA_MAX_PIXELS",
        # Read by gunicorn.conf.py and prometheus_client.
        "WEB_CONCURRENCY",
        "GUNICORN_TIMEOUT",
        "GUNICORN_GRACEFUL_TIMEOUT",
        "GUNICORN_ACCESS_LOG",
        "PROMETHEUS_MULTIPROC_DIR",
    }
)


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


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw not in TRUE | FALSE:
        raise ConfigError(f"{name} must be true or false, got {raw!r}")
    return raw in TRUE


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env.get(name, "").strip() or default
    if raw.lower() not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw.lower()


def _rate(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip() or default
    from limits import parse_many

    try:
        parse_many(raw)
    except ValueError:
        raise ConfigError(
            f"{name} must be a rate limit such as '120/minute' or '10/second;1000/hour', "
            f"got {raw!r}"
        ) from None
    return raw


def _database_url(env: Mapping[str, str]) -> str:
    url = env.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:")):
        raise ConfigError(
            "DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL, "
            f"got {url.split('://', 1)[0]!r}"
        )
    return _psycopg(url)


def _psycopg(url: str) -> str:
    if url.startswith("postgresql:"):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        url = "postgresql+psycopg:" + url.removeprefix("postgresql:")
    return url


def _read_database_url(env: Mapping[str, str], primary: str) -> str | None:
    """A streaming replica of the PostgreSQL primary, for public reads (service/replica.py)."""
    url = env.get("READ_DATABASE_URL", "").strip()
    if not url:
        return None
    if not url.startswith(("postgresql:", "postgresql+psycopg:")):
        raise ConfigError(
            f"READ_DATABASE_URL must be a postgresql+psycopg:// URL, got {url.split('://', 1)[0]!r}"
        )
    if not primary.startswith("postgresql"):
        raise ConfigError("READ_DATABASE_URL needs DATABASE_URL to be PostgreSQL (its primary)")
    return _psycopg(url)


def _media_storage(env: Mapping[str, str]) -> str | None:
    url = env.get("MEDIA_STORAGE", "").strip()
    if not url:
        return None
    bucket = url.removeprefix("s3://").split("/", 1)[0]
    if not url.startswith("s3://") or not bucket:
        raise ConfigError(f"MEDIA_STORAGE must be s3://bucket/prefix, got {url!r}")
    return url


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    # "transaction": PostgreSQL is reached through PgBouncer in transaction pooling mode.
    database_pooler: str = "none"
    # A streaming replica of DATABASE_URL that public reads may use (service/replica.py).
    read_database_url: str | None = None
    # Connections each worker process keeps to the database (as many again open at a peak),
    # and how long a request waits for one when all are busy before it is answered 503.
    database_pool_size: int = 5
    database_pool_timeout: int = 10
    max_content_length: int = 1_048_576
    # Bundles for POST /v1/admin/import are far larger than any other body.
    max_import_length: int = 52_428_800
    sql_echo: bool = False
    log_level: str = "info"
    log_format: str = "json"
    cors_origins: tuple[str, ...] = ()
    redis_url: str | None = None
    ratelimit_enabled: bool = True
    ratelimit_public: str = "300/minute"
    ratelimit_admin: str = "60/minute"
    ratelimit_auth_failures: str = "10/minute"
    ratelimit_key_prefix: str = "backcare"
    gzip_min_size: int = 1024
    cache_max_age: int = 300
    proxy_hops: int = 0
    # Seconds a client has to send a request body, plus one per MiB.
    body_timeout: int = 10
    # SQLite file the worker processes of one instance count rate limits in (without Redis).
    ratelimit_file: str | None = None
    # A write waits this long for another one to finish before it is answered 503.
    lock_timeout_ms: int = 5000
    # Imports at least this large (bytes of JSON, or items) run as jobs, outside the request.
    import_job_bytes: int = 1_048_576
    import_job_items: int = 5000
    # This process runs import jobs in a thread of its own (gunicorn workers, `flask jobs work`).
    job_worker: bool = True
    # A running job whose worker has not been heard from for this long is taken over.
    job_lease_seconds: int = 30
    # A finished job's stored bundle is deleted after this many hours.
    job_retention_hours: int = 168
    # Where pictures are kept: unset for local disk under media_root, or s3://bucket/prefix.
    media_storage: str | None = None
    media_root: str = "var/media"
    # An upload larger than this many bytes, or with more pixels than this, is a 413.
    media_max_bytes: int = 10 * 1024 * 1024
    media_max_pixels: int = 40_000_000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        origins = tuple(o.strip() for o in env.get("CORS_ORIGINS", "").split(",") if o.strip())
        for origin in origins:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise ConfigError(
                    "CORS_ORIGINS must list origins such as https://app.example.com, "
                    f"got {origin!r}"
                )
        redis_url = env.get("REDIS_URL", "").strip() or None
        if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(f"REDIS_URL must be a redis:// URL, got {redis_url!r}")
        database_url = _database_url(env)
        return cls(
            database_url=database_url,
            read_database_url=_read_database_url(env, database_url),
            database_pooler=_choice(env, "DATABASE_POOLER", "none", ("none", "transaction")),
            database_pool_size=_int(env, "DATABASE_POOL_SIZE", 5, 1, 100),
            database_pool_timeout=_int(env, "DATABASE_POOL_TIMEOUT", 10, 1, 60),
            max_content_length=_int(env, "MAX_CONTENT_LENGTH", 1_048_576, 1024, 104_857_600),
            max_import_length=_int(env, "MAX_IMPORT_LENGTH", 52_428_800, 1024, 1_073_741_824),
            sql_echo=_bool(env, "SQL_ECHO", False),
            log_level=_choice(
                env, "LOG_LEVEL", "info", ("debug", "info", "warning", "error", "critical")
            ),
            log_format=_choice(env, "LOG_FORMAT", "json", ("json", "text")),
            cors_origins=origins,
            redis_url=redis_url,
            ratelimit_enabled=_bool(env, "RATELIMIT_ENABLED", True),
            ratelimit_public=_rate(env, "RATELIMIT_PUBLIC", "300/minute"),
            ratelimit_admin=_rate(env, "RATELIMIT_ADMIN", "60/minute"),
            ratelimit_auth_failures=_rate(env, "RATELIMIT_AUTH_FAILURES", "10/minute"),
            ratelimit_key_prefix=env.get("RATELIMIT_KEY_PREFIX", "").strip() or "backcare",
            gzip_min_size=_int(env, "GZIP_MIN_SIZE", 1024, 0, 10_485_760),
            cache_max_age=_int(env, "CACHE_MAX_AGE", 300, 0, 86_400),
            proxy_hops=_int(env, "PROXY_HOPS", 0, 0, 5),
            body_timeout=_int(env, "BODY_TIMEOUT", 10, 1, 3600),
            ratelimit_file=env.get("RATELIMIT_FILE", "").strip() or None,
            lock_timeout_ms=_int(env, "LOCK_TIMEOUT_MS", 5000, 100, 25_000),
            import_job_bytes=_int(env, "IMPORT_JOB_BYTES", 1_048_576, 1024, 1_073_741_824),
            import_job_items=_int(env, "IMPORT_JOB_ITEMS", 5000, 1, 10_000_000),
            job_worker=_bool(env, "JOB_WORKER", True),
            job_lease_seconds=_int(env, "JOB_LEASE_SECONDS", 30, 2, 3600),
            job_retention_hours=_int(env, "JOB_RETENTION_HOURS", 168, 1, 87_600),
            media_storage=_media_storage(env),
            media_root=env.get("MEDIA_ROOT", "").strip() or "var/media",
            media_max_bytes=_int(env, "MEDIA_MAX_BYTES", 10_485_760, 1024, 1_073_741_824),
            media_max_pixels=_int(env, "MEDIA_MAX_PIXELS", 40_000_000, 1, 1_000_000_000),
        )
