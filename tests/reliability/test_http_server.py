"""The service as `make run` serves it, over raw sockets: slow clients, gunicorn's own errors,
bodies cut short or too long, budgets shared by every worker, and redirects.

Each test starts gunicorn with gunicorn.conf.py on a free loopback port, on a database of the
run's backend; every loop is bounded in count and time.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.reliability.servers import Server, gunicorn, prepare_database
from tests.toolkit.database import MakeDatabaseUrl

PROBLEM = "application/problem+json"


def read_answer(sock: socket.socket, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of the first HTTP answer on `sock`."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def raw(server: Server, message: bytes, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(message)
        return read_answer(sock, timeout)


def assert_problem(answer: tuple[int, dict[str, str], bytes], status: int) -> dict[str, Any]:
    code, headers, body = answer
    assert code == status, (code, body[:300])
    assert headers["content-type"].split(";")[0] == PROBLEM, headers
    assert headers.get("x-content-type-options") == "nosniff"
    problem: dict[str, Any] = json.loads(body)
    assert problem["status"] == status
    assert problem["title"] and problem["detail"]
    assert b"<html" not in body.lower()
    return problem


@pytest.fixture(scope="module")
def secret_and_url(make_database_url: MakeDatabaseUrl) -> tuple[str, str]:
    url = make_database_url()
    return prepare_database(url), url


@pytest.fixture(scope="module")
def server(secret_and_url: tuple[str, str]) -> Iterator[Server]:
    """One instance for the tests that only send requests (no budgets, no timeouts)."""
    _secret, url = secret_and_url
    with gunicorn(url, workers=2, MAX_IMPORT_LENGTH="2097152") as instance:
        yield instance


# Availability


class Trickler(threading.Thread):
    """A client that sends its request a byte at a time until told to stop."""

    def __init__(self, port: int, message: bytes, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.message = message
        self.stop = stop

    def run(self) -> None:
        try:
            for byte in self.message:
                if self.stop.wait(0.1):
                    break
                self.sock.sendall(bytes([byte]))
        except OSError:
            pass  # the server dropped it: that is its right
        finally:
            self.sock.close()


def test_slow_clients_do_not_stop_a_normal_client_being_answered(server: Server) -> None:
    slow_headers = b"GET /v1/faqs HTTP/1.1\r\nHost: x\r\nUser-Agent: " + b"s" * 500 + b"\r\n\r\n"
    body = json.dumps({"symptoms": ["local-pain"]}).encode() + b" " * 500
    slow_body = (
        b"POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    )
    stop = threading.Event()
    # Twice as many slow clients of each kind as there are workers.
    clients = [Trickler(server.port, slow_headers, stop) for _ in range(4)]
    clients += [Trickler(server.port, slow_body, stop) for _ in range(4)]
    for client in clients:
        # The body trickler sends its headers at once and trickles only the body.
        if b"POST" in client.message:
            client.sock.sendall(client.message)
            client.message = body
        client.start()
    try:
        time.sleep(1.0)  # every slow client is connected and part-way through its request
        for path in ("/v1/faqs?page_size=2", "/v1/stretches", "/healthz"):
            # A new connection each time, so both workers are asked.
            response = httpx.get(server.url + path, timeout=8)
            assert response.status_code == 200, response.text
        assert all(client.is_alive() for client in clients), "a slow client gave up early"
    finally:
        stop.set()
        for client in clients:
            client.join(5)


def test_a_body_sent_too_slowly_gets_408(secret_and_url: tuple[str, str]) -> None:
    _secret, url = secret_and_url
    with gunicorn(url, workers=1, BODY_TIMEOUT="1") as instance:
        with socket.create_connection(("127.0.0.1", instance.port), timeout=10) as sock:
            sock.sendall(
                b"POST /v1/recommendations HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            )
            started = time.monotonic()
            problem = assert_problem(read_answer(sock, 8), 408)
        assert time.monotonic() - started < 6
        assert "did not arrive in time" in problem["detail"]


# gunicorn's own answers

GUNICORN_REFUSALS = {
    "bad-request-line": (b"GARBAGE\r\n\r\n", 400),
    "bad-method": (b"G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "bad-http-version": (b"GET / HTTP/7.1\r\nHost: x\r\n\r\n", 400),
    "bad-header-name": (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400),
    "url-too-long": (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    "too-many-headers": (
        b"GET / HTTP/1.1\r\n" + b"".join(b"X-H%d: 1\r\n" % n for n in range(120)) + b"\r\n",
        431,
    ),
    "header-too-large": (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 431),
    "bad-chunk-size": (
        b"POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        400,
    ),
    "unknown-transfer-coding": (
        b"POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: foo, chunked\r\n"
        b"\r\n0\r\n\r\n",
        501,
    ),
    "compressed-transfer-coding": (
        b"POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        501,
    ),
}


@pytest.mark.parametrize("case", GUNICORN_REFUSALS.values(), ids=GUNICORN_REFUSALS.keys())
def test_what_gunicorn_refuses_is_a_problem(case: tuple[bytes, int], server: Server) -> None:
    message, status = case
    assert_problem(raw(server, message), status)


def test_a_request_stopped_by_the_worker_timeout_gets_a_problem(
    secret_and_url: tuple[str, str],
) -> None:
    _secret, url = secret_and_url
    with gunicorn(
        url, workers=1, app="tests.reliability.busy_app:app", GUNICORN_TIMEOUT="2"
    ) as instance:
        problem = assert_problem(
            raw(instance, b"GET /_test/busy/20 HTTP/1.1\r\nHost: x\r\n\r\n", timeout=15), 503
        )
        assert "longer than the server allows" in problem["detail"]
        # The master replaces the worker and the service answers again.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(instance.url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("the service did not answer again after the timeout")


# Bodies over the limit


def chunked(method: str, path: str, body: bytes, headers: bytes = b"") -> bytes:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n"
    ).encode() + headers
    chunks = b"".join(
        b"%x\r\n" % len(body[i : i + 65536]) + body[i : i + 65536] + b"\r\n"
        for i in range(0, len(body), 65536)
    )
    return head + b"\r\n" + chunks + b"0\r\n\r\n"


@pytest.mark.parametrize(
    ("method", "path", "size"),
    [
        ("POST", "/v1/recommendations", 1024 * 1024 + 1),
        ("POST", "/v1/admin/faqs", 2 * 1024 * 1024),
        ("PUT", "/v1/admin/faqs/how-to-stretch-safely", 1024 * 1024 + 10),
        ("PATCH", "/v1/admin/faqs/how-to-stretch-safely", 3 * 1024 * 1024),
        ("DELETE", "/v1/admin/faqs/how-to-stretch-safely", 1024 * 1024 + 1),
        ("POST", "/v1/admin/import", 2 * 1024 * 1024 + 1),
        ("POST", "/v1/no-such-thing", 1024 * 1024 + 1),
    ],
)
def test_a_chunked_body_over_the_limit_is_413(
    method: str, path: str, size: int, server: Server, secret_and_url: tuple[str, str]
) -> None:
    secret, _url = secret_and_url
    auth = f"Authorization: Bearer {secret}\r\nIf-Match: *\r\n".encode()
    # Valid JSON all the way, so only its size can be the reason it is refused.
    body = b'{"faqs": [], "x": "' + b"y" * (size - 20) + b'"}'
    body = body[: size - 2] + b'"}'
    assert len(body) == size
    problem = assert_problem(raw(server, chunked(method, path, body, auth)), 413)
    assert "exceeds the limit" in problem["detail"]
    # Nothing was changed: the item the writes aimed at is as it was.
    response = httpx.get(server.url + "/v1/faqs/how-to-stretch-safely", timeout=10)
    assert response.status_code == 200


def test_a_chunked_body_within_the_limit_is_taken_whole(server: Server) -> None:
    body = json.dumps({"symptoms": ["local-pain"], "minutes_available": 10}).encode()
    status, _headers, answer = raw(server, chunked("POST", "/v1/recommendations", body))
    assert status == 200, answer
    assert json.loads(answer)["triage"]


# Budgets shared by every worker


def fresh_get(url: str, headers: dict[str, str] | None = None) -> int:
    """One request on a connection of its own, so that any worker may take it."""
    with httpx.Client(timeout=10) as client:
        return client.get(url, headers={"Connection": "close", **(headers or {})}).status_code


def test_a_budget_holds_across_every_worker_without_redis(
    secret_and_url: tuple[str, str],
) -> None:
    secret, url = secret_and_url
    with gunicorn(
        url,
        workers=3,
        RATELIMIT_ENABLED="true",
        RATELIMIT_PUBLIC="12/minute",
        RATELIMIT_ADMIN="100/minute",
        RATELIMIT_AUTH_FAILURES="3/minute",
    ) as instance:
        statuses = [fresh_get(instance.url + "/v1/faqs?page_size=1") for _ in range(30)]
        assert statuses.count(200) == 12, statuses
        assert statuses.count(429) == 18, statuses
        # Each worker keeps its metrics in a file of its own: more than one answered.
        served = list((instance.folder / "metrics").glob("counter_*.db"))
        assert len(served) >= 2, served

        wrong = {"Authorization": "Bearer bck_" + "W" * 43}
        right = {"Authorization": f"Bearer {secret}"}
        failures = [fresh_get(instance.url + "/v1/admin/faqs", headers=wrong) for _ in range(6)]
        assert failures == [401] * 3 + [429] * 3, failures
        # The editor behind the same address, with the right key, is not locked out.
        assert [fresh_get(instance.url + "/v1/admin/faqs", headers=right) for _ in range(3)] == [
            200
        ] * 3


# Redirects


@pytest.mark.parametrize(
    "target",
    [
        b"/v1//stretches",
        b"/v1//faqs/how-to-stretch-safely?lang=es",
        b"http://evil.example/v1//faqs",
    ],
)
def test_no_redirect_takes_its_host_from_the_request(target: bytes, server: Server) -> None:
    message = (
        b"GET "
        + target
        + b" HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\n\r\n"
    )
    status, headers, body = raw(server, message)
    assert status == 308, body
    location = headers["location"]
    assert location.startswith("/") and not location.startswith("//"), location
    assert "evil" not in location and b"evil" not in body
    assert headers["content-type"] == PROBLEM
