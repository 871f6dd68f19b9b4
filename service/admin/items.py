"""Single-item admin writes and reads, drafts included, built on the bundle engine's steps.

Each write validates like an import (schema, references, review rule, all problems at once),
applies with `bundle.apply_item`, and hands what it did to `changes.record_change`
(tombstones and audit), in the caller's transaction: these functions flush and never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.admin.audit import Actor, last_writers, state_hash
from service.admin.bundle import (
    MAX_LISTED_PROBLEMS,
    apply_item,
    describe_referrers,
    dump_item,
    is_public,
    item_references,
    load_by_slug,
    parse_item,
    referrers,
    relation_loaders,
)
from service.admin.changes import ItemChange, record_change
from service.admin.models import Action
from service.admin.reviews import NEEDS_REVIEW, review_problem
from service.admin.writes import take_turn
from service.catalogue import BY_NAME, Collection
from service.content.models import ContentMixin, JsonArrayContains, Status, utcnow
from service.content.queries import _like_pattern
from service.errors import Conflict, InvalidInput, NotFound, describe_fields, flatten_errors


@dataclass(frozen=True)
class AdminView:
    """An item as editors see it: its bundle shape and what the service knows about it."""

    collection: str
    slug: str
    created_at: datetime
    updated_at: datetime
    updated_by: str | None
    item: dict[str, Any]

    @property
    def etag(self) -> str:
        # Bare, not quoted as in the ETag header: a JSON view shows a quoted value as
        # "\"...\"", and a copy of that into If-Match would not match.
        return state_hash(self.item) or ""


def view_of(session: Session, collection: Collection, row: Any) -> AdminView:
    writers = last_writers(session, collection.name, [row.slug])
    return _view(collection, row, writers.get(row.slug))


def _view(collection: Collection, row: Any, updated_by: str | None) -> AdminView:
    return AdminView(
        collection=collection.name,
        slug=row.slug,
        created_at=row.created_at,
        updated_at=row.updated_at,
        updated_by=updated_by,
        item=dump_item(collection, row),
    )


def get_item(session: Session, collection: Collection, slug: str, *, lock: bool = False) -> Any:
    """A row with its relations, drafts included; `lock` holds it until the transaction ends.

    Writers lock the row before comparing ETags, so that two writers holding the same ETag
    cannot both pass the check: the second waits, then sees the first one's change. A writer
    takes its turn (`writes.take_turn`) before it locks anything.
    """
    if lock:
        take_turn(session)
    stmt = (
        sa.select(collection.model)
        .where(collection.model.slug == slug)
        .options(*relation_loaders(collection))
    )
    if lock:
        stmt = stmt.with_for_update()
    row = session.scalar(stmt)
    if row is None:
        raise NotFound(f"No {collection.name} item has the slug {slug!r}.")
    return row


def preview(session: Session, collection: Collection, slug: str) -> Any:
    """An item loaded as the public detail loads it, whatever its status."""
    assert collection.public is not None
    row = session.scalar(
        sa.select(collection.model)
        .where(collection.model.slug == slug)
        .options(*collection.public.detail_options)
    )
    if row is None:
        raise NotFound(f"No {collection.name} item has the slug {slug!r}.")
    return row


def list_items(
    session: Session, collection: Collection, args: Mapping[str, Any]
) -> tuple[list[AdminView], int]:
    model = collection.model
    stmt = sa.select(model)
    if args.get("status") is not None:
        stmt = stmt.where(model.status == args["status"])
    if args.get("tag"):
        stmt = stmt.where(JsonArrayContains(model.tags, args["tag"]))
    if args.get("q"):
        stmt = stmt.where(model.slug.ilike(_like_pattern(args["q"]), escape="\\"))
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    page, page_size = args["page"], args["page_size"]
    rows = session.scalars(
        stmt.order_by(model.slug)
        .limit(page_size)
        .offset((page - 1) * page_size)
        .options(*relation_loaders(collection))
    ).all()
    writers = last_writers(session, collection.name, [row.slug for row in rows])
    return [_view(collection, row, writers.get(row.slug)) for row in rows], total


def _validate(
    session: Session, collection: Collection, raw: Any, *, before: Any | None
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Validated data and the rows it refers to; every problem at once, as `json.<path>`."""
    if not isinstance(raw, dict):
        raise InvalidInput("The body must be a JSON object.", errors={"json": ["Not an object."]})
    data, messages, checkable = parse_item(collection, raw)
    errors = flatten_errors(messages) if messages else {}
    wanted: dict[str, set[str]] = {}
    for _path, target, slug in item_references(collection, checkable):
        wanted.setdefault(target, set()).add(slug)
    targets = {
        relation.collection: load_by_slug(
            session,
            BY_NAME[relation.collection],
            wanted.get(relation.collection, ()),
            with_relations=False,
        )
        for relation in collection.relations.values()
    }
    for path, target, slug in item_references(collection, checkable):
        if slug not in targets[target]:
            errors[path] = [f"No {target} item has the slug {slug!r}."]
    if data is not None:
        problem = review_problem(data, before=before)
        if problem:
            errors["last_reviewed"] = [problem]
        if collection.check is not None:
            for _index, path, found in collection.check(session, [data]):
                errors[path] = found
    if errors or data is None:
        prefixed = {f"json.{path}": messages for path, messages in sorted(errors.items())}
        if len(prefixed) <= MAX_LISTED_PROBLEMS:
            raise InvalidInput(describe_fields(prefixed), errors=prefixed)
        # A body with thousands of bad entries gets the first ones and a count.
        listed = dict(list(prefixed.items())[:MAX_LISTED_PROBLEMS])
        raise InvalidInput(
            f"{describe_fields(listed)} | and {len(prefixed) - len(listed)} more problem(s)",
            errors=listed,
            extensions={"error_count": len(prefixed)},
        )
    return data, targets


def _write(
    session: Session,
    collection: Collection,
    row: Any | None,
    data: Mapping[str, Any],
    targets: Mapping[str, Mapping[str, Any]],
    actor: Actor,
) -> Any:
    now = utcnow()
    before = None if row is None else dump_item(collection, row)
    was_public = row is not None and is_public(row)
    if row is None:
        row = collection.model(created_at=now)
        session.add(row)
    apply_item(session, collection, row, data, targets)
    row.updated_at = now
    try:
        session.flush()
    except IntegrityError:
        if before is not None:
            raise
        # Another request created the same slug between our check and this insert.
        raise Conflict(f"A {collection.name} item with the slug {data['slug']!r} exists.") from None
    action = Action.CREATE if before is None else Action.UPDATE
    after = dump_item(collection, data)
    change = ItemChange(
        collection.name,
        row.slug,
        action,
        state_hash(before),
        state_hash(after),
        was_public=was_public,
        is_public=is_public(data),
    )
    record_change(session, actor, change, now)
    session.flush()
    return row


def create_item(session: Session, collection: Collection, raw: Any, actor: Actor) -> Any:
    take_turn(session)
    data, targets = _validate(session, collection, raw, before=None)
    model = collection.model
    if session.scalar(sa.select(model.id).where(model.slug == data["slug"])) is not None:
        raise Conflict(
            f"A {collection.name} item with the slug {data['slug']!r} exists already; "
            "replace it with PUT or choose another slug."
        )
    return _write(session, collection, None, data, targets, actor)


def _same_slug(row: Any, raw: Any) -> None:
    if isinstance(raw, dict) and "slug" in raw and raw["slug"] != row.slug:
        raise InvalidInput(
            "A slug cannot be changed: create the item under the new slug and delete this one.",
            errors={"json.slug": [f"Must be {row.slug!r}, the slug in the URL."]},
        )


def replace_item(session: Session, collection: Collection, row: Any, raw: Any, actor: Actor) -> Any:
    """Replace every field; fields left out take their defaults, as in an import."""
    _same_slug(row, raw)
    data, targets = _validate(session, collection, raw, before=row)
    if dump_item(collection, row) == dump_item(collection, data):
        return row
    return _write(session, collection, row, data, targets, actor)


def update_item(session: Session, collection: Collection, row: Any, raw: Any, actor: Actor) -> Any:
    """Replace the fields the body names, keep the others; then validate the whole item."""
    _same_slug(row, raw)
    if not isinstance(raw, dict):
        raise InvalidInput("The body must be a JSON object.", errors={"json": ["Not an object."]})
    merged = {**dump_item(collection, row), **raw}
    return replace_item(session, collection, row, merged, actor)


def delete_item(session: Session, collection: Collection, row: Any, actor: Actor) -> None:
    """Delete an item no other item refers to, leaving a tombstone."""
    take_turn(session)
    users = describe_referrers(referrers(session, collection, [row.slug])).get(row.slug)
    if users:
        raise Conflict(
            f"{collection.name} {row.slug!r} is still used by {', '.join(users)}; "
            "change or delete those first."
        )
    now, slug, was_public = utcnow(), row.slug, is_public(row)
    before = state_hash(dump_item(collection, row))
    session.delete(row)
    session.flush()
    change = ItemChange(collection.name, slug, Action.DELETE, before, None, was_public=was_public)
    record_change(session, actor, change, now)
    session.flush()


def set_status(
    session: Session, collection: Collection, row: ContentMixin, status: Status, actor: Actor
) -> ContentMixin:
    """Publish or unpublish. Publishing needs a review; doing it twice changes nothing."""
    take_turn(session)
    if row.status is status:
        return row
    if status is Status.PUBLISHED and row.last_reviewed is None:
        raise InvalidInput(NEEDS_REVIEW, errors={"last_reviewed": [NEEDS_REVIEW]})
    if status is Status.PUBLISHED:
        # What a published item must have (a picture's alt text...), checked as a PUT would.
        _data, messages, _refs = parse_item(
            collection, {**dump_item(collection, row), "status": status.value}
        )
        if messages:
            errors = {f"item.{path}": m for path, m in flatten_errors(messages).items()}
            raise InvalidInput(
                f"The item cannot be published as it is: {describe_fields(errors)}",
                errors=errors,
            )
    now, was_public = utcnow(), is_public(row)
    before = state_hash(dump_item(collection, row))
    row.status = status
    row.updated_at = now
    session.flush()
    action = Action.PUBLISH if status is Status.PUBLISHED else Action.UNPUBLISH
    after = state_hash(dump_item(collection, row))
    change = ItemChange(
        collection.name,
        row.slug,
        action,
        before,
        after,
        was_public=was_public,
        is_public=is_public(row),
    )
    record_change(session, actor, change, now)
    session.flush()
    return row
