"""The gunicorn worker `make run` uses: gevent; the answers gunicorn writes itself are problem+json.

A gevent worker serves each connection in a greenlet, so a client that sends its headers or
its body a few bytes at a time costs a few kilobytes of memory instead of a whole worker (sync
workers) or a thread (gthread). The application's own code runs unchanged: psycopg 3 notices
gevent's patched `select` and waits cooperatively; SQLite calls are short and run in place.

gunicorn answers some requests before the application sees them (a malformed request line,
a URL or headers over its limits, a request cut short by the worker timeout) with a small
HTML page. This worker writes those as RFC 9457 problems with the headers every other answer
carries. This module lives outside the `service` package on purpose: the master imports the
worker class before it forks, and importing the service there would load psycopg before gevent
patches the workers (psycopg then picks a wait function that blocks every greenlet).
"""

from __future__ import annotations

import contextlib
import json
import socket
from http import HTTPStatus
from typing import Any

import gevent
from gunicorn import util
from gunicorn.workers.base_async import AsyncWorker
from gunicorn.workers.ggevent import GeventWorker

PROBLEM_JSON = "application/problem+json"
# What service/headers.py gives every API answer; kept here so the master never imports it.
HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Cache-Control", "no-store"),
)
TIMEOUT_DETAIL = (
    "The request took longer than the server allows and was stopped; nothing it was doing "
    "was kept. Try again; a large import may need to be split."
)


def problem_message(status: int, detail: str, extra: dict[str, str] | None = None) -> bytes:
    """A complete HTTP/1.1 answer carrying an RFC 9457 problem; the connection then closes."""
    phrase = HTTPStatus(status).phrase
    body = json.dumps(
        {
            "type": "about:blank",
            "title": phrase,
            "status": status,
            "detail": detail or phrase,
            # The request could not be read far enough to know its path.
            "instance": "about:blank",
        }
    ).encode()
    lines = [
        f"HTTP/1.1 {status} {phrase}",
        "Connection: close",
        f"Content-Type: {PROBLEM_JSON}",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in HEADERS),
        *(f"{name}: {value}" for name, value in (extra or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def write_problem(sock: socket.socket, status: int, reason: str, mesg: str) -> None:
    """gunicorn's `util.write_error`, answering problem+json instead of an HTML page."""
    detail = mesg or (
        "An unexpected error occurred." if status >= 500 else HTTPStatus(status).phrase
    )
    util.write_nonblock(sock, problem_message(status, detail))


class ProblemGeventWorker(GeventWorker):  # type: ignore[misc]
    """gunicorn's gevent worker; its own error answers are problem+json."""

    def init_process(self) -> None:
        # Every error page gunicorn writes in this process goes through util.write_error
        # (the worker's handle_error and the parser's refusals alike).
        util.write_error = write_problem
        super().init_process()

    def handle_request(self, listener_name: Any, req: Any, sock: Any, addr: Any) -> Any:
        try:
            # AsyncWorker's, not GeventWorker's: that one swallows the timeout's SystemExit
            # and leaves the client waiting for an answer that never comes.
            return AsyncWorker.handle_request(self, listener_name, req, sock, addr)
        except gevent.GreenletExit:
            return False
        except SystemExit:
            # The master found this worker stuck past `timeout` and asked it to stop
            # (SIGABRT); AsyncWorker re-raises only when no byte of an answer was sent yet.
            with contextlib.suppress(OSError):
                util.write_nonblock(
                    sock, problem_message(503, TIMEOUT_DETAIL, {"Retry-After": "1"})
                )
            raise StopIteration() from None
