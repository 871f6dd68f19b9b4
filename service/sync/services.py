"""Reading the changes since a cursor, in the order they were committed.

A position is (version, collection index, id). Writers take versions in commit order (see
service/content/versioning.py) and every read is bounded by the version current when the sync
started, so a client that keeps syncing never misses a change and never sees one twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.admin.models import Tombstone
from service.catalogue import COLLECTIONS, Collection
from service.content.models import Status
from service.content.versioning import current_version
from service.errors import InvalidInput

PUBLIC: tuple[Collection, ...] = tuple(c for c in COLLECTIONS if c.public is not None)
TOMBSTONES = len(PUBLIC)  # tombstones sort after every collection within a version
END = 99  # a cursor at (version, END, 0) has seen everything up to that version
CURSOR = re.compile(r"^(\d{1,18})\.(\d{1,2})\.(\d{1,18})$")

Position = tuple[int, int, int]


def encode(position: Position) -> str:
    return ".".join(map(str, position))


def decode(cursor: str | None) -> Position:
    if not cursor:
        return (-1, 0, 0)
    match = CURSOR.match(cursor)
    if match is None:
        raise InvalidInput(
            "Not a sync cursor; use the `cursor` of a previous answer.",
            errors={"query.since": ["Not a sync cursor."]},
        )
    version, index, row = (int(part) for part in match.groups())
    return (version, index, row)


@dataclass
class Change:
    position: Position
    collection: str
    slug: str
    item: Any = None  # the row, for an item that is published
    deleted_at: datetime | None = None
    reason: str | None = None


def _after(model: Any, index: int, since: Position) -> sa.ColumnElement[bool]:
    version, at_index, row = since
    column: sa.ColumnElement[int] = model.version
    if index < at_index:
        return column > version
    if index > at_index:
        return column >= version
    return sa.or_(model.version > version, sa.and_(model.version == version, model.id > row))


def changes_since(session: Session, since: Position, limit: int) -> tuple[list[Change], str, bool]:
    """At most `limit` changes after `since`, the cursor after them, and whether more wait.

    Only published rows are read: a draft, even one edited since, is never named. An item
    leaves the public catalogue through its tombstone, which only an item once public has
    (`admin.changes.record_changes`).
    """
    upper = current_version(session)
    found: list[Change] = []
    for index, collection in enumerate(PUBLIC):
        model = collection.model
        assert collection.public is not None
        rows = session.scalars(
            sa.select(model)
            .where(
                _after(model, index, since),
                model.version <= upper,
                model.status == Status.PUBLISHED,
            )
            .order_by(model.version, model.id)
            .limit(limit + 1)
            .options(*collection.public.detail_options)
        ).all()
        found += [
            Change((row.version, index, row.id), collection.name, row.slug, item=row)
            for row in rows
        ]
    stones = session.scalars(
        sa.select(Tombstone)
        .where(_after(Tombstone, TOMBSTONES, since), Tombstone.version <= upper)
        .order_by(Tombstone.version, Tombstone.id)
        .limit(limit + 1)
    ).all()
    found += _live_tombstones(session, stones)
    found.sort(key=lambda change: change.position)
    page, has_more = found[:limit], len(found) > limit
    # With nothing left, the cursor says "everything up to `upper`" even if no row changed.
    last = page[-1].position if has_more else (max(upper, since[0]), END, 0)
    cursor = encode(last)
    return page, cursor, has_more


def _live_tombstones(session: Session, stones: Sequence[Tombstone]) -> list[Change]:
    """Tombstones of items not public again: "unpublished" while a draft of the item is kept,
    "deleted" once it is gone (an item published again wins over its tombstone)."""
    by_collection: dict[str, set[str]] = {}
    for stone in stones:
        by_collection.setdefault(stone.collection, set()).add(stone.slug)
    status: dict[tuple[str, str], Status] = {}
    for collection in PUBLIC:
        slugs = by_collection.get(collection.name)
        if slugs:
            model = collection.model
            rows = session.execute(sa.select(model.slug, model.status).where(model.slug.in_(slugs)))
            status.update(((collection.name, slug), state) for slug, state in rows)
    changes = []
    for stone in stones:
        state = status.get((stone.collection, stone.slug))
        if state == Status.PUBLISHED:
            continue
        changes.append(
            Change(
                (stone.version, TOMBSTONES, stone.id),
                stone.collection,
                stone.slug,
                deleted_at=stone.deleted_at,
                reason="deleted" if state is None else "unpublished",
            )
        )
    return changes
