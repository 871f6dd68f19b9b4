"""nginx with deploy/nginx/backcare.conf in front of gunicorn, both real, on loopback.

With gunicorn's sync workers exposed directly, a few clients trickling their headers hold every
worker and a normal client is not answered; through the proxy the same clients cost the service
nothing. The production shape is the gevent workers behind the proxy: through it, the client
address the service logs and budgets by is the one nginx saw, one hop, never a prefix of
X-Forwarded-For the client wrote itself.
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

from tests.reliability.servers import Server, gunicorn, nginx, prepare_database
from tests.toolkit.database import MakeDatabaseUrl

SLOW_CLIENTS = 4  # twice the workers
HEADERS = b"GET /v1/faqs HTTP/1.1\r\nHost: x\r\nUser-Agent: " + b"s" * 200 + b"\r\n\r\n"


@pytest.fixture(scope="module")
def database_url(make_database_url: MakeDatabaseUrl) -> str:
    url: str = make_database_url()
    prepare_database(url)
    return url


class Trickler(threading.Thread):
    """A client that sends its request headers a byte every 0.1 s until told to stop."""

    def __init__(self, port: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.stop = stop

    def run(self) -> None:
        try:
            for byte in HEADERS:
                if self.stop.wait(0.1):
                    break
                self.sock.sendall(bytes([byte]))
        except OSError:
            pass  # dropped by the server: its right
        finally:
            self.sock.close()


def answered_while_trickling(port: int, url: str, wait: float) -> float | None:
    """Seconds a normal client waited for /v1/faqs while slow clients trickle; None: no answer."""
    stop = threading.Event()
    slow = [Trickler(port, stop) for _ in range(SLOW_CLIENTS)]
    for client in slow:
        client.start()
    try:
        time.sleep(1.0)  # every slow client is connected and part-way through its headers
        started = time.monotonic()
        try:
            response = httpx.get(url + "/v1/faqs?page_size=2", timeout=wait)
        except httpx.TimeoutException:
            return None
        assert response.status_code == 200, response.text
        assert all(client.is_alive() for client in slow), "a slow client gave up early"
        return time.monotonic() - started
    finally:
        stop.set()
        for client in slow:
            client.join(5)


def test_slow_clients_hold_sync_workers_directly_but_not_through_the_proxy(
    database_url: str,
) -> None:
    # The sync worker class, named explicitly: gunicorn.conf.py's gevent workers would survive.
    with (
        gunicorn(
            database_url, workers=2, GUNICORN_CMD_ARGS="--worker-class sync", PROXY_HOPS="1"
        ) as app,
        nginx(f"127.0.0.1:{app.port}") as proxy,
    ):
        assert "sync" in app.log_text().lower()
        direct = answered_while_trickling(app.port, app.url, wait=3)
        assert direct is None, f"sync workers answered in {direct:.2f} s despite slow clients"
        # Once the slow clients are gone the workers serve again: it was them.
        assert httpx.get(app.url + "/healthz", timeout=5).status_code == 200
        through = answered_while_trickling(proxy.port, proxy.url, wait=3)
        assert through is not None, "no answer through the proxy while slow clients trickled"
        assert through < 2.0, through


@pytest.fixture(scope="module")
def production(database_url: str) -> Iterator[tuple[Any, Any]]:
    """The production shape: gevent workers (gunicorn.conf.py) behind nginx, PROXY_HOPS=1."""
    with (
        gunicorn(
            database_url,
            workers=2,
            PROXY_HOPS="1",
            LOG_LEVEL="info",
            RATELIMIT_ENABLED="true",
            RATELIMIT_PUBLIC="4/minute",
        ) as app,
        nginx(f"127.0.0.1:{app.port}") as proxy,
    ):
        yield app, proxy


def client_from(address: str) -> httpx.Client:
    """A client whose connections come from `address` (any 127.0.0.0/8 address is loopback)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=10)


def logged_requests(app: Server) -> list[dict[str, Any]]:
    lines = []
    for line in app.log.read_text(encoding="utf-8").splitlines():
        if line.startswith("{") and '"message": "request"' in line:
            lines.append(json.loads(line))
    return lines


def test_the_client_address_is_trusted_for_exactly_one_hop(production: tuple[Any, Any]) -> None:
    app, proxy = production
    with client_from("127.0.0.2") as spoofer, client_from("127.0.0.3") as other:
        statuses = []
        for n in range(6):
            # A different forged chain each time: none of them may count as the client.
            forged = {"X-Forwarded-For": f"203.0.113.{n}, 198.51.100.{n}"}
            statuses.append(spoofer.get(proxy.url + "/v1/faqs", headers=forged).status_code)
        assert statuses[:4] == [200] * 4 and statuses[4:] == [429, 429], statuses
        # The budget was the spoofer's own: another client is served.
        answer = other.get(proxy.url + "/v1/faqs", headers={"X-Request-ID": "other-client-1"})
        assert answer.status_code == 200
        assert answer.headers["X-Request-ID"] == "other-client-1"
    logged = logged_requests(app)
    remotes = {entry["remote"] for entry in logged if entry["path"] == "/v1/faqs"}
    assert remotes == {"127.0.0.2", "127.0.0.3"}, remotes
    # One line per request in the service's log, under the request id the proxy logged too.
    mine = [entry for entry in logged if entry["request_id"] == "other-client-1"]
    assert len(mine) == 1 and mine[0]["status"] == 200
    # Each of those requests carries, in the service's log, the id nginx logged it under.
    served = {entry["request_id"] for entry in logged if entry["path"] == "/v1/faqs"}
    assert len(served) == 7
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        proxied = {json.loads(line)["request_id"] for line in proxy.access_log()}
        if served <= proxied:
            break
        time.sleep(0.1)
    assert served <= proxied, served - proxied


def test_the_proxy_refuses_large_bodies_as_problems_and_compresses(
    production: tuple[Any, Any],
) -> None:
    _app, proxy = production
    with client_from("127.0.0.4") as client:
        body = b'{"symptoms": ["local-pain"], "pad": "' + b"x" * (2 * 1024 * 1024) + b'"}'
        refused = client.post(
            proxy.url + "/v1/recommendations",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        assert refused.status_code == 413
        assert refused.headers["Content-Type"].startswith("application/problem+json")
        assert refused.json()["status"] == 413
        spec = client.get(proxy.url + "/openapi.json", headers={"Accept-Encoding": "gzip"})
        assert spec.status_code == 200
        assert spec.headers.get("Content-Encoding") == "gzip"
        assert json.loads(spec.content)["openapi"]


def test_a_picture_passes_the_proxy_up_to_the_upload_limit_and_no_further(
    production: tuple[Any, Any],
) -> None:
    _app, proxy = production
    with client_from("127.0.0.5") as client:
        for size, status in ((2 * 1024 * 1024, 401), (12 * 1024 * 1024, 413)):
            answer = client.post(
                proxy.url + "/v1/admin/media-uploads",
                files={"file": ("picture.png", b"x" * size, "image/png")},
            )
            # 401: the service read the body and asked for a key; 413: the proxy refused it.
            assert answer.status_code == status, (size, answer.text[:200])
            assert answer.headers["Content-Type"].startswith("application/problem+json")
