"""The audit log: who made each write, to what, when, and hashes of before and after."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.admin.models import Action, AuditEntry, Role
from service.content.queries import paginate


@dataclass(frozen=True)
class Actor:
    """Who is writing: an API key, or the service itself (seed loader, command line)."""

    key_id: int | None
    name: str
    role: Role | None = None


SYSTEM = Actor(None, "system")


def state_hash(state: Mapping[str, Any] | None) -> str | None:
    """sha256 of an item's bundle shape: its audit hash, and its ETag."""
    if state is None:
        return None
    text = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Change:
    collection: str
    slug: str
    action: Action
    before: str | None
    after: str | None


def record(session: Session, actor: Actor, changes: Iterable[Change], at: datetime) -> None:
    """Add audit entries in the session's transaction: they commit or roll back with the write."""
    rows = [
        {
            "at": at,
            "key_id": actor.key_id,
            "key_name": actor.name,
            "collection": change.collection,
            "slug": change.slug,
            "action": change.action,
            "before_hash": change.before,
            "after_hash": change.after,
        }
        for change in changes
    ]
    if rows:
        # One multi-row INSERT: an import of thousands of items must not add a statement each.
        session.execute(sa.insert(AuditEntry), rows)


def entries(
    session: Session, filters: Mapping[str, Any], page: int, page_size: int
) -> tuple[list[AuditEntry], int]:
    """A page of the log, newest first, and how many entries match in all."""
    stmt = sa.select(AuditEntry)
    for name in ("collection", "slug", "action", "key_id"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(AuditEntry, name) == filters[name])
    if filters.get("since") is not None:
        stmt = stmt.where(AuditEntry.at >= filters["since"])
    if filters.get("until") is not None:
        stmt = stmt.where(AuditEntry.at < filters["until"])
    result, total = paginate(session, stmt, (AuditEntry.id.desc(),), page, page_size)
    return list(result.scalars()), total


def last_writers(session: Session, collection: str, slugs: Iterable[str]) -> dict[str, str]:
    """The name of whoever last wrote each of these items, when the log knows it."""
    wanted = list(slugs)
    if not wanted:
        return {}
    latest = (
        sa.select(sa.func.max(AuditEntry.id))
        .where(AuditEntry.collection == collection, AuditEntry.slug.in_(wanted))
        .group_by(AuditEntry.slug)
    )
    rows = session.execute(
        sa.select(AuditEntry.slug, AuditEntry.key_name).where(AuditEntry.id.in_(latest))
    )
    return {slug: name for slug, name in rows}
