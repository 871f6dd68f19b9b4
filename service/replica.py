"""Public reads from a streaming read replica, never older than what the reader has seen.

`READ_DATABASE_URL` names a streaming replica of the primary. Writes, admin reads, the
recommendation engine and probes always use the primary; a public GET (one the response cache
keys: collections, details, search, sync, the questionnaire) may be read from the replica, on
one condition checked in the replica's own transaction before anything else is read there:

    the replica has replayed at least the version the request needs,

where the version needed is the newest of
- the content version this worker answers at (from the primary's notices, including this
  worker's own writes: an editor reads their own write at once);
- the version the client shows it has seen: the one in an ETag it revalidates
  (`If-None-Match`; the service's ETags start with their version), the one in its sync cursor
  (`since`), or an `X-Content-Version` header (every public answer and every write carries
  one).

A replica that is behind (its replay lags or is paused) or unreachable is skipped for that
request and the primary answers: the answer is never older than what the client saw, a sync
page never starts before its cursor, and, since the replica replays commits in the order the
writers took versions, a sync page read there holds every change up to the version it read.
The check costs one single-row read on the replica per cache miss; cache hits and 304s touch
no database at all.
"""

from __future__ import annotations

import logging
import re
import time

import sqlalchemy as sa
from flask import Flask, Response, g, request
from prometheus_client import Counter
from sqlalchemy.orm import Session

from service import etags
from service.content.versioning import COMMITTED_KEY, SEEN_KEY, current_version
from service.db import Database

VERSION_HEADER = "X-Content-Version"
# A replica that failed to answer is left alone this long before it is tried again.
RETRY_SECONDS = 5.0
# The version that starts a sync cursor (service/sync/services.py: version.index.row).
_CURSOR_VERSION = re.compile(r"^(\d{1,18})\.\d{1,2}\.\d{1,18}$")
_VERSION = re.compile(r"^\d{1,18}$")
log = logging.getLogger(__name__)

PUBLIC_READS = Counter(
    "backcare_db_public_reads_total",
    "Public reads that needed the database, by where they were read",
    ["target", "reason"],
)


def seen_by_client() -> int:
    """The newest content version the request shows its client has already seen."""
    headers = request.headers
    seen = etags.versions(headers.get("If-None-Match"))
    header = headers.get(VERSION_HEADER)
    if header and _VERSION.match(header.strip()):
        seen.append(int(header))
    if request.path == "/v1/sync":
        match = _CURSOR_VERSION.match(request.args.get("since", ""))
        if match:
            seen.append(int(match.group(1)))
    return max(seen, default=0)


class Router:
    """Decides, once per request, whether its session reads from the replica."""

    def __init__(self) -> None:
        self._down_until = 0.0

    def __call__(self, database: Database) -> Session | None:
        key = g.get("cache_key")
        if key is None or database.read_sessionmaker is None:
            return None  # not a public read: the primary
        needed = max(int(key[0]), g.get(SEEN_KEY, 0))
        if time.monotonic() < self._down_until:
            PUBLIC_READS.labels("primary", "replica_down").inc()
            return None
        session = database.read_sessionmaker()
        try:
            replayed = current_version(session)
        except sa.exc.DBAPIError as error:
            session.close()
            self._down_until = time.monotonic() + RETRY_SECONDS
            log.warning("read replica unreachable (%s); reading from the primary", error.orig)
            PUBLIC_READS.labels("primary", "replica_down").inc()
            return None
        if replayed < needed:
            session.close()
            PUBLIC_READS.labels("primary", "replica_behind").inc()
            return None
        PUBLIC_READS.labels("replica", "caught_up").inc()
        return session


def init_app(app: Flask, database: Database) -> None:
    """Route public reads (before the response cache's hook, which needs what clients saw)."""
    if database.read_sessionmaker is not None:
        database.route_read = Router()

    @app.before_request
    def _seen() -> None:
        seen = seen_by_client()
        if seen:
            setattr(g, SEEN_KEY, seen)

    @app.after_request
    def _version_header(response: Response) -> Response:
        key = g.get("cache_key")
        version = g.get(COMMITTED_KEY) or (key[0] if key is not None else None)
        if version is not None:
            response.headers[VERSION_HEADER] = str(version)
        return response
