"""The service's exceptions and the one handler that turns every error into problem+json."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, json, request
from sqlalchemy import exc as sa_exc
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from service.db import contention

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class ServiceError(Exception):
    """An error a client caused or must know about; carries its HTTP status."""

    status = HTTPStatus.INTERNAL_SERVER_ERROR

    def __init__(
        self,
        detail: str,
        *,
        errors: dict[str, Any] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        # More members of the problem object (RFC 9457 "extension members").
        self.extensions = extensions


class NotFound(ServiceError):
    status = HTTPStatus.NOT_FOUND


class Conflict(ServiceError):
    status = HTTPStatus.CONFLICT


class InvalidInput(ServiceError):
    """Input that parsed but breaks a rule; `errors` maps each field path to its messages."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY


class Busy(ServiceError):
    """Other writes kept the database busy for longer than a request may wait."""

    status = HTTPStatus.SERVICE_UNAVAILABLE
    retry_after = 2


BUSY_DETAIL = "Another write is in progress and took too long to finish; try again shortly."


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> Response:
    """An RFC 9457 problem details response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        # A URI reference (RFC 9457), so percent-encoded like the path the client sent.
        "instance": quote(request.path, safe="/:@!$&'()*+,;=~"),
    }
    if errors:
        body["errors"] = errors
    for name, value in (extensions or {}).items():
        body.setdefault(name, value)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"json": {"symptoms": {"0": ["Unknown"]}}} -> {"json.symptoms.0": ["Unknown"]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_errors(value, path))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_"] = list(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            flat.update(flatten_errors(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "_"] = [str(messages)]
    return flat


def describe_fields(errors: dict[str, list[str]]) -> str:
    parts = [f"{path}: {'; '.join(messages)}" for path, messages in sorted(errors.items())]
    return "Invalid input. " + " | ".join(parts)


def http_exception_response(error: HTTPException) -> Response:
    status = error.code or 500
    headers = dict(error.get_headers() or [])
    headers.pop("Content-Type", None)
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if messages:
        # webargs puts validation errors under their location: json, query, headers...
        errors = flatten_errors(messages)
        return problem(status, describe_fields(errors), errors=errors, headers=headers)
    detail = data.get("message") or error.description or HTTPStatus(status).phrase
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        detail = f"Too many requests: the limit is {detail}. Wait for Retry-After seconds."
    return problem(status, detail, headers={**headers, **data.get("headers", {})})


def register(app: Flask) -> None:
    @app.before_request
    def _require_json_bodies() -> Response | None:
        # webargs ignores a body it cannot read as JSON, which would turn a form post into
        # an empty (and valid) request: refuse it instead.
        has_body = bool(request.content_length) or "chunked" in request.headers.get(
            "Transfer-Encoding", ""
        )
        if request.routing_exception is not None:
            # An unknown path or a method the path does not take is answered as such (404,
            # 405), whatever body came with it.
            return None
        view = app.view_functions.get(request.endpoint or "")
        # A view that takes another type of body says which (`bodies.takes`) and checks it.
        if getattr(view, "body_types", None):
            return None
        if request.method in {"POST", "PUT", "PATCH"} and has_body and not request.is_json:
            return problem(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                f"Send the body as application/json, not {request.mimetype or 'no type'!r}.",
            )
        return None

    @app.errorhandler(ServiceError)
    def _service_error(error: ServiceError) -> Response:
        retry_after = getattr(error, "retry_after", None)
        return problem(
            error.status,
            error.detail,
            errors=error.errors,
            extensions=error.extensions,
            headers={"Retry-After": str(retry_after)} if retry_after else None,
        )

    @app.errorhandler(OperationalError)
    def _database_unavailable(error: OperationalError) -> Response:
        if contention(error) is not None:
            # Waited for other writers (a lock) as long as a request may: not an outage.
            log.warning("database busy: %s", error.__class__.__name__)
            return _service_error(Busy(BUSY_DETAIL))
        log.error("database unavailable: %s", error.__class__.__name__)
        return problem(
            HTTPStatus.SERVICE_UNAVAILABLE,
            "The database is unavailable; try again shortly.",
            headers={"Retry-After": "1"},
        )

    @app.errorhandler(sa_exc.TimeoutError)
    def _no_connection_free(_error: sa_exc.TimeoutError) -> Response:
        # Every pooled connection stayed busy for DATABASE_POOL_TIMEOUT: a peak, not a bug.
        log.warning("database pool exhausted")
        return problem(
            HTTPStatus.SERVICE_UNAVAILABLE,
            "The service is busy; try again shortly.",
            headers={"Retry-After": "1"},
        )

    @app.errorhandler(DBAPIError)
    def _database_error(error: DBAPIError) -> Response:
        if error.connection_invalidated:
            return _database_unavailable(OperationalError(None, None, error.orig))  # type: ignore[arg-type]
        log.exception("database error")
        return problem(HTTPStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred.")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return http_exception_response(error)
        # Never leak the stack trace, SQL or file paths to the client.
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(HTTPStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred.")
