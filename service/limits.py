"""Rate limits per client: public and admin budgets, and a strict one for failed logins.

Counters live in Redis when REDIS_URL is set, so every instance shares them; in memory otherwise.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

from service.config import Settings

EXEMPT_PREFIXES = ("/healthz", "/readyz", "/metrics", "/docs", "/openapi.json")


def _budget(settings: Settings) -> str:
    if request.path.startswith("/v1/admin"):
        return settings.ratelimit_admin
    return settings.ratelimit_public


def init_app(app: Flask, settings: Settings) -> Limiter:
    limiter = Limiter(
        get_remote_address,
        app=app,
        application_limits=[lambda: _budget(settings)],
        # Probes, docs and CORS preflights do not spend a client's budget.
        application_limits_exempt_when=lambda: (
            request.method == "OPTIONS" or request.path.startswith(EXEMPT_PREFIXES)
        ),
        storage_uri=settings.redis_url or "memory://",
        # A Redis outage must not take the API down: count in memory until it is back.
        in_memory_fallback_enabled=bool(settings.redis_url),
        headers_enabled=True,
        retry_after="delta-seconds",
        key_prefix=settings.ratelimit_key_prefix,
        enabled=settings.ratelimit_enabled,
    )
    app.extensions["backcare_limiter"] = limiter
    return limiter


def auth_failure_allowed() -> bool:
    """Count one failed authentication for this client; False once it is over its budget."""
    limiter: Limiter = current_app.extensions["backcare_limiter"]
    settings: Settings = current_app.config["SETTINGS"]
    if not settings.ratelimit_enabled:
        return True
    item = parse(settings.ratelimit_auth_failures)
    return bool(limiter.limiter.hit(item, "auth-failures", get_remote_address()))


def auth_failures_exhausted() -> int | None:
    """Seconds until this client may try again, or None while it is under its budget."""
    limiter: Limiter = current_app.extensions["backcare_limiter"]
    settings: Settings = current_app.config["SETTINGS"]
    if not settings.ratelimit_enabled:
        return None
    item = parse(settings.ratelimit_auth_failures)
    if limiter.limiter.test(item, "auth-failures", get_remote_address()):
        return None
    reset, _remaining = limiter.limiter.get_window_stats(
        item, "auth-failures", get_remote_address()
    )
    return max(1, int(reset - time.time()) + 1)
