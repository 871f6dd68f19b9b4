"""Request ids, one JSON log line per request, and Prometheus metrics (multi-worker safe)."""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from service.db import get_db

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept only if it is short and plain, so it cannot forge log lines.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_log = logging.getLogger("backcare.access")
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "backcare_http_requests_total",
    "HTTP requests answered",
    ["method", "endpoint", "status"],
)
LATENCY = Histogram(
    "backcare_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
POOL_CHECKED_OUT = Gauge(
    "backcare_db_pool_checked_out",
    "Database connections in use, summed over live workers",
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge(
    "backcare_db_pool_size",
    "Database connections held by the pool, summed over live workers",
    multiprocess_mode="livesum",
)


# An API key past its public prefix (bck_ and 8 characters): never written to a log.
_SECRET = re.compile(r"(bck_[A-Za-z0-9_-]{8})[A-Za-z0-9_-]+")


def redact(line: str) -> str:
    """`line` with the secret part of any API key in it masked."""
    return _SECRET.sub(r"\1<redacted>", line) if "bck_" in line else line


# One encoder for every line: json.dumps with options builds a new one per call.
_ENCODE = json.JSONEncoder(default=str).encode


class JsonFormatter(logging.Formatter):
    """One JSON object per line; `extra={"fields": {...}}` adds fields; keys are masked.

    It runs once per request (the access line), so it is kept cheap: one shared encoder, and
    the timestamp's date and time of day formatted once per second.
    """

    def __init__(self) -> None:
        super().__init__()
        self._second = -1
        self._prefix = ""

    def _timestamp(self, created: float) -> str:
        second = int(created)
        if second != self._second:
            stamp = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self._second, self._prefix = second, stamp
        return f"{self._prefix}.{int((created - second) * 1000):03d}+00:00"

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self._timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if fields:
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(_ENCODE(entry))


class TextFormatter(logging.Formatter):
    """Plain lines for a terminal; keys are masked as in JSON lines."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(level: str, fmt: str) -> None:
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # No line shows the thread or process a record came from: do not gather them per record.
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


_POOL_SEEN: dict[str, int] = {}


def _pool_figures() -> None:
    # Each gauge write is a locked write to the shared metrics file: only when it changed.
    pool = get_db().engine.pool
    checked_out = getattr(pool, "checkedout", None)
    size = getattr(pool, "size", None)
    if callable(checked_out) and _POOL_SEEN.get("checked_out") != (value := checked_out()):
        _POOL_SEEN["checked_out"] = value
        POOL_CHECKED_OUT.set(value)
    if callable(size) and _POOL_SEEN.get("size") != (value := size()):
        _POOL_SEEN["size"] = value
        POOL_SIZE.set(value)


def labels(status: int) -> tuple[str, str, str]:
    """Method, endpoint and status labels for the current request, from small fixed sets.

    Each distinct set of label values is a time series kept (and scraped) for as long as the
    process lives, so none may come from what a client chose: the route pattern, never the
    path; a method the API knows, or "other"; a status code HTTP defines, or "other".
    """
    method = request.method if request.method in KNOWN_METHODS else "other"
    endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
    code = str(status) if 100 <= status <= 599 else "other"
    return method, endpoint, code


def init_app(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def _finish(response: Response) -> Response:
        started = g.get("started")
        duration = time.perf_counter() - started if started is not None else 0.0
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers[REQUEST_ID_HEADER] = request_id
        method, endpoint, status = labels(response.status_code)
        REQUESTS.labels(method, endpoint, status).inc()
        LATENCY.labels(method, endpoint).observe(duration)
        _pool_figures()
        if not access_log.isEnabledFor(logging.INFO):
            return response
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(duration * 1000, 2),
            "request_id": request_id,
            "remote": request.remote_addr,
        }
        # As access_log.info(...) without looking up the caller's file and line, which no
        # line shows and which would walk the stack on every request.
        record = access_log.makeRecord(
            access_log.name, logging.INFO, "", 0, "request", (), None, extra={"fields": fields}
        )
        access_log.handle(record)
        return response

    app.register_blueprint(metrics_blp)


metrics_blp = Blueprint("metrics", __name__)


@metrics_blp.route("/metrics")
def metrics() -> Response:
    """Prometheus exposition; merges every gunicorn worker when PROMETHEUS_MULTIPROC_DIR is set."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        data = generate_latest(registry)
    else:
        data = generate_latest()
    return Response(data, mimetype=CONTENT_TYPE_LATEST.split(";")[0])
