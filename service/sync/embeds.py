"""Items whose sync `data` embeds a changed item are re-sent: they are stamped with its version.

A public detail embeds what the item is related to, both ways along the catalogue's relations
(a stretch shows the causes it helps with, a cause shows the stretches that help with it, and
every item shows its sources). Delta sync sends an item again when its `version` moves, so
every ORM flush that creates, changes or deletes an item (or a link between items) stamps the
items on the other side of each of its relations with the writer's version, before and after
the change: an item that stops referring to another is re-sent too. It runs inside the flush,
whoever the writer is (admin writes, bundle imports, the seed, jobs, scripts), and commits or
rolls back with the change.

Writers hold the content version row (`versioning.bump`, or `admin.writes.take_turn` before
they lock an item) before these stamps lock the related rows, as for any other write.

A change to an item that was a draft before and after it is nobody's embedded data (details
embed published items only), so it stamps nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from service.catalogue import COLLECTIONS, Collection, Links
from service.content.models import Status
from service.content.versioning import bump

PENDING_KEY = "sync_embedders"
# Keeps IN lists well under the bound-parameter limits of SQLite and PostgreSQL.
CHUNK = 500


@dataclass(frozen=True)
class Edge:
    """`owner.relation` refers to items of `target` (through `link`, for link objects)."""

    owner: Collection
    relation: str
    target: Collection
    link: Links | None

    def pairs(self) -> sa.Select[Any]:
        """(owner id, target id) of every reference along this edge."""
        owner, target = self.owner.model, self.target.model
        stmt = sa.select(owner.id, target.id).join_from(owner, getattr(owner, self.relation))
        if self.link is not None:
            stmt = stmt.join(getattr(self.link.link_class, self.link.key))
        return stmt


BY_NAME = {collection.name: collection for collection in COLLECTIONS}
EDGES: tuple[Edge, ...] = tuple(
    Edge(
        collection,
        name,
        BY_NAME[relation.collection],
        relation if isinstance(relation, Links) else None,
    )
    for collection in COLLECTIONS
    for name, relation in collection.relations.items()
)
BY_MODEL: dict[type[Any], Collection] = {c.model: c for c in COLLECTIONS}


def _fk_attribute(relationship: Any, side: str) -> str:
    """The link class's column attribute that holds the id of one end of a link object."""
    prop = relationship.property
    (local, remote), *_ = prop.local_remote_pairs
    column = remote if side == "owner" else local
    mapper = sa.inspect(prop.mapper.class_ if side == "owner" else prop.parent.class_)
    return str(mapper.get_property_by_column(column).key)


@dataclass(frozen=True)
class LinkEnds:
    """Where a link object keeps the ids of the item that owns it and of the item it names."""

    edge: Edge
    owner_id: str
    target_id: str


LINKS: dict[type[Any], LinkEnds] = {
    edge.link.link_class: LinkEnds(
        edge,
        _fk_attribute(getattr(edge.owner.model, edge.relation), "owner"),
        _fk_attribute(getattr(edge.link.link_class, edge.link.key), "target"),
    )
    for edge in EDGES
    if edge.link is not None
}


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def related(session: Session, changed: dict[str, set[int]]) -> dict[str, set[int]]:
    """{collection: ids} of the items on the other side of a relation of a `changed` item."""
    found: dict[str, set[int]] = {}
    for edge in EDGES:
        owners, targets = changed.get(edge.owner.name), changed.get(edge.target.name)
        owner_id, target_id = edge.owner.model.id, edge.target.model.id
        for ids, where, pick, into in (
            (owners, owner_id, 1, edge.target.name),
            (targets, target_id, 0, edge.owner.name),
        ):
            if not ids or BY_NAME[into].public is None:
                continue
            for chunk in _chunks(ids):
                rows = session.execute(edge.pairs().where(where.in_(chunk)))
                found.setdefault(into, set()).update(row[pick] for row in rows)
    return found


def _public(value: Any) -> bool:
    # Not known here (a default the database fills in): counted as public, which can only
    # re-send an item that did not need it.
    return value is None or bool(value == Status.PUBLISHED)


def _was_or_is_public(obj: Any, *, before: bool, after: bool) -> bool:
    """Whether the item was public before this flush or is public after it (no status: yes)."""
    attrs = sa.inspect(obj).attrs
    if "status" not in attrs:
        return True
    history = attrs["status"].history
    now = [*history.added, *history.unchanged] or [obj.__dict__.get("status")]
    then = [*history.deleted, *history.unchanged] or now
    return (after and any(_public(v) for v in now)) or (before and any(_public(v) for v in then))


def _changed_items(
    objects: Iterable[Any], session: Session, new: set[int], deleted: set[int]
) -> dict[str, set[int]]:
    """{collection: ids} of the content items among `objects` that change in this flush.

    `new` and `deleted` hold the id() of the session's new and deleted objects, built once:
    `session.new` and `session.dirty` are computed anew on each access.
    """
    changed: dict[str, set[int]] = {}
    for obj in objects:
        collection = BY_MODEL.get(type(obj))
        if collection is None or obj.id is None:
            continue
        is_new, is_deleted = id(obj) in new, id(obj) in deleted
        if not is_new and not is_deleted and not session.is_modified(obj):
            continue
        if _was_or_is_public(obj, before=not is_new, after=not is_deleted):
            changed.setdefault(collection.name, set()).add(obj.id)
    return changed


def _link_ends(session: Session, pending: _Pending) -> dict[str, set[int]]:
    """The owner and the item named of every link object created, changed or deleted."""
    ends: dict[str, set[int]] = {}
    for obj in pending.all:
        where = LINKS.get(type(obj))
        if where is None:
            continue
        written = id(obj) in pending.new or id(obj) in pending.deleted
        if not written and not session.is_modified(obj):
            continue
        attrs = sa.inspect(obj).attrs
        for name, collection in (
            (where.owner_id, where.edge.owner),
            (where.target_id, where.edge.target),
        ):
            if collection.public is None:
                continue
            values = [v for v in attrs[name].history.sum() if v is not None]
            ends.setdefault(collection.name, set()).update(values)
    return ends


@dataclass
class _Pending:
    """The objects a flush writes, read once from the session."""

    all: list[Any]
    new: set[int]
    deleted: set[int]

    @classmethod
    def of(cls, session: Session) -> _Pending:
        new, dirty, deleted = list(session.new), list(session.dirty), list(session.deleted)
        return cls([*new, *dirty, *deleted], {id(o) for o in new}, {id(o) for o in deleted})

    def items(self, *, with_new: bool, with_deleted: bool) -> list[Any]:
        return [
            o
            for o in self.all
            if type(o) in BY_MODEL
            and (with_new or id(o) not in self.new)
            and (with_deleted or id(o) not in self.deleted)
        ]


def _merge(into: dict[str, set[int]], more: dict[str, set[int]]) -> None:
    for name, ids in more.items():
        into.setdefault(name, set()).update(ids)


@event.listens_for(Session, "before_flush")
def _related_before(session: Session, _context: Any, _instances: Any) -> None:
    # What the items about to change or go are related to now: after the flush, a removed
    # reference (or a deleted item's references) can no longer be read.
    pending = _Pending.of(session)
    persistent = pending.items(with_new=False, with_deleted=True)
    changed = _changed_items(persistent, session, pending.new, pending.deleted)
    session.info[PENDING_KEY] = related(session, changed) if changed else {}


@event.listens_for(Session, "after_flush")
def _stamp_related(session: Session, _context: Any) -> None:
    stale: dict[str, set[int]] = session.info.pop(PENDING_KEY, None) or {}
    pending = _Pending.of(session)
    current = pending.items(with_new=True, with_deleted=False)
    changed = _changed_items(current, session, pending.new, pending.deleted)
    if changed:
        _merge(stale, related(session, changed))
    _merge(stale, _link_ends(session, pending))
    if any(stale.values()):
        stamp(session, stale)


def stamp(session: Session, items: dict[str, set[int]]) -> None:
    """Give these items this transaction's version, so that delta sync sends them again."""
    version = bump(session)
    for name, ids in items.items():
        model = BY_NAME[name].model
        table = model.__table__
        for chunk in _chunks(ids):
            session.execute(
                sa.update(table)
                .where(table.c.id.in_(chunk), table.c.version != version)
                .values(version=version)
            )
            for item_id in chunk:
                # Rows this session holds learn their new version without a reload.
                obj = session.identity_map.get(identity_key(model, item_id))
                if obj is not None and "version" in obj.__dict__:
                    set_committed_value(obj, "version", version)
