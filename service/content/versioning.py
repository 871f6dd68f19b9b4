"""One content version for the whole catalogue, bumped by every write in the writer's transaction.

The bump is an UPDATE of a single row, so it holds that row's lock until the writer commits:
writers get versions in the order they commit, and a reader that sees version V can rely on
every change up to V being visible. Caches and ETags key on it; delta sync pages by it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from service import db, listener
from service.content.models import utcnow
from service.db import Base, backend, get_db

SESSION_KEY = "content_version"
# The newest content version the client of the current request has shown it has seen.
SEEN_KEY = "content_seen"
# The version the current request's own write committed (a header tells the client).
COMMITTED_KEY = "content_committed"


class ContentState(Base):
    """The single row (id 1) that holds the catalogue's version."""

    __tablename__ = "content_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


_SELECT_VERSION = sa.select(ContentState.version).where(ContentState.id == 1)


def current_version(session: Session) -> int:
    return int(session.scalar(_SELECT_VERSION) or 0)


def version_now() -> int:
    """The committed content version, as cheaply as the database allows.

    This runs on every public request (cache hits and 304s included). On PostgreSQL the
    worker's listener knows it from the writers' notices, with no round trip; while the
    listener is down, it is one autocommit statement on a pool of its own rather than a
    session's BEGIN, SELECT, ROLLBACK and pre-ping.
    """
    database = get_db()
    engine = database.autocommit
    if engine is None or database.bound_to_connection():
        return current_version(db.session())
    known = database.listener.known() if database.listener else None
    # A client that has seen a newer version (from another instance whose notice came first,
    # service/replica.py reads what it showed) is answered at the primary's version, not ours.
    if known is not None and known >= (g.get(SEEN_KEY, 0) if has_request_context() else 0):
        return known
    for attempt in (1, 2):
        try:
            with engine.connect() as connection:
                version = int(connection.scalar(_SELECT_VERSION) or 0)
                if database.listener is not None:
                    database.listener.saw(version)
                return version
        except sa.exc.DBAPIError as error:
            # A connection dropped by a database restart: the pool discards it; try a new one.
            if attempt == 2 or not error.connection_invalidated:
                raise
    raise AssertionError("unreachable")


def bump(session: Session) -> int:
    """The version of this transaction's changes (bumped once per transaction)."""
    if SESSION_KEY not in session.info:
        version = session.execute(
            sa.update(ContentState)
            .where(ContentState.id == 1)
            .values(version=ContentState.version + 1, changed_at=utcnow())
            .returning(ContentState.version)
        ).scalar_one()
        session.info[SESSION_KEY] = int(version)
        if backend(session) == "postgresql":
            listener.notify(session, int(version))
    return int(session.info[SESSION_KEY])


def _is_content(obj: Any) -> bool:
    return bool(getattr(type(obj), "__versioned__", False))


@event.listens_for(Session, "before_flush")
def _stamp_changes(session: Session, _context: Any, _instances: Any) -> None:
    changed = [o for o in session.new if _is_content(o)]
    changed += [o for o in session.dirty if _is_content(o) and session.is_modified(o)]
    deleted = [o for o in session.deleted if _is_content(o)]
    if not changed and not deleted:
        return
    version = bump(session)
    for obj in changed:
        if hasattr(obj, "version"):
            obj.version = version


@event.listens_for(Session, "after_commit")
def _known_here_at_once(session: Session) -> None:
    # This process serves its next request with the new version, notice or not.
    version = session.info.get(SESSION_KEY)
    if version is not None:
        listener.committed(version)
        if has_request_context():
            setattr(g, COMMITTED_KEY, max(version, g.get(COMMITTED_KEY, 0)))


@event.listens_for(Session, "after_transaction_end")
def _forget_version(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(SESSION_KEY, None)
