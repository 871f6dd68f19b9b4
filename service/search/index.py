"""Keeping the search index in step with the content, inside the writer's own transaction.

Every ORM flush that creates, changes or deletes a searched item rewrites that item's
documents before the flush ends, whoever the writer is (admin writes, bundle imports, the seed,
background jobs, scripts): the index commits or rolls back with the content. An item that is
not published has no documents, so a draft, an unpublished or a deleted item is never found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.db import backend
from service.search import text
from service.search.documents import BY_MODEL, SEARCHED, WATCHED, Document, Searched, documents
from service.search.models import SearchDocument, SearchTerm

CHUNK = 500


def _values(searched: Searched, obj: Any) -> dict[str, Any]:
    names = ("id", *WATCHED, *searched.fields)
    return {name: getattr(obj, name, None) for name in names}


def _text_changed(searched: Searched, obj: Any) -> bool:
    attrs = sa.inspect(obj).attrs
    return any(
        attrs[name].history.has_changes() for name in (*WATCHED, *searched.fields) if name in attrs
    )


@event.listens_for(Session, "after_flush")
def _follow_content(session: Session, _context: Any) -> None:
    stale: list[tuple[str, int]] = []
    fresh: list[Document] = []
    for obj in session.new:
        searched = BY_MODEL.get(type(obj))
        if searched is not None:
            fresh += documents(searched, _values(searched, obj))
    for obj in session.dirty:
        searched = BY_MODEL.get(type(obj))
        if searched is not None and _text_changed(searched, obj):
            stale.append((searched.collection.name, obj.id))
            fresh += documents(searched, _values(searched, obj))
    for obj in session.deleted:
        searched = BY_MODEL.get(type(obj))
        if searched is not None:
            stale.append((searched.collection.name, obj.id))
    if stale or fresh:
        write(session.connection(), stale, fresh)


def write(
    connection: sa.Connection, stale: Iterable[tuple[str, int]], fresh: Iterable[Document]
) -> None:
    """Remove the documents of the `stale` items, add `fresh` ones and learn their words."""
    by_collection: dict[str, list[int]] = {}
    for collection, item_id in stale:
        by_collection.setdefault(collection, []).append(item_id)
    for collection, ids in by_collection.items():
        for start in range(0, len(ids), CHUNK):
            connection.execute(
                sa.delete(SearchDocument).where(
                    SearchDocument.collection == collection,
                    SearchDocument.item_id.in_(ids[start : start + CHUNK]),
                )
            )
    dialect = backend(connection)
    rows = [document.row(dialect) for document in fresh]
    if not rows:
        return
    connection.execute(sa.insert(SearchDocument), rows)
    learn(connection, text.vocabulary(t for d in fresh for t in (d.name, d.summary, d.body)))


def learn(connection: sa.Connection, words: set[str]) -> None:
    """Add words to the vocabulary; words it has are left alone.

    Words are never removed on a write: one that no document uses any more only costs a
    correction that finds nothing. `rebuild` starts the vocabulary afresh.
    """
    if not words:
        return
    insert = postgresql_insert if backend(connection) == "postgresql" else sqlite_insert
    ordered = sorted(words)
    for start in range(0, len(ordered), CHUNK):
        rows = [{"word": word} for word in ordered[start : start + CHUNK]]
        connection.execute(insert(SearchTerm).on_conflict_do_nothing(), rows)


def rebuild(connection: sa.Connection) -> int:
    """Index every published item again from scratch; returns the number of documents.

    Reads the columns the index needs from each table, and only those that exist, so that a
    migration can run it against the schema of its own revision.
    """
    connection.execute(sa.delete(SearchDocument))
    connection.execute(sa.delete(SearchTerm))
    inspector = sa.inspect(connection)
    written = 0
    for searched in SEARCHED:
        table = searched.collection.model.__table__
        existing = {column["name"] for column in inspector.get_columns(table.name)}
        names = [n for n in ("id", *WATCHED, *searched.fields) if n in existing]
        rows = connection.execute(sa.select(*(table.c[n] for n in names)).order_by(table.c.id))
        mappings = [_mapping(row._mapping) for row in rows]
        for start in range(0, len(mappings), CHUNK):
            found = [d for m in mappings[start : start + CHUNK] for d in documents(searched, m)]
            write(connection, [], found)
            written += len(found)
    return written


def _mapping(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(key): value for key, value in row.items()}
