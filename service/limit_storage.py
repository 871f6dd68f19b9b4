"""Rate-limit counters in a SQLite file, shared by every worker process of one instance.

Counting in each process's memory multiplies a budget by the number of workers (and loses it
when a worker restarts). Without Redis, the workers of an instance share this file instead:
each count is one atomic UPSERT in WAL mode with no fsync (counters need no durability), a few
microseconds on a local disk. It implements the fixed-window storage API of the `limits`
package, registered as the `backcare-sqlite` scheme, so flask-limiter uses it like any other.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from typing import Any

from limits.storage import Storage

SCHEME = "backcare-sqlite"
# Expired windows are swept every this many counts.
_SWEEP_EVERY = 1000


def uri_for(path: str) -> str:
    return f"{SCHEME}:///{os.path.abspath(path)}"


class SharedFileStorage(Storage):
    """Fixed-window counters in a SQLite file."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 - the limits package's own attribute

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_: Any) -> None:
        assert uri is not None and uri.startswith(f"{SCHEME}://")
        self.path = uri.removeprefix(f"{SCHEME}://")
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid: int | None = None
        self._counts = 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        # A connection must not cross a fork: each worker opens its own.
        if self._connection is None or self._pid != os.getpid():
            folder = os.path.dirname(self.path)
            if folder:
                os.makedirs(folder, exist_ok=True)
            connection = sqlite3.connect(
                self.path, timeout=5, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS counters ("
                "key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL)"
            )
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            db = self._db()
            # One statement, so two processes counting at once cannot both start a window.
            row = db.execute(
                "INSERT INTO counters (key, count, expires) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET "
                "count = CASE WHEN expires <= ? THEN excluded.count "
                "ELSE count + excluded.count END, "
                "expires = CASE WHEN expires <= ? THEN excluded.expires ELSE expires END "
                "RETURNING count",
                (key, amount, now + expiry, now, now),
            ).fetchone()
            self._counts += 1
            if self._counts % _SWEEP_EVERY == 0:
                db.execute("DELETE FROM counters WHERE expires <= ?", (now,))
        return int(row[0])

    def get(self, key: str) -> int:
        with self._lock:
            row = (
                self._db()
                .execute(
                    "SELECT count FROM counters WHERE key = ? AND expires > ?", (key, time.time())
                )
                .fetchone()
            )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with self._lock:
            row = (
                self._db()
                .execute("SELECT expires FROM counters WHERE key = ? AND expires > ?", (key, now))
                .fetchone()
            )
        return float(row[0]) if row else now

    def check(self) -> bool:
        with self._lock:
            self._db().execute("SELECT 1").fetchone()
        return True

    def reset(self) -> int | None:
        with self._lock:
            cursor = self._db().execute("DELETE FROM counters")
        return cursor.rowcount

    def clear(self, key: str) -> None:
        with self._lock:
            self._db().execute("DELETE FROM counters WHERE key = ?", (key,))
