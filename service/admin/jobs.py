"""Import jobs: large bundles imported outside the request, by workers that survive restarts.

`POST /v1/admin/import` stores a large bundle (compressed, streamed: never whole in memory)
with a queued job and answers 202; `GET /v1/admin/jobs/{id}` says how it goes. Workers are
threads started by `start_workers` (in each gunicorn worker, see gunicorn.conf.py) or the
foreground loop of `flask --app service jobs work`.

- A worker claims a job with one conditional UPDATE (queued, or running with a lease that ran
  out), so that two workers never both get it; each claim carries a token of its own.
- While it works a heartbeat renews the lease and writes the progress. A worker that dies
  stops renewing it: once the lease runs out (JOB_LEASE_SECONDS) another worker claims the
  job and starts it again, from the stored bundle.
- The import and the job's completion commit in one transaction, and the completion only
  holds while the claim is still the worker's own: a job is applied once, whatever dies when.
  A job interrupted MAX_ATTEMPTS times fails rather than be claimed again forever.
- Finished jobs keep their record; their stored bundle is deleted after JOB_RETENTION_HOURS.

On SQLite one transaction writes at a time: from the checking phase on, the heartbeat cannot,
so the progress shows the end of validation until the import commits. Its lease may run out
meanwhile; no other worker can claim the job before the import has committed or died, since
claiming is a write too.
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import os
import random
import socket
import threading
import time
import uuid
import weakref
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import IO, Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest

from service.admin.audit import Actor
from service.admin.bundle import (
    CHECKING,
    PHASES,
    WRITING,
    ParsedBundle,
    count_items,
    import_parsed,
    parse_bundle,
)
from service.admin.models import ApiKey, Job, JobPayload, JobState
from service.content.models import utcnow
from service.db import Database, UTCDateTime, backend, contention
from service.errors import Conflict, NotFound, ServiceError

log = logging.getLogger(__name__)

KIND_IMPORT = "import"
# A job whose worker died this many times is failed, not claimed again (a bundle that kills
# its worker every time must not go on killing workers).
MAX_ATTEMPTS = 3
# Times a job's import is run again after losing a race for the database (a lock waited on
# too long, a deadlock) before the worker gives up and lets the lease run out.
WRITE_ATTEMPTS = 8
READ_CHUNK = 1 << 20
POLL_SECONDS = 1.0
# How long a worker's own small writes wait for SQLite's write lock.
SQLITE_NO_WAIT_MS = 50
# How often clients are told to look at a job (Retry-After of the 202).
POLL_HINT_SECONDS = 2
PROGRESS_SECONDS = 1.0
CLEANUP_SECONDS = 600.0
# Share of the whole each phase fills, in percent, in the order the phases run.
PHASE_SPANS = dict(zip(PHASES, ((0.0, 40.0), (40.0, 60.0), (60.0, 100.0)), strict=True))


class BundleUnreadable(ServiceError):
    """The stored body is not UTF-8 JSON."""

    status = HTTPStatus.BAD_REQUEST


class _ClaimLost(Exception):
    """Another worker took the job over: this one must not finish it."""


class _Interrupted(BaseException):
    """The worker is stopping: the import gives up (rolls back) and hands the job back.

    Not an Exception, so that no handler meant for the import's own failures catches it.
    """


# Submitting: in the request's transaction.


def read_body(stream: IO[bytes]) -> tuple[bytes, int]:
    """The request body compressed, read a chunk at a time, and its size in bytes.

    JSON is UTF-8: a body that is not is refused now (400), before anything is stored.
    """
    compressor = zlib.compressobj(6)
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    parts: list[bytes] = []
    size = 0
    try:
        while chunk := stream.read(READ_CHUNK):
            size += len(chunk)
            decoder.decode(chunk)
            parts.append(compressor.compress(chunk))
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise BadRequest(f"The body is not UTF-8 text, as JSON must be: {error}.") from None
    parts.append(compressor.flush())
    return b"".join(parts), size


def compress(body: bytes) -> bytes:
    return zlib.compress(body, 6)


def submit(
    session: Session,
    data: bytes,
    size: int,
    *,
    dry_run: bool,
    prune: bool | None,
    actor: Actor,
) -> Job:
    """A queued import of the compressed bundle `data` (`size` bytes of JSON). Flushes."""
    job = Job(
        kind=KIND_IMPORT,
        state=JobState.QUEUED,
        options={"dry_run": dry_run, "prune": prune},
        key_id=actor.key_id,
        key_name=actor.name,
        created_at=utcnow(),
        attempts=0,
        done=0,
        total=0,
        bundle_bytes=size,
    )
    session.add(job)
    session.flush()
    session.add(JobPayload(job_id=job.id, data=data))
    session.flush()
    return job


def find(session: Session, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"No job has the id {job_id}.")
    return job


def overall_percent(phase: str | None, done: int, total: int) -> float:
    """How far an import is, 0 to 100, from its phase and the items done in it."""
    low, high = PHASE_SPANS.get(phase or "", (0.0, 0.0))
    if total <= 0:
        return low
    return round(low + (high - low) * min(done, total) / total, 1)


def percent(job: Job) -> float:
    if job.state is JobState.SUCCEEDED:
        return 100.0
    return overall_percent(job.phase, job.done, job.total)


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round(max((end - start).total_seconds(), 0.0), 3)


def view(session: Session, job: Job, now: datetime | None = None) -> dict[str, Any]:
    """A job as `GET /v1/admin/jobs/{id}` shows it."""
    now = now or utcnow()
    kept = session.scalar(sa.select(sa.exists().where(JobPayload.job_id == job.id)))
    running_until = job.finished_at or (now if job.state is JobState.RUNNING else None)
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "dry_run": bool(job.options.get("dry_run")),
        "prune": job.options.get("prune"),
        "created_by": job.key_name,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "heartbeat_at": job.heartbeat_at,
        "queued_seconds": _seconds(job.created_at, job.started_at),
        "running_seconds": _seconds(job.started_at, running_until),
        "attempts": job.attempts,
        "worker": job.worker,
        "bundle_bytes": job.bundle_bytes,
        "bundle_kept": bool(kept),
        "progress": {
            "phase": job.phase,
            "done": job.done,
            "total": job.total,
            "percent": percent(job),
        },
        "result": job.result,
        "error": job.error,
    }


def problem_of(status: int, detail: str, **members: Any) -> dict[str, Any]:
    """What a failed job reports: the problem the synchronous import would have answered."""
    body: dict[str, Any] = {"status": status, "title": HTTPStatus(status).phrase, "detail": detail}
    body.update({name: value for name, value in members.items() if value})
    return body


# Working: claims, heartbeats, the import and its completion.


@dataclass(frozen=True)
class Claim:
    job_id: int
    token: str
    attempts: int


@dataclass
class Progress:
    """Where the running import is; the heartbeat writes it to the job.

    The import calls `report` every few hundred items, which is also where it learns that its
    worker is stopping.
    """

    phase: str | None = None
    done: int = 0
    total: int = 0
    stopping: threading.Event | None = None

    def report(self, phase: str, done: int, total: int) -> None:
        if self.stopping is not None and self.stopping.is_set():
            raise _Interrupted
        self.phase, self.done, self.total = phase, done, total


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        Job.state == JobState.QUEUED,
        sa.and_(Job.state == JobState.RUNNING, Job.lease_expires_at < now),
    )


def _worker_name() -> str:
    # Computed each time: gunicorn forks its workers after this module is imported.
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def _small_write(database: Database) -> Iterator[sa.Connection]:
    """A connection for one short write of a worker's own (a claim, a heartbeat) that commits
    when the block ends. On SQLite it gives up at once rather than wait for the write lock,
    which a long import may hold for minutes: the worker tries again at its next turn."""
    with database.engine.connect() as connection:
        sqlite = backend(connection) == "sqlite"
        waited = 0
        if sqlite:
            waited = int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0)
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_NO_WAIT_MS}")
        try:
            yield connection
            connection.commit()
        finally:
            connection.rollback()
            if sqlite:
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {waited}")
                connection.commit()


def claim(database: Database, lease_seconds: int) -> Claim | None:
    """Claim the oldest job that is queued or whose worker stopped renewing its lease."""
    now = utcnow()
    with database.sessionmaker() as session:
        # A read first, so that an idle worker never takes SQLite's write lock.
        candidates = session.scalars(
            sa.select(Job.id).where(_claimable(now)).order_by(Job.id).limit(5)
        ).all()
    for job_id in candidates:
        try:
            found = _claim_one(database, job_id, now, lease_seconds)
        except DBAPIError as error:
            if contention(error) is None:
                raise
            # Another worker is writing (SQLite: maybe a long import): next time.
            continue
        if found is not None:
            return found
    return None


def _claim_one(database: Database, job_id: int, now: datetime, lease_seconds: int) -> Claim | None:
    token = uuid.uuid4().hex
    with _small_write(database) as connection:
        claimed = connection.execute(
            sa.update(Job)
            .where(Job.id == job_id, _claimable(now))
            .values(
                state=JobState.RUNNING,
                claim=token,
                worker=_worker_name(),
                attempts=Job.attempts + 1,
                started_at=sa.func.coalesce(Job.started_at, sa.literal(now, UTCDateTime())),
                heartbeat_at=now,
                lease_expires_at=now + timedelta(seconds=lease_seconds),
            )
        )
        # Zero rows: another worker claimed it between the read and the update.
        if claimed.rowcount != 1:
            return None
        attempts = connection.scalar(sa.select(Job.attempts).where(Job.id == job_id))
        return Claim(job_id, token, int(attempts or 0))


def _held(claimed: Claim) -> sa.ColumnElement[bool]:
    """The job, as long as it is still this claim's (the fence against a takeover)."""
    return sa.and_(
        Job.id == claimed.job_id, Job.claim == claimed.token, Job.state == JobState.RUNNING
    )


def _finish(
    session: Session,
    claimed: Claim,
    state: JobState,
    progress: Progress,
    *,
    result: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
) -> None:
    """Mark the job done in the session's transaction, if it is still this claim's."""
    finished = session.execute(
        sa.update(Job)
        .where(_held(claimed))
        .values(
            state=state,
            finished_at=utcnow(),
            lease_expires_at=None,
            phase=progress.phase,
            done=progress.done,
            total=progress.total,
            result=result if result is not None else sa.null(),
            error=error if error is not None else sa.null(),
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(finished, "rowcount", 0) != 1:
        raise _ClaimLost


def _fail(database: Database, claimed: Claim, progress: Progress, error: dict[str, Any]) -> None:
    with database.sessionmaker() as session:
        try:
            _finish(session, claimed, JobState.FAILED, progress, error=error)
            session.commit()
        except _ClaimLost:
            session.rollback()
            log.warning("job %s was taken over before it could fail", claimed.job_id)


def _release(database: Database, claimed: Claim) -> None:
    """Hand the job back (its import rolled back): another worker may start it at once.

    The interrupted attempt does not count towards MAX_ATTEMPTS.
    """
    with database.sessionmaker() as session:
        session.execute(
            sa.update(Job)
            .where(_held(claimed))
            .values(
                state=JobState.QUEUED,
                claim=None,
                worker=None,
                lease_expires_at=None,
                attempts=Job.attempts - 1,
            )
            .execution_options(synchronize_session=False)
        )
        session.commit()
    log.info("job %s handed back: its worker is stopping", claimed.job_id)


def _renew(database: Database, claimed: Claim, lease_seconds: int, progress: Progress) -> None:
    """Extend the lease and record the progress, if the job is still this claim's."""
    now = utcnow()
    try:
        with _small_write(database) as connection:
            connection.execute(
                sa.update(Job)
                .where(_held(claimed))
                .values(
                    heartbeat_at=now,
                    lease_expires_at=now + timedelta(seconds=lease_seconds),
                    phase=progress.phase,
                    done=progress.done,
                    total=progress.total,
                )
            )
    except DBAPIError as error:
        # SQLite while the import writes, or the database is down: the next beat tries again.
        log.debug("job %s heartbeat skipped: %s", claimed.job_id, type(error).__name__)


@contextmanager
def _heartbeat(
    database: Database, claimed: Claim, lease_seconds: int, progress: Progress
) -> Iterator[None]:
    stop = threading.Event()
    interval = min(PROGRESS_SECONDS, lease_seconds / 3)

    def beat() -> None:
        while not stop.wait(interval):
            _renew(database, claimed, lease_seconds, progress)

    thread = threading.Thread(target=beat, name=f"job-{claimed.job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(10)


def parse_body(app: Flask, body: bytes) -> Any:
    """A bundle's JSON, UTF-8 decoded strictly and parsed by the app's strict rules
    (service/bodies.py), as a request body is."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BundleUnreadable(f"The body is not UTF-8 text, as JSON must be: {error}.") from None
    del body
    try:
        return app.json.loads(text)
    except ValueError as error:
        raise BundleUnreadable(f"The body is not valid JSON: {error}") from None


def load_bundle(app: Flask, data: bytes) -> Any:
    """The bundle a job stored."""
    return parse_body(app, zlib.decompress(data))


def run_claimed(app: Flask, claimed: Claim, stopping: threading.Event | None = None) -> None:
    """Run a job this worker has claimed, to success or failure (or until taken over).

    When `stopping` is set the import stops at its next progress report, rolls back, and the
    job is handed back to the queue.
    """
    database: Database = app.extensions["db"]
    progress = Progress(stopping=stopping)
    try:
        _run_claimed(app, database, claimed, progress)
    except _Interrupted:
        _release(database, claimed)


def _run_claimed(app: Flask, database: Database, claimed: Claim, progress: Progress) -> None:
    lease = app.config["SETTINGS"].job_lease_seconds
    if claimed.attempts > MAX_ATTEMPTS:
        detail = (
            f"The import was interrupted {claimed.attempts - 1} times (its worker stopped "
            "before it finished) and was not tried again. Nothing was written."
        )
        _fail(database, claimed, progress, problem_of(HTTPStatus.SERVICE_UNAVAILABLE, detail))
        return
    with database.sessionmaker() as session:
        job = session.get(Job, claimed.job_id)
        payload = session.get(JobPayload, claimed.job_id)
        if job is None:
            return
        options = dict(job.options)
        actor = Actor(job.key_id, job.key_name)
        data = payload.data if payload is not None else None
        key = session.get(ApiKey, job.key_id) if job.key_id is not None else None
        # Revoking a key stops everything it sent, imports still waiting in the queue too.
        revoked = key is not None and key.revoked_at is not None
        session.expunge_all()
        session.commit()
    with _heartbeat(database, claimed, lease, progress):
        if revoked:
            detail = (
                "The API key that sent this import was revoked before it ran; nothing was written."
            )
            _fail(database, claimed, progress, problem_of(HTTPStatus.UNAUTHORIZED, detail))
            return
        if data is None:
            detail = "The stored bundle of this job is gone; send the import again."
            _fail(database, claimed, progress, problem_of(HTTPStatus.GONE, detail))
            return
        try:
            bundle = load_bundle(app, data)
            del data
            progress.report(PHASES[0], 0, count_items(bundle))
            _renew(database, claimed, lease, progress)
            # Validated once, for every attempt below; the raw bundle goes now.
            parsed = parse_bundle(bundle, progress.report)
            del bundle
            # Said now: on SQLite the heartbeat cannot write again until the import commits.
            progress.report(PHASES[0], parsed.total, parsed.total)
            _renew(database, claimed, lease, progress)
        except ServiceError as error:
            _fail(database, claimed, progress, problem_of(error.status, error.detail))
            return
        except Exception:
            # Failed for good, not left to be claimed (and to fail) again and again.
            log.exception("job %s: its bundle could not be read", claimed.job_id)
            detail = "An unexpected error occurred; nothing was written."
            _fail(database, claimed, progress, problem_of(500, detail))
            return
        _import(database, claimed, parsed, options, actor, progress)


def _import(
    database: Database,
    claimed: Claim,
    parsed: ParsedBundle,
    options: dict[str, Any],
    actor: Actor,
    progress: Progress,
) -> None:
    dry_run = bool(options.get("dry_run"))
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        with database.new_session(write=True) as session:
            try:
                result = import_parsed(
                    session,
                    parsed,
                    dry_run=dry_run,
                    prune=options.get("prune"),
                    actor=actor,
                    require_review=True,
                    progress=progress.report,
                )
                if dry_run:
                    session.rollback()
                last = CHECKING if dry_run else WRITING
                progress.report(last, progress.total, progress.total)
                # In the import's own transaction: both commit, or neither.
                _finish(session, claimed, JobState.SUCCEEDED, progress, result=result.summary())
                session.commit()
                return
            except _ClaimLost:
                session.rollback()
                log.warning("job %s was taken over by another worker", claimed.job_id)
                return
            except Conflict as error:
                # An item it checked went away: a writer that does not take turns. Again.
                session.rollback()
                if attempt == WRITE_ATTEMPTS:
                    _fail(database, claimed, progress, problem_of(error.status, error.detail))
                    return
            except ServiceError as error:
                session.rollback()
                problem = problem_of(
                    error.status, error.detail, errors=error.errors, **(error.extensions or {})
                )
                _fail(database, claimed, progress, problem)
                return
            except (IntegrityError, DBAPIError) as error:
                session.rollback()
                retry = isinstance(error, IntegrityError) or contention(error) is not None
                if not (retry or error.connection_invalidated):
                    log.error("job %s: database error %s", claimed.job_id, type(error).__name__)
                    detail = "An unexpected error occurred; nothing was written."
                    _fail(database, claimed, progress, problem_of(500, detail))
                    return
                if attempt == WRITE_ATTEMPTS:
                    # Other writes kept it waiting, or the database went away: back to the
                    # queue (if the database lets us; else the lease runs out) for later.
                    log.warning("job %s: %s, handed back", claimed.job_id, type(error).__name__)
                    with contextlib.suppress(DBAPIError):
                        _release(database, claimed)
                    return
            except Exception:
                session.rollback()
                log.exception("job %s failed unexpectedly", claimed.job_id)
                detail = "An unexpected error occurred; nothing was written."
                _fail(database, claimed, progress, problem_of(500, detail))
                return
        time.sleep(random.uniform(0.2, 0.5) * attempt)


def clean_up(session: Session, now: datetime, retention_hours: int) -> int:
    """Delete the stored bundles of jobs that finished more than `retention_hours` ago."""
    cutoff = now - timedelta(hours=retention_hours)
    finished = sa.select(Job.id).where(Job.finished_at < cutoff)
    deleted = session.execute(
        sa.delete(JobPayload)
        .where(JobPayload.job_id.in_(finished))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(deleted, "rowcount", 0) or 0)


# Workers: a thread per process.

_APPS: weakref.WeakSet[Flask] = weakref.WeakSet()
_WORKERS: list[Worker] = []
_WORKERS_LOCK = threading.Lock()


class Worker:
    """Claims and runs jobs one after another until stopped; cleans up now and then."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.database: Database = app.extensions["db"]
        self.settings = app.config["SETTINGS"]
        self.stopping = threading.Event()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self._cleaned_at = 0.0

    def start(self) -> None:
        self.thread = threading.Thread(target=self.run, name="import-jobs", daemon=True)
        self.thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Claim no more jobs; wait up to `timeout` seconds for the one running to end."""
        self.stopping.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def run(self) -> None:
        log.info("import job worker %s started", _worker_name())
        while not self.stopping.is_set():
            ran = False
            try:
                ran = self.run_once()
                if time.monotonic() - self._cleaned_at > CLEANUP_SECONDS:
                    self.clean_up()
            except DBAPIError as error:
                # The database is down, or busy (an import writing on SQLite): poll again.
                level = logging.DEBUG if contention(error) else logging.WARNING
                log.log(level, "import job worker: database error %s", type(error).__name__)
            except Exception:
                log.exception("import job worker: unexpected error")
            if not ran:
                self.wake.wait(POLL_SECONDS)
                self.wake.clear()

    def run_once(self) -> bool:
        """Claim one job and run it; False when there was none."""
        claimed = claim(self.database, self.settings.job_lease_seconds)
        if claimed is None:
            return False
        log.info("job %s claimed (attempt %s)", claimed.job_id, claimed.attempts)
        run_claimed(self.app, claimed, self.stopping)
        return True

    def clean_up(self) -> int:
        self._cleaned_at = time.monotonic()
        with self.database.sessionmaker() as session:
            deleted = clean_up(session, utcnow(), self.settings.job_retention_hours)
            session.commit()
        return deleted


def init_app(app: Flask) -> None:
    """Let `start_workers` find this app."""
    _APPS.add(app)


def start_workers() -> list[Worker]:
    """Start a worker thread for each app of this process that runs jobs (JOB_WORKER)."""
    with _WORKERS_LOCK:
        for app in list(_APPS):
            if not app.config["SETTINGS"].job_worker:
                continue
            if any(w.app is app and w.thread and w.thread.is_alive() for w in _WORKERS):
                continue
            worker = Worker(app)
            worker.start()
            _WORKERS.append(worker)
        return list(_WORKERS)


def stop_workers(timeout: float = 10.0) -> None:
    """Stop this process's workers; a job in progress is rolled back and handed back."""
    with _WORKERS_LOCK:
        workers = list(_WORKERS)
        _WORKERS.clear()
    for worker in workers:
        worker.stopping.set()
        worker.wake.set()
    deadline = time.monotonic() + timeout
    for worker in workers:
        worker.stop(max(deadline - time.monotonic(), 0.0))


def wake() -> None:
    """A job was just submitted: this process's workers need not wait for their next poll."""
    for worker in _WORKERS:
        worker.wake.set()
