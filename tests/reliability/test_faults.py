"""Faults: PostgreSQL restarted under load, a worker killed mid-request, many editors at once.

The first two run the service under gunicorn on loopback, as it runs in production; the
PostgreSQL that is restarted is a private cluster the test creates (never the shared one).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from service import db
from service.admin.models import AuditEntry
from service.db import make_engine
from service.faqs.models import Faq
from tests.reliability.servers import (
    gunicorn,
    prepare_database,
    private_postgres,
    wait_until,
)
from tests.toolkit.clients import client_with
from tests.toolkit.database import MakeDatabaseUrl
from tests.toolkit.live import MakeLiveAdmin

PROBLEM = "application/problem+json"
SOURCE = "article-back-pain-after-stretching"


def faq(slug: str) -> dict[str, Any]:
    return {
        "slug": slug,
        "question": f"What about {slug}?",
        "answer": "An answer.",
        "sources": [SOURCE],
        "status": "published",
        "last_reviewed": "2026-01-10",
        "next_review": "2027-01-10",
        "reviewed_by": "Dr Fault",
    }


@dataclass
class Outcome:
    what: str
    sent: float
    at: float
    status: int | None
    mimetype: str = ""
    retry_after: str | None = None
    error: str = ""


@dataclass
class Load:
    """Threads that send requests until stopped, recording each outcome and when it happened."""

    url: str
    key: str
    outcomes: list[Outcome] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _send(self, client: httpx.Client, what: str, method: str, path: str, **kw: Any) -> None:
        sent = time.monotonic()
        try:
            response = client.request(method, self.url + path, **kw)
            outcome = Outcome(
                what,
                sent,
                time.monotonic(),
                response.status_code,
                response.headers.get("Content-Type", "").split(";")[0],
                response.headers.get("Retry-After"),
            )
        except httpx.HTTPError as error:
            outcome = Outcome(what, sent, time.monotonic(), None, error=repr(error))
        with self._lock:
            self.outcomes.append(outcome)

    def _read(self, path: str) -> None:
        with httpx.Client(timeout=10) as client:
            while not self._stop.is_set():
                self._send(client, path, "GET", path)
                time.sleep(0.01)

    def _import(self) -> None:
        headers = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(timeout=10) as client:
            number = 0
            while not self._stop.is_set():
                number += 1
                slug = f"restart-{number}"
                bundle = {"faqs": [faq(slug)]}
                self._send(client, slug, "POST", "/v1/admin/import", json=bundle, headers=headers)
                time.sleep(0.02)

    def start(self, *paths: str, importer: bool = False) -> None:
        targets: list[tuple[Any, tuple[Any, ...]]] = [(self._read, (p,)) for p in paths]
        if importer:
            targets.append((self._import, ()))
        for target, args in targets:
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(20)

    def of(self, prefix: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.what.startswith(prefix)]


@pytest.mark.postgres_only
def test_the_service_rides_out_a_postgresql_restart() -> None:
    with private_postgres() as postgres:
        secret = prepare_database(postgres.url)
        with gunicorn(postgres.url, workers=2) as server:
            workers = server.workers()
            load = Load(server.url, secret)
            load.start("/v1/faqs?page_size=5", "/readyz", importer=True)
            try:
                time.sleep(1.0)
                stopped_at = time.monotonic()
                # A crash, not a polite shutdown: in-flight transactions die with it.
                postgres.stop("immediate")
                time.sleep(1.5)
                postgres.start()
                started_at = time.monotonic()

                def ready_again() -> bool:
                    return any(o.status == 200 and o.sent > started_at for o in load.of("/readyz"))

                wait_until(ready_again, 15, "/readyz to answer 200 again by itself")
                time.sleep(1.5)
            finally:
                load.stop()
            assert server.workers() == workers, "no worker was restarted to recover"
            assert server.process.poll() is None

        engine = make_engine(postgres.url)
        try:
            with engine.connect() as connection:
                stored = set(
                    connection.scalars(sa.select(Faq.slug).where(Faq.slug.like("restart-%")))
                )
                audited = set(
                    connection.scalars(
                        sa.select(AuditEntry.slug).where(AuditEntry.slug.like("restart-%"))
                    )
                )
        finally:
            engine.dispose()

    failed = [o for o in load.outcomes if o.status != 200]
    # Errors only while the database was down, and only as 503 problems with Retry-After:
    # no 500, no dropped connection, and nothing once it was back.
    assert failed, "the restart must be seen by some requests"
    for outcome in failed:
        assert outcome.status == 503, outcome
        assert outcome.mimetype == PROBLEM and outcome.retry_after, outcome
        assert stopped_at - 0.5 <= outcome.sent <= started_at + 0.5, outcome
    assert any(o.status == 503 for o in load.of("/readyz"))
    assert any(o.status == 503 for o in load.of("/v1/faqs"))
    assert all(o.status == 200 for o in load.outcomes if o.sent > started_at + 0.5)

    # Every import acknowledged with 2xx is there; every one that failed left nothing behind.
    imports = load.of("restart-")
    acknowledged = {o.what for o in imports if o.status == 200}
    refused = {o.what for o in imports if o.status != 200}
    assert refused and any(o.status == 200 and o.sent > started_at for o in imports)
    assert any(o.status == 200 and o.at < stopped_at for o in imports)
    assert acknowledged <= stored
    # A crash can land between PostgreSQL's commit and its reply: that import is stored whole,
    # while its client saw a 503 (a commit in doubt; importing again changes nothing). There is
    # one importer, so at most one such import per crash; nothing else refused is there.
    in_doubt = stored - acknowledged
    assert in_doubt <= refused and len(in_doubt) <= 1, in_doubt
    assert audited == stored, "each stored import is whole, with its audit entry"


def _socket_inodes(server_port: int, client_port: int) -> set[str]:
    """The kernel's inodes of the server-side sockets of one loopback TCP connection."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                local, remote = (int(a.rsplit(":", 1)[1], 16) for a in fields[1:3])
                if (local, remote) == (server_port, client_port):
                    inodes.add(fields[9])
    return inodes


def _holder(pids: set[int], server_port: int, client_port: int) -> int | None:
    """The worker process that holds the server side of the connection from `client_port`."""
    wanted = {f"socket:[{inode}]" for inode in _socket_inodes(server_port, client_port)}
    for pid in pids:
        folder = f"/proc/{pid}/fd"
        for fd in os.listdir(folder):
            try:
                if os.readlink(f"{folder}/{fd}") in wanted:
                    return pid
            except FileNotFoundError:  # closed while we looked
                continue
    return None


def _wait_for_holder(pids: set[int], server_port: int, client_port: int) -> int:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pid = _holder(pids, server_port, client_port)
        if pid is not None:
            return pid
        time.sleep(0.01)
    raise AssertionError("no worker accepted the import's connection within 10 s")


def test_killing_a_worker_mid_request_leaves_the_others_serving(
    make_database_url: MakeDatabaseUrl,
) -> None:
    url = make_database_url()
    secret = prepare_database(url)
    bundle = {"faqs": [faq(f"killed-{n}") for n in range(4000)]}
    # Imported in the request, as small bundles are (large ones become jobs: see below).
    synchronous = {"IMPORT_JOB_ITEMS": "1000000", "IMPORT_JOB_BYTES": "1073741824"}
    with gunicorn(url, workers=2, **synchronous) as server:
        workers = server.workers()
        load = Load(server.url, secret)
        load.start("/v1/faqs?page_size=5", "/v1/stretches?page_size=3")
        result: dict[str, Any] = {}
        address = httpx.URL(server.url)
        port = address.port
        assert port is not None
        connected = threading.Event()

        def long_import() -> None:
            connection = http.client.HTTPConnection(address.host, port, timeout=60)
            try:
                connection.connect()
                result["port"] = connection.sock.getsockname()[1]
                connected.set()
                connection.request(
                    "POST",
                    "/v1/admin/import",
                    body=json.dumps(bundle),
                    headers={
                        "Authorization": f"Bearer {secret}",
                        "Content-Type": "application/json",
                    },
                )
                result["status"] = connection.getresponse().status
            except (OSError, http.client.HTTPException) as error:
                result["error"] = error
            finally:
                connected.set()
                connection.close()

        try:
            time.sleep(0.5)
            sender = threading.Thread(target=long_import)
            sender.start()
            assert connected.wait(10) and "port" in result, result
            # The worker that accepted the import's connection (the kernel's socket tables say
            # which), whatever else the machine is doing.
            victim = _wait_for_holder(workers, port, result["port"])
            time.sleep(0.2)
            assert sender.is_alive(), "the import finished before its worker could be killed"
            killed_at = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            sender.join(60)
            wait_until(
                lambda: len(server.workers()) == 2 and victim not in server.workers(),
                15,
                "the master to replace the killed worker",
            )
            time.sleep(1.0)
        finally:
            load.stop()
        assert workers - {victim} <= server.workers(), "the other worker kept running"

    # The request on the killed worker lost its connection; it never got a half answer.
    assert "error" in result, result
    # A gevent worker serves many connections at once, and keeps them open between requests,
    # so a reader whose connection was on the killed worker loses the request in flight on it
    # (or, in the instant after the kill, the one it sends on that dead connection): a lost
    # connection, never a half or a wrong answer, at most one per reader, and none before
    # the kill. Every other request was answered, during and after the kill.
    lost = [o for o in load.outcomes if o.status != 200]
    assert all(o.status is None and killed_at <= o.at for o in lost), lost[:5]
    assert len({o.what for o in lost}) == len(lost) <= 2, lost
    assert load.outcomes
    assert sum(1 for o in load.outcomes if killed_at <= o.sent <= killed_at + 1) > 5
    # The killed import was one transaction: nothing of it was written.
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            count = connection.scalar(
                sa.select(sa.func.count()).select_from(Faq).where(Faq.slug.like("killed-%"))
            )
    finally:
        engine.dispose()
    assert count == 0


def test_a_job_whose_worker_is_killed_is_finished_exactly_once_by_another(
    make_database_url: MakeDatabaseUrl,
) -> None:
    url = make_database_url()
    secret = prepare_database(url)
    # Large enough that the job is still running when a quiet machine's poll first sees it.
    items = 12000
    bundle = {"faqs": [faq(f"job-{n}") for n in range(items)]}
    headers = {"Authorization": f"Bearer {secret}"}
    env = {"IMPORT_JOB_ITEMS": "100", "JOB_LEASE_SECONDS": "2"}
    with gunicorn(url, workers=2, **env) as server:
        workers = server.workers()
        accepted = httpx.post(
            server.url + "/v1/admin/import", json=bundle, headers=headers, timeout=30
        )
        assert accepted.status_code == 202, accepted.text
        location = server.url + accepted.headers["Location"]

        def job() -> dict[str, Any]:
            answer: dict[str, Any] = httpx.get(location, headers=headers, timeout=10).json()
            return answer

        # A generous bound: on a loaded machine a worker may take a while to claim it.
        deadline = time.monotonic() + 60
        while (state := job()["state"]) == "queued" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert state == "running", f"the job was {state}, not running, when it was to be killed"
        first = job()
        pid = int(first["worker"].rsplit(":", 1)[1])
        assert pid in workers
        os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                # The killed attempt was one transaction: nothing of it is there.
                half = connection.scalar(
                    sa.select(sa.func.count()).select_from(Faq).where(Faq.slug.like("job-%"))
                )
            assert half == 0
            wait_until(lambda: job()["state"] == "succeeded", 90, "another worker to finish it")
            done = job()
            with engine.connect() as connection:
                stored = connection.scalar(
                    sa.select(sa.func.count()).select_from(Faq).where(Faq.slug.like("job-%"))
                )
                created = connection.scalar(
                    sa.select(sa.func.count())
                    .select_from(AuditEntry)
                    .where(AuditEntry.slug.like("job-%"), AuditEntry.action == "create")
                )
        finally:
            engine.dispose()
        assert server.process.poll() is None
    assert first["attempts"] == 1
    # Taken up again once the lease ran out, by the other worker or the one that replaced
    # the killed worker; applied once.
    assert done["attempts"] == 2 and done["worker"] != first["worker"]
    assert done["result"]["collections"]["faqs"]["created"] == items
    assert stored == items and created == items
    assert time.monotonic() - killed_at > 2


def test_many_editors_at_once_lose_no_update(
    make_live_admin: MakeLiveAdmin, seed_bundle: dict[str, list[Any]]
) -> None:
    # Only the FAQs and their sources: on the whole seeded catalogue, eight SQLite writers
    # wait past the lock timeout on a loaded machine.
    live = make_live_admin(content={"sources": seed_bundle["sources"], "faqs": seed_bundle["faqs"]})
    app, secret = live.app, live.editor_key
    slugs = ["how-to-stretch-safely", "hydration-flexibility-and-back-pain"]
    editors, rounds = 8, 4
    start = threading.Barrier(editors)
    applied: list[tuple[str, str]] = []
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def edit(number: int) -> None:
        try:
            edit_rounds(number)
        except BaseException as error:
            errors.append(error)
            start.abort()

    def edit_rounds(number: int) -> None:
        client = client_with(app, secret)
        for round_ in range(rounds):
            slug, token = slugs[(number + round_) % len(slugs)], f"editor {number} round {round_}"
            first = True
            while True:
                current = client.get(f"/v1/admin/faqs/{slug}")
                assert current.status_code == 200, current.get_data(as_text=True)
                points = current.json["item"]["key_points"]
                if first and round_ == 0:
                    # Everyone holds the same ETags before anyone writes: conflicts for sure.
                    start.wait(10)
                first = False
                response = client.patch(
                    f"/v1/admin/faqs/{slug}",
                    json={"key_points": [*points, token]},
                    headers={"If-Match": current.headers["ETag"]},
                )
                with lock:
                    statuses.append(response.status_code)
                if response.status_code == 200:
                    with lock:
                        applied.append((slug, token))
                    break
                assert response.status_code == 412, response.get_data(as_text=True)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    assert len(applied) == editors * rounds
    assert set(statuses) == {200, 412}
    assert statuses.count(412) >= editors - len(slugs)
    reader = client_with(app, secret)
    for slug in slugs:
        points = reader.get(f"/v1/admin/faqs/{slug}").json["item"]["key_points"]
        mine = [token for s, token in applied if s == slug]
        # Every accepted update is there, once: none was overwritten by another editor.
        assert sorted(p for p in points if p.startswith("editor ")) == sorted(mine)
    with app.app_context():
        updates = db.session().scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.collection == "faqs", AuditEntry.action == "update")
        )
    assert updates == editors * rounds
