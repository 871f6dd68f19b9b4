"""The bookkeeping of every content write: tombstones on status changes, and the audit log.

Every writer (single-item admin writes, bundle imports, the seed) describes what it did to each
item as an `ItemChange` and hands them to `record_changes` in its own transaction.

A tombstone tells offline copies that an item left the public catalogue, so only an item that
was public leaves one: a draft that was never published, or is deleted as a draft, is never
named outside the admin API. An item public again loses its tombstone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from service.admin import tombstones
from service.admin.audit import Actor, Change, record


@dataclass(frozen=True)
class ItemChange(Change):
    """An audited change, and whether the public API showed the item before and after it."""

    was_public: bool = False
    is_public: bool = False


def record_changes(
    session: Session, actor: Actor, changes: Iterable[ItemChange], at: datetime
) -> None:
    """Bury what left the public catalogue, unbury what came back, audit every change."""
    changes = list(changes)
    buried: dict[str, list[str]] = {}
    unburied: dict[str, list[str]] = {}
    for change in changes:
        if change.was_public and not change.is_public:
            buried.setdefault(change.collection, []).append(change.slug)
        elif change.is_public and not change.was_public:
            unburied.setdefault(change.collection, []).append(change.slug)
    for collection, slugs in unburied.items():
        tombstones.unbury(session, collection, slugs)
    for collection, slugs in buried.items():
        tombstones.bury(session, collection, slugs, at)
    record(session, actor, changes, at)


def record_change(session: Session, actor: Actor, change: ItemChange, at: datetime) -> None:
    record_changes(session, actor, [change], at)
