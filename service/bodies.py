"""What a request may carry: whole bodies within their limits, strict UTF-8 JSON, and URLs and
headers without NUL characters.

Every body is read in full before the application sees the request (`BufferedBodies`): a body
over its limit is a 413 whether it came with a Content-Length or chunked, a body sent too slowly
is a 408, and no handler ever waits on a client while it holds a database connection or lock.

JSON is UTF-8 (RFC 8259). Python's json module would guess UTF-16 or UTF-32 from the first
bytes and let encoded surrogates through; it keeps the last of duplicate keys, takes NaN and
Infinity, and returns strings with unpaired surrogates; PostgreSQL refuses NUL characters in
text. Each of those would become a silent surprise or a 500 further in, so they are refused
here, once, with a 400 (or a 415 for a body declared in another charset or content coding).
"""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any, TypeVar

from flask import Flask, Request, Response, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    NotImplemented,
    RequestEntityTooLarge,
    RequestTimeout,
)

from service.errors import problem

# Where the middleware leaves what it found for the app: an error to answer, if any.
BODY_ERROR = "backcare.body_error"
# Each body gets its base time plus one second for each of these many bytes.
BYTES_PER_SECOND = 1024 * 1024
_CHUNK = 64 * 1024
View = TypeVar("View", bound=Callable[..., Any])

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
        if isinstance(s, bytes | bytearray):
            # json.loads(bytes) would guess UTF-16 or UTF-32 and accept encoded surrogates.
            try:
                s = bytes(s).decode("utf-8")
            except UnicodeDecodeError as error:
                raise BodyError(
                    f"JSON bodies must be UTF-8: the byte at position {error.start} is not "
                    "valid utf-8."
                ) from None
        try:
            value = json.loads(
                s, object_pairs_hook=_unique_keys, parse_constant=_no_constants, **kwargs
            )
        except RecursionError:
            raise BodyError("The JSON is nested too deeply.") from None
        # Both can only arrive as \u escapes (the parser refuses raw control characters and
        # strict UTF-8 refuses encoded surrogates), so a body without any escape needs no walk.
        if "\\u" in s:
            _check_strings(value)
        return value


class StrictRequest(Request):
    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if e is None:
            return super().on_json_loading_failed(e)
        # Flask hides the parser's message outside debug mode; it names a position in the
        # client's own body, which is what the client needs to fix it.
        raise BadRequest(f"The body is not valid JSON: {e}")


def large_body(view: View) -> View:
    """Mark a view that takes bodies up to MAX_IMPORT_LENGTH instead of MAX_CONTENT_LENGTH."""
    view.large_body = True  # type: ignore[attr-defined]
    return view


def takes(*types: str) -> Callable[[View], View]:
    """Mark a view that takes bodies of these types (an upload, an archive), not JSON; the
    view checks the type itself (415 otherwise)."""

    def mark(view: View) -> View:
        view.body_types = types  # type: ignore[attr-defined]
        return view

    return mark


class BufferedBodies:
    """WSGI middleware: read each request body whole, within its limit and its time.

    A chunked body has no length to check up front, and werkzeug stops reading it at the limit
    without a word (the view then sees a truncated body), so the limit is applied here to the
    bytes themselves, one more than allowed being enough to refuse. Reading first also means a
    client trickling its body ties up only its own connection, never a handler mid-transaction.
    """

    def __init__(self, app: Flask, timeout: float, default: int, large: int) -> None:
        self.app = app
        self.wsgi_app = app.wsgi_app
        self.timeout = timeout
        self.default = default
        self.large = large

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        declared = environ.get("CONTENT_LENGTH") or ""
        if chunked or declared not in ("", "0"):
            self._buffer(environ, chunked, declared)
        result: Iterable[bytes] = self.wsgi_app(environ, start_response)
        return result

    def _limit(self, environ: dict[str, Any]) -> int:
        try:
            endpoint, _args = self.app.url_map.bind_to_environ(environ).match()
        except HTTPException:
            return self.default
        view = self.app.view_functions.get(str(endpoint))
        return self.large if getattr(view, "large_body", False) else self.default

    def _buffer(self, environ: dict[str, Any], chunked: bool, declared: str) -> None:
        limit = self._limit(environ)
        length: int | None = None
        if not chunked:
            try:
                length = int(declared)
            except ValueError:
                length = -1
        error: HTTPException | None = None
        body = b""
        codings = {c.strip() for c in environ.get("HTTP_TRANSFER_ENCODING", "").lower().split(",")}
        if codings - {"chunked", "identity", ""}:
            # The server undoes the chunking only: a gzipped body would reach the view as is.
            error = NotImplemented(
                "Request bodies are taken with Transfer-Encoding chunked only; send them "
                "uncompressed."
            )
        elif length is not None and length < 0:
            error = BadRequest("Content-Length must be a number of bytes.")
        elif length is not None and length > limit:
            error = RequestEntityTooLarge(_too_large(limit))
        else:
            body, error = self._read(environ, limit, length)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        if error is not None:
            environ[BODY_ERROR] = error

    def _read(
        self, environ: dict[str, Any], limit: int, length: int | None
    ) -> tuple[bytes, HTTPException | None]:
        stream = environ["wsgi.input"]
        # gunicorn's socket: each read may wait only for what is left of the body's time.
        sock = environ.get("gunicorn.socket")
        previous = sock.gettimeout() if sock is not None else None
        started = time.monotonic()
        chunks: list[bytes] = []
        total = 0
        expected = limit + 1 if length is None else length
        try:
            while total < expected:
                left = self.timeout + total / BYTES_PER_SECOND - (time.monotonic() - started)
                if left <= 0:
                    return b"", _too_slow(self.timeout)
                if sock is not None:
                    sock.settimeout(left)
                data = stream.read(min(_CHUNK, expected - total))
                if not data:
                    break
                chunks.append(data)
                total += len(data)
        except TimeoutError:
            return b"", _too_slow(self.timeout)
        finally:
            if sock is not None:
                sock.settimeout(previous)
        if total > limit:
            return b"", RequestEntityTooLarge(_too_large(limit))
        if length is not None and total < length:
            return b"", BadRequest("The body ended before its Content-Length.")
        return b"".join(chunks), None


def _too_large(limit: int) -> str:
    return f"The request body exceeds the limit of {limit} bytes for this endpoint."


def _too_slow(timeout: float) -> RequestTimeout:
    return RequestTimeout(
        f"The request body did not arrive in time ({timeout:g} seconds, plus one per MiB)."
    )


def init_app(app: Flask, *, body_timeout: float, max_body: int, max_large_body: int) -> None:
    app.json = StrictJSONProvider(app)
    app.request_class = StrictRequest
    app.wsgi_app = BufferedBodies(  # type: ignore[method-assign]
        app, body_timeout, max_body, max(max_body, max_large_body)
    )

    @app.before_request
    def _body_as_read() -> Response | None:
        error = request.environ.get(BODY_ERROR)
        if error is not None:
            raise error
        if not request.content_length:
            return None
        coding = request.headers.get("Content-Encoding", "identity").strip().lower()
        if coding not in ("", "identity"):
            return problem(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                f"Request bodies are not accepted with Content-Encoding {coding!r}; "
                "send them uncompressed.",
            )
        charset = request.mimetype_params.get("charset", "utf-8").strip().lower()
        if charset not in ("utf-8", "utf8"):
            return problem(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                f"JSON bodies are UTF-8; charset={charset!r} is not accepted.",
            )
        return None

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
