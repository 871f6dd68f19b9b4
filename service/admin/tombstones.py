"""Tombstones: which content items left the public catalogue, and when."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.admin.models import Tombstone
from service.content.versioning import bump

# Keeps IN lists well under the bound-parameter limits of SQLite and PostgreSQL.
CHUNK = 500


def _chunks(slugs: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(slugs))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def bury(session: Session, collection: str, slugs: Iterable[str], at: datetime) -> None:
    """These items left the public catalogue at `at` (deleted, or unpublished)."""
    chunks = list(_chunks(slugs))
    if not chunks:
        return
    version = bump(session)
    for chunk in chunks:
        where = (Tombstone.collection == collection, Tombstone.slug.in_(chunk))
        known = set(session.scalars(sa.select(Tombstone.slug).where(*where)))
        if known:
            session.execute(
                sa.update(Tombstone)
                .where(*where)
                .values(deleted_at=at, version=version)
                .execution_options(synchronize_session=False)
            )
        new = [
            {"collection": collection, "slug": s, "deleted_at": at, "version": version}
            for s in chunk
        ]
        new = [row for row in new if row["slug"] not in known]
        if new:
            session.execute(sa.insert(Tombstone), new)


def unbury(session: Session, collection: str, slugs: Iterable[str]) -> None:
    """These items are public again: a cache must not drop them."""
    for chunk in _chunks(slugs):
        session.execute(
            sa.delete(Tombstone)
            .where(Tombstone.collection == collection, Tombstone.slug.in_(chunk))
            .execution_options(synchronize_session=False)
        )
