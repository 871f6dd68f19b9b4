"""The app factory: every layer of the service assembled into one Flask app."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from service import bodies, cli, db, docs, errors, headers, health, limits, observability, replica
from service.admin import cli as admin_cli
from service.admin import jobs
from service.admin import routes as admin
from service.api import Api
from service.catalogue import COLLECTIONS
from service.config import Settings
from service.content import cache, i18n
from service.media_api import routes as media
from service.questionnaire import routes as questionnaire
from service.reads import blueprints
from service.recommendations import routes as recommendations
from service.recommendations import state as recommendation_state
from service.search import cli as search_cli
from service.search import index as search_index  # noqa: F401 - follows every write from import on
from service.search import routes as search
from service.sync import routes as sync

DISCLAIMER = (
    "This information is general education, not medical advice. It does not replace a "
    "diagnosis or treatment from a qualified professional. Call 999 or go to A&E at once for "
    "loss of bladder or bowel control, difficulty peeing, numbness or tingling around the "
    "genitals, buttocks or inner thighs, or pain, tingling, weakness or numbness in both legs."
)

API_DESCRIPTION = f"""
Content and recommendations behind the Backcare apps: stretches, strengthening exercises,
causes, symptoms (red flags marked with their urgency), risk factors, pain bands, recovery
remedies, routines, routine limits and FAQs, each citing its sources.

**{DISCLAIMER}**

Errors are `application/problem+json` (RFC 9457). Text is served in the language asked for
with `?lang=` or `Accept-Language`, falling back to English; `Content-Language` says which.
"""


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """Build the app: config -> db -> errors -> Api -> blueprints -> CLI."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, static_folder=None)
    app.config.update(
        SETTINGS=settings,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        API_TITLE="Backcare API",
        API_VERSION="1.0.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL=docs.ASSETS_URL,
        OPENAPI_SWAGGER_UI_CONFIG=docs.SWAGGER_UI_CONFIG,
        API_SPEC_OPTIONS={
            "info": {
                "description": API_DESCRIPTION,
                "license": {"name": "Proprietary"},
            },
        },
        **overrides,
    )
    observability.configure_logging(settings.log_level, settings.log_format)
    if settings.proxy_hops:
        # Behind a load balancer the client address is in X-Forwarded-For.
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    database = db.init_app(
        app,
        settings.database_url,
        echo=settings.sql_echo,
        pooler=settings.database_pooler,
        lock_timeout_ms=settings.lock_timeout_ms,
        pool=db.Pool(settings.database_pool_size, settings.database_pool_timeout),
        read_url=settings.read_database_url,
    )
    errors.register(app)
    bodies.init_app(
        app,
        body_timeout=settings.body_timeout,
        max_body=settings.max_content_length,
        max_large_body=settings.max_import_length,
    )
    observability.init_app(app)
    headers.init_app(app, settings)
    limits.init_app(app, settings)
    i18n.init_app(app)
    recommendation_state.init_app_cache(app.extensions)
    cached = {c.ident for c in COLLECTIONS if c.public is not None}
    cached |= {"sync", "questionnaire", "search"}
    replica.init_app(app, database)  # before the cache, which needs the version clients saw
    cache.init_app(
        app,
        cacheable=lambda: request.blueprint in cached,
        max_age=settings.cache_max_age,
    )
    api = Api(app)
    api.register_blueprint(health.blp)
    for blueprint in blueprints():
        api.register_blueprint(blueprint)
    api.register_blueprint(questionnaire.blp)
    api.register_blueprint(recommendations.blp)
    api.register_blueprint(sync.blp)
    api.register_blueprint(search.blp)
    admin.register(api)
    media.init_app(app, api, settings, database)
    jobs.init_app(app)
    docs.link_safe(api)
    docs.annotate(api)
    app.register_blueprint(docs.blp)
    cli.register(app)
    admin_cli.register(app)
    search_cli.register(app)
    return app
