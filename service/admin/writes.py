"""The unit of work of every catalogue write: one writer at a time, bounded waits, retries.

Writers used to read what their write depended on (does the slug exist, does the item it
cites exist, does anyone still cite the item) and then write, each locking rows in its own
order. Two writers at once could then both pass the same check (a unique or foreign key
violation: a 500), or lock the same two rows in opposite orders (a deadlock: a 503).

Now every catalogue writer first takes its turn: the lock of the content version row, which
each write bumps anyway before it commits. Taking it before reading means the checks see
every write committed before, and that no writer holds any other lock while it waits for its
turn, so writers cannot deadlock each other. On SQLite a write session takes the database's
write lock at BEGIN (`db.session(write=True)`), which is the same rule.

What is left to chance is handled by `run`: a deadlock or serialization failure (a race with
a transaction that does not take turns) runs the work again, a few times; a unique or foreign
key violation that persists is a 409; a lock that is not released in time (`LOCK_TIMEOUT_MS`)
is a 503 with Retry-After, by the app's error handler.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from service.content.versioning import ContentState
from service.db import contention
from service.errors import Conflict

T = TypeVar("T")
log = logging.getLogger(__name__)

ATTEMPTS = 3
TURN_KEY = "writer_turn"
CONFLICT_DETAIL = (
    "The write conflicts with the catalogue as it is now (another write may have changed the "
    "same items at the same moment); read them again and retry."
)


def take_turn(session: Session) -> None:
    """Wait until no other catalogue write is in progress; hold the turn until commit.

    Call it before reading anything the write depends on. Idempotent within a transaction.
    """
    if session.info.get(TURN_KEY):
        return
    # A no-op UPDATE, not SELECT ... FOR UPDATE: on SQLite it also takes the write lock.
    session.execute(
        sa.update(ContentState)
        .where(ContentState.id == 1)
        .values(version=ContentState.version)
        .execution_options(synchronize_session=False)
    )
    session.info[TURN_KEY] = True


@event.listens_for(Session, "after_transaction_end")
def _turn_ends(session: Session, transaction: Any) -> None:
    if transaction.parent is None or transaction.nested:
        session.info.pop(TURN_KEY, None)


def run(session: Session, work: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """`work()` (which commits or rolls back itself), again after a lost race, a few times."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except IntegrityError as error:
            session.rollback()
            if attempt == attempts:
                # Not seen between writers that take turns: worth a look if it is in the log.
                log.error("a write kept breaking a constraint: %s", type(error.orig).__name__)
                raise Conflict(CONFLICT_DETAIL) from None
        except DBAPIError as error:
            session.rollback()
            if contention(error) != "conflict" or attempt == attempts:
                raise
        # Jittered, so that two writers that collided do not collide again in step.
        time.sleep(random.uniform(0.02, 0.1) * attempt)
    raise AssertionError("unreachable")
