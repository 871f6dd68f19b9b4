"""The rules of the current request, taken once from the app's per-version cache."""

from __future__ import annotations

import threading

from flask import current_app, g

from service import db
from service.content.cache import LRU
from service.content.versioning import version_now
from service.recommendations.engine import Rules
from service.recommendations.services import current_rules

CACHE_KEY = "recommendation_rules"
LOADING_KEY = "recommendation_rules_loading"
# Serialised answers by (content version, request): a new version makes old ones unreachable.
ANSWERS_KEY = "recommendation_answers"


def init_app_cache(extensions: dict[str, object]) -> None:
    # A few versions: requests that started before an edit may still ask for the old one.
    extensions[CACHE_KEY] = LRU(4)
    # Made with the app, after gevent has patched threading in a worker: a greenlet lock.
    extensions[LOADING_KEY] = threading.Lock()
    extensions[ANSWERS_KEY] = LRU(2048)


def content_version_now() -> int:
    """The content version this request works with, read once."""
    if "content_version" not in g:
        g.content_version = version_now()
    version: int = g.content_version
    return version


def rules_now() -> Rules:
    if "rules" not in g:
        cache: LRU = current_app.extensions[CACHE_KEY]
        loading = current_app.extensions[LOADING_KEY]
        g.rules = current_rules(content_version_now(), db.session(), cache, loading)
    rules: Rules = g.rules
    return rules
