"""Public reads from a real streaming replica that the test makes lag, on loopback.

A private primary (initdb) and its hot standby (pg_basebackup -R) stream on free ports; the
test pauses the standby's replay (`pg_wal_replay_pause()`) to hold it behind the primary, and
resumes it to let it catch up. Through all of it a client never sees the content version or
its sync cursor go backwards, an editor reads their own write, and sync neither misses a
change nor returns one twice.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from service import create_app
from service.config import Settings
from service.db import Database
from service.sync.services import decode
from tests.reliability.servers import (
    PrivatePostgres,
    prepare_database,
    private_postgres,
    streaming_replica,
    wait_until,
)

pytestmark = pytest.mark.postgres_only
SLUGS = (
    "how-to-stretch-safely",
    "why-lower-back-hurts-after-stretching",
    "hydration-flexibility-and-back-pain",
)


class Cluster:
    def __init__(self, primary: PrivatePostgres, standby: PrivatePostgres, secret: str) -> None:
        self.primary, self.standby, self.secret = primary, standby, secret
        self._standby = sa.create_engine(standby.url, isolation_level="AUTOCOMMIT")
        self._primary = sa.create_engine(primary.url, isolation_level="AUTOCOMMIT")

    def version(self, where: str) -> int:
        engine = self._standby if where == "standby" else self._primary
        with engine.connect() as connection:
            return int(connection.scalar(sa.text("SELECT version FROM content_state")) or 0)

    def pause(self) -> None:
        with self._standby.connect() as connection:
            connection.execute(sa.text("SELECT pg_wal_replay_pause()"))

    def resume(self) -> None:
        with self._standby.connect() as connection:
            connection.execute(sa.text("SELECT pg_wal_replay_resume()"))

    def caught_up(self) -> None:
        wait_until(
            lambda: self.version("standby") == self.version("primary"), 30, "replica to catch up"
        )

    def app(self) -> Flask:
        settings = Settings(
            database_url=self.primary.url,
            read_database_url=self.standby.url,
            ratelimit_enabled=False,
            job_worker=False,
            log_level="warning",
        )
        return create_app(settings, TESTING=True)

    def dispose(self) -> None:
        self._standby.dispose()
        self._primary.dispose()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with private_postgres() as primary:
        secret = prepare_database(primary.url)
        with streaming_replica(primary) as standby:
            found = Cluster(primary, standby, secret)
            wait_until(lambda: found.version("standby") >= 0, 30, "the replica to serve")
            found.caught_up()
            try:
                yield found
            finally:
                found.resume()
                found.dispose()


@pytest.fixture
def apps(cluster: Cluster) -> Iterator[list[Flask]]:
    made: list[Flask] = []
    yield made
    for app in made:
        app.extensions["db"].dispose()
    cluster.resume()
    cluster.caught_up()


def reads(target: str) -> float:
    total = 0.0
    for reason in ("caught_up", "replica_behind", "replica_down"):
        labels = {"target": target, "reason": reason}
        total += REGISTRY.get_sample_value("backcare_db_public_reads_total", labels) or 0.0
    return total


def edit(client: FlaskClient, secret: str, slug: str, answer: str) -> int:
    auth = {"Authorization": f"Bearer {secret}"}
    current = client.get(f"/v1/admin/faqs/{slug}", headers=auth)
    assert current.status_code == 200, current.json
    response = client.patch(
        f"/v1/admin/faqs/{slug}",
        json={"answer": answer},
        headers={**auth, "If-Match": current.headers["ETag"]},
    )
    assert response.status_code == 200, response.json
    return int(response.headers["X-Content-Version"])


def sync_all(client: FlaskClient, since: str, limit: int = 500) -> tuple[list[str], list[str]]:
    """Every page from `since` on: the slugs in order and each cursor received."""
    slugs: list[str] = []
    cursors: list[str] = []
    while True:
        response = client.get(f"/v1/sync?since={since}&limit={limit}")
        assert response.status_code == 200, response.json
        body = response.json
        assert body is not None
        slugs += [item["slug"] for item in body["items"]]
        cursors.append(body["cursor"])
        since = body["cursor"]
        if not body["has_more"]:
            return slugs, cursors


def behind(app: Flask, version: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `app`'s worker one that has not heard of anything after `version` yet."""
    database: Database = app.extensions["db"]
    assert database.listener is not None
    monkeypatch.setattr(database.listener, "known", lambda: version)


def test_public_reads_use_the_replica_and_admin_reads_the_primary(
    cluster: Cluster, apps: list[Flask]
) -> None:
    apps.append(app := cluster.app())
    client = app.test_client()
    before = reads("replica")
    assert client.get("/v1/faqs?page_size=3").status_code == 200
    assert client.get("/v1/stretches?page_size=2").status_code == 200
    assert client.get(f"/v1/faqs/{SLUGS[0]}").status_code == 200
    assert reads("replica") == before + 3
    # A repeat is a cache hit and a revalidation a 304: neither touches a database.
    again = client.get(f"/v1/faqs/{SLUGS[0]}")
    assert (
        client.get(
            f"/v1/faqs/{SLUGS[0]}", headers={"If-None-Match": again.headers["ETag"]}
        ).status_code
        == 304
    )
    assert reads("replica") == before + 3
    auth = {"Authorization": f"Bearer {cluster.secret}"}
    assert client.get(f"/v1/admin/faqs/{SLUGS[0]}", headers=auth).status_code == 200
    assert reads("replica") == before + 3


def test_a_lagging_replica_never_takes_a_reader_or_an_editor_back(
    cluster: Cluster, apps: list[Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    apps.append(writer := cluster.app())
    apps.append(lagging := cluster.app())
    editor, reader = writer.test_client(), lagging.test_client()
    first = reader.get(f"/v1/faqs/{SLUGS[0]}")
    old = int(first.headers["X-Content-Version"])
    assert first.headers["ETag"].startswith(f'"{old}.')

    cluster.pause()
    new = edit(editor, cluster.secret, SLUGS[0], "Written while the replica lags.")
    assert new > old
    time.sleep(0.5)
    assert cluster.version("standby") == old, "replay did not pause"

    # The editor reads their own write: this worker knows the version it committed.
    mine = editor.get(f"/v1/faqs/{SLUGS[0]}")
    assert mine.json is not None and mine.json["answer"] == "Written while the replica lags."
    assert int(mine.headers["X-Content-Version"]) >= new

    # Another worker that has not heard of the write yet, and whose replica is behind: a
    # client that shows what it saw (the new ETag, or the version header) is never answered
    # with the older content.
    behind(lagging, old, monkeypatch)
    fallbacks = reads("primary")
    revalidated = reader.get(
        f"/v1/faqs/{SLUGS[0]}", headers={"If-None-Match": mine.headers["ETag"]}
    )
    assert revalidated.status_code == 304
    assert int(revalidated.headers["X-Content-Version"]) >= new
    shown = reader.get(f"/v1/faqs/{SLUGS[0]}?lang=en", headers={"X-Content-Version": str(new)})
    assert shown.json is not None and shown.json["answer"] == "Written while the replica lags."
    assert int(shown.headers["X-Content-Version"]) >= new
    assert reads("primary") > fallbacks
    # A client that saw nothing newer may be answered by the lagging replica: what it gets is
    # not older than what it had.
    stale = reader.get(f"/v1/faqs/{SLUGS[0]}", headers={"Accept-Language": "en"})
    assert int(stale.headers["X-Content-Version"]) >= old

    cluster.resume()
    cluster.caught_up()
    fresh = reader.get(f"/v1/faqs/{SLUGS[0]}", headers={"X-Content-Version": str(new)})
    assert fresh.json is not None and fresh.json["answer"] == "Written while the replica lags."


def test_sync_misses_nothing_and_repeats_nothing_while_the_replica_lags_and_catches_up(
    cluster: Cluster, apps: list[Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    apps.append(writer := cluster.app())
    apps.append(lagging := cluster.app())
    editor, device = writer.test_client(), lagging.test_client()
    _slugs, cursors = sync_all(device, "")
    start = cursors[-1]

    # The first change reaches the replica; then replay stops and two more follow.
    edit(editor, cluster.secret, SLUGS[0], "First change.")
    cluster.caught_up()
    partly = cluster.version("standby")
    cluster.pause()
    edit(editor, cluster.secret, SLUGS[1], "Second change.")
    last = edit(editor, cluster.secret, SLUGS[2], "Third change.")
    time.sleep(0.5)
    assert cluster.version("standby") == partly < last

    # A worker that has heard only of the first change reads the replica, which has it.
    behind(lagging, partly, monkeypatch)
    before = reads("replica")
    seen, cursors_one = sync_all(device, start, limit=1)
    assert reads("replica") > before
    assert seen == [SLUGS[0]]
    # Then a worker that knows every change: the replica is behind, the primary answers.
    monkeypatch.undo()
    more, cursors_two = sync_all(device, cursors_one[-1], limit=1)
    assert more == [SLUGS[1], SLUGS[2]]

    # Once the replica has caught up it answers again, with nothing new and nothing twice.
    cluster.resume()
    cluster.caught_up()
    before = reads("replica")
    rest, cursors_three = sync_all(device, cursors_two[-1])
    assert rest == []
    assert reads("replica") > before
    positions = [decode(c) for c in [start, *cursors_one, *cursors_two, *cursors_three]]
    assert positions == sorted(positions), "a sync cursor went backwards"
    assert positions[-1][0] == last

    # A cursor the lagging replica has not reached is never answered from it.
    cluster.pause()
    newest = edit(editor, cluster.secret, SLUGS[0], "Fourth change.")
    time.sleep(0.5)
    got, cursors_four = sync_all(editor, cursors_three[-1])
    assert got == [SLUGS[0]] and decode(cursors_four[-1])[0] == newest
    behind(lagging, last, monkeypatch)
    before = reads("primary")
    after, cursors_five = sync_all(device, cursors_four[-1])
    assert after == []
    assert decode(cursors_five[-1]) >= decode(cursors_four[-1])
    assert reads("primary") > before


def test_an_unreachable_replica_leaves_public_reads_to_the_primary(
    cluster: Cluster, apps: list[Flask]
) -> None:
    settings = Settings(
        database_url=cluster.primary.url,
        read_database_url="postgresql+psycopg://postgres@127.0.0.1:1/backcare",
        ratelimit_enabled=False,
        job_worker=False,
        log_level="warning",
    )
    apps.append(app := create_app(settings, TESTING=True))
    client = app.test_client()
    for page in (1, 2, 3):
        response = client.get(f"/v1/faqs?page_size=2&page={page}")
        assert response.status_code == 200, response.json
