"""Rate limits per client: public and admin budgets, and a strict one for failed logins.

Every request counts, matched or not (an unknown path or method spends the budget like any
other), except probes, metrics, the docs and CORS preflights. Counters live in Redis when
REDIS_URL is set, so every instance shares them; otherwise in a file the worker processes of
one instance share (RATELIMIT_FILE, set by gunicorn.conf.py); in memory for a single process.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

from service.config import ADMIN_PREFIX, Settings
from service.limit_storage import uri_for

# Blueprints of the probes, /metrics and the docs: matched requests to them spend no budget.
EXEMPT_BLUEPRINTS = frozenset({"health", "metrics", "api-docs", "swagger_assets"})
# flask-limiter skips a request without an endpoint; naming them all alike counts them.
UNMATCHED = "unmatched"


def _budget(settings: Settings) -> str:
    if request.path.startswith(ADMIN_PREFIX):
        return settings.ratelimit_admin
    return settings.ratelimit_public


def storage_uri(settings: Settings) -> str:
    if settings.redis_url:
        return settings.redis_url
    if settings.ratelimit_file:
        return uri_for(settings.ratelimit_file)
    return "memory://"


def init_app(app: Flask, settings: Settings) -> Limiter:
    limiter = Limiter(
        get_remote_address,
        app=app,
        application_limits=[lambda: _budget(settings)],
        application_limits_exempt_when=lambda: (
            request.method == "OPTIONS" or request.blueprint in EXEMPT_BLUEPRINTS
        ),
        request_identifier=lambda: request.endpoint or UNMATCHED,
        storage_uri=storage_uri(settings),
        # A Redis outage must not take the API down: count in memory until it is back.
        in_memory_fallback_enabled=bool(settings.redis_url),
        headers_enabled=True,
        retry_after="delta-seconds",
        key_prefix=settings.ratelimit_key_prefix,
        enabled=settings.ratelimit_enabled,
    )
    app.extensions["backcare_limiter"] = limiter
    return limiter


def auth_failure() -> int | None:
    """Count one failed authentication for this client.

    None while the client is within its budget; past it, the seconds until it may try again.
    Only failures are counted and only failures are refused: a client over its budget that
    presents a right key is let in, so wrong keys sent from an editor's address (a shared
    office network, a script with an old key) never lock the editor out.
    """
    limiter: Limiter = current_app.extensions["backcare_limiter"]
    settings: Settings = current_app.config["SETTINGS"]
    if not settings.ratelimit_enabled:
        return None
    item = parse(settings.ratelimit_auth_failures)
    client = get_remote_address()
    if limiter.limiter.hit(item, settings.ratelimit_key_prefix, "auth-failures", client):
        return None
    reset, _remaining = limiter.limiter.get_window_stats(
        item, settings.ratelimit_key_prefix, "auth-failures", client
    )
    return max(1, int(reset - time.time()) + 1)
