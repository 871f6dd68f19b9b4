"""What a request may carry: strict JSON bodies and URLs and headers without NUL characters.

Python's json module keeps the last of duplicate keys, takes NaN and Infinity, and returns
strings with unpaired surrogates; PostgreSQL refuses NUL characters in text. Each of those would
become a silent surprise or a 500 further in, so they are refused here, once, with a 400.
"""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any

from flask import Flask, Request, Response, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

from service.errors import problem

# A NUL or half of a surrogate pair: neither can be stored as text (nor sent back as UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class BodyError(ValueError):
    """A JSON body that parses but cannot be taken as it is."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise BodyError(f"The key {key!r} appears more than once in an object.")
            seen.add(key)
    return result


def _no_constants(name: str) -> Any:
    raise BodyError(f"{name} is not a JSON number.")


def _check_strings(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                raise BodyError("Strings must not contain NUL characters or unpaired surrogates.")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, but request bodies with duplicate keys, NaN, NUL... are a 400."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(
                s, object_pairs_hook=_unique_keys, parse_constant=_no_constants, **kwargs
            )
        except RecursionError:
            raise BodyError("The JSON is nested too deeply.") from None
        # Both can only arrive as \u escapes (the parser refuses raw control characters and
        # invalid UTF-8), so a body without any escape needs no walk.
        escaped = b"\\u" in s if isinstance(s, bytes) else "\\u" in s
        if escaped:
            _check_strings(value)
        return value


class StrictRequest(Request):
    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if e is None:
            return super().on_json_loading_failed(e)
        # Flask hides the parser's message outside debug mode; it names a position in the
        # client's own body, which is what the client needs to fix it.
        raise BadRequest(f"The body is not valid JSON: {e}")


def init_app(app: Flask) -> None:
    app.json = StrictJSONProvider(app)
    app.request_class = StrictRequest

    @app.before_request
    def _refuse_nul() -> Response | None:
        environ = request.environ
        query = environ.get("QUERY_STRING", "")
        # Parsing the query is only worth it when it may hold a NUL (raw or %00).
        suspect_query = "%00" in query or "\x00" in query
        if (
            "\x00" in request.path
            or (
                suspect_query
                and any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True))
            )
            or any("\x00" in v for k, v in environ.items() if k.startswith("HTTP_"))
        ):
            return problem(
                HTTPStatus.BAD_REQUEST,
                "NUL characters are not allowed in the URL, its query or headers.",
            )
        return None
