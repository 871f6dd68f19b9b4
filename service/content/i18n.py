"""Choosing the language of a response and reading translated text fields."""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

from flask import Flask, Response, g, request

DEFAULT_LANGUAGE = "en"

# The language the current response is being written in; set once per request.
current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


def item_languages(item: Any) -> set[str]:
    translations = getattr(item, "translations", None) or {}
    return {DEFAULT_LANGUAGE, *translations}


def translated(obj: Any, field: str, value: Any, language: str) -> Any:
    """The field's text in `language`, or `value` (English) when it has no translation."""
    if language == DEFAULT_LANGUAGE:
        return value
    if isinstance(obj, dict):
        translations = obj.get("translations") or {}
    else:
        translations = getattr(obj, "translations", None) or {}
    return (translations.get(language) or {}).get(field, value)


def _match(requested: str, available: Iterable[str]) -> str | None:
    requested = requested.lower()
    options = sorted(available)
    if requested in options:
        return requested
    primary = requested.split("-", 1)[0]
    return primary if primary in options else None


def negotiate(available: set[str], explicit: str | None) -> str:
    """`?lang=` wins over Accept-Language; English is the fallback."""
    if explicit:
        return _match(explicit, available) or DEFAULT_LANGUAGE
    for requested, _quality in request.accept_languages:
        if requested == "*":
            break
        chosen = _match(requested, available)
        if chosen:
            return chosen
    return DEFAULT_LANGUAGE


def use_language(items: Iterable[Any], explicit: str | None) -> str:
    """Pick the response language among those the items have, and remember it."""
    available: set[str] = {DEFAULT_LANGUAGE}
    for item in items:
        available |= item_languages(item)
    language = negotiate(available, explicit)
    current_language.set(language)
    g.content_language = language
    return language


def init_app(app: Flask) -> None:
    @app.before_request
    def _reset_language() -> None:
        current_language.set(DEFAULT_LANGUAGE)

    @app.after_request
    def _language_headers(response: Response) -> Response:
        language = g.get("content_language")
        if language:
            response.headers["Content-Language"] = language
            response.vary.add("Accept-Language")
        return response
