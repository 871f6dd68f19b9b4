"""Each worker learns of new content versions from PostgreSQL's LISTEN/NOTIFY.

Writers send `pg_notify` in their transaction, so the notice goes out when they commit; a
thread per worker listens and keeps the latest version in memory. Public requests then check
the version without a round trip. While the listening connection is down (a database
restart), `known()` is None and callers read the version from the database instead.

Behind PgBouncer in transaction mode a session-level LISTEN does not work (the server
connection that listens goes back to the pool after the statement), so `VersionPoller` reads
the version once per POLL_SECONDS instead: other workers learn of a commit within that time,
at the cost of one single-row read per worker per interval (docs/scaling.md).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

import psycopg
import sqlalchemy as sa

CHANNEL = "backcare_content_version"
POLL_SECONDS = 1.0
log = logging.getLogger(__name__)
# Every listener of this process, so that a commit here is known here at once.
_LISTENERS: list[VersionListener] = []


class VersionListener:
    def __init__(self, url: sa.engine.URL) -> None:
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._version: int | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        _LISTENERS.append(self)

    def known(self) -> int | None:
        """The latest committed version, or None while not listening."""
        if self._pid != os.getpid() and not self._stopped.is_set():
            self._start()
        return self._version

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:
            self._version = None
        if self in _LISTENERS:
            _LISTENERS.remove(self)

    def saw(self, version: int) -> None:
        with self._lock:
            if self._version is not None and version > self._version:
                self._version = version

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.conninfo, autocommit=True, keepalives=1, keepalives_idle=10)

    def _down(self, error: Exception) -> None:
        with self._lock:
            self._version = None
        if not self._stopped.is_set():
            log.warning("content version listener down (%s); retrying", type(error).__name__)
            self._stopped.wait(1)

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            # A forked worker inherits no thread: start one of its own.
            self._pid = os.getpid()
            self._version = None
            threading.Thread(target=self._listen, name="content-version", daemon=True).start()

    def _listen(self) -> None:
        while not self._stopped.is_set():
            try:
                with self._connect() as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    # Read after LISTEN, so that no commit falls between the two.
                    row = connection.execute(
                        "SELECT version FROM content_state WHERE id = 1"
                    ).fetchone()
                    with self._lock:
                        self._version = int(row[0]) if row else 0
                    while not self._stopped.is_set():
                        for notice in connection.notifies(timeout=1.0):
                            self.saw(int(notice.payload))
            except Exception as error:
                self._down(error)


class VersionPoller(VersionListener):
    """The same, for a transaction pooler: the version is read every POLL_SECONDS."""

    def _connect(self) -> psycopg.Connection[Any]:
        # A statement prepared on one server connection is missing on the next.
        return psycopg.connect(self.conninfo, autocommit=True, prepare_threshold=None)

    def _listen(self) -> None:
        while not self._stopped.is_set():
            try:
                with self._connect() as connection:
                    while not self._stopped.is_set():
                        row = connection.execute(
                            "SELECT version FROM content_state WHERE id = 1"
                        ).fetchone()
                        polled = int(row[0]) if row else 0
                        with self._lock:
                            # A commit of this process may be newer than a read in flight.
                            self._version = max(polled, self._version or 0)
                        self._stopped.wait(POLL_SECONDS)
            except Exception as error:
                self._down(error)


def notify(connection: Any, version: int) -> None:
    """Announce `version` to every listener when the current transaction commits."""
    connection.execute(sa.select(sa.func.pg_notify(CHANNEL, str(version))))


def committed(version: int) -> None:
    for listener in _LISTENERS:
        listener.saw(version)
