"""Import and export of bundles: the whole catalogue, or part of it, as one JSON object.

A bundle is `{collection name: [item, ...]}` in the shape of each collection's input schema.
Import validates everything first, then upserts by slug in one transaction (the caller
commits); importing the same bundle twice changes nothing the second time. Single-item admin
writes go through the same parsing, reference checks, apply and audit steps.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from service.admin.audit import SYSTEM, Actor, state_hash
from service.admin.changes import ItemChange, record_changes
from service.admin.models import Action
from service.admin.reviews import review_problem
from service.admin.writes import take_turn
from service.catalogue import BY_NAME, COLLECTIONS, LOAD_ORDER, Collection, Links, Refs
from service.content.models import Status, utcnow
from service.errors import Conflict, InvalidInput, flatten_errors

# Keeps IN lists well under the bound-parameter limits of SQLite and PostgreSQL.
CHUNK = 500
# An error report lists this many problems (and counts them all): a million bad items must
# not become a 48 MB answer.
MAX_LISTED_PROBLEMS = 100
MAX_PATH, MAX_MESSAGE = 200, 500


def _clip(text: str, limit: int) -> str:
    """`text`, or its start and a digest of the whole (two long paths stay two paths)."""
    if len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{text[: limit - 14]}…{digest}"


# The phases of an import, in order, as reported to `progress(phase, done, total)`.
VALIDATING, CHECKING, WRITING = "validating", "checking", "writing"
PHASES = (VALIDATING, CHECKING, WRITING)
Progress = Callable[[str, int, int], None]
# Items between two progress reports.
PROGRESS_EVERY = 200
# Items written between two flushes of a large import.
FLUSH_EVERY = 1000
# Collections other collections refer to: their new rows are kept until the import ends.
REFERRED_TO = frozenset(r.collection for c in COLLECTIONS for r in c.relations.values())


class Problems:
    """What is wrong with a bundle: the first problems with their paths, and how many in all."""

    def __init__(self, limit: int = MAX_LISTED_PROBLEMS) -> None:
        self.limit = limit
        self.listed: dict[str, list[str]] = {}
        self.count = 0

    def __bool__(self) -> bool:
        return self.count > 0

    def copy(self) -> Problems:
        clone = Problems(self.limit)
        clone.listed, clone.count = dict(self.listed), self.count
        return clone

    def add(self, path: str, messages: list[str]) -> None:
        # Paths hold the bundle's own keys: a report stays small however long they are.
        path = _clip(path, MAX_PATH)
        if path in self.listed:
            self.listed[path] = [*self.listed[path], *(_clip(m, MAX_MESSAGE) for m in messages)]
            return
        self.count += 1
        if len(self.listed) < self.limit:
            self.listed[path] = [_clip(m, MAX_MESSAGE) for m in messages]

    def add_nested(self, prefix: str, messages: Any) -> None:
        """Marshmallow's nested messages, each under its full path (`faqs.3.answer`)."""
        for path, flat in flatten_errors(messages, prefix).items():
            self.add(path, flat)

    def error(self, what: str = "The bundle") -> InvalidInput:
        detail = f"{what} has {self.count} problem(s); nothing was written."
        if self.count > len(self.listed):
            detail += f" The first {len(self.listed)} are listed under errors."
        return InvalidInput(detail, errors=self.listed, extensions={"error_count": self.count})


def count_items(bundle: Any) -> int:
    """How many items a bundle holds (in the lists of its collections)."""
    if not isinstance(bundle, dict):
        return 0
    return sum(len(v) for k, v in bundle.items() if k != "prune" and isinstance(v, list))


@dataclass
class CollectionPlan:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "deleted": len(self.deleted),
        }


@dataclass
class ImportResult:
    plans: dict[str, CollectionPlan]
    dry_run: bool

    @property
    def changed(self) -> bool:
        return any(p.created or p.updated or p.deleted for p in self.plans.values())

    def summary(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "changed": self.changed,
            "collections": {name: plan.counts() for name, plan in self.plans.items()},
        }


def relation_loaders(collection: Collection) -> list[Any]:
    return [selectinload(getattr(collection.model, name)) for name in collection.relations]


_SCHEMAS: dict[str, ma.Schema] = {}


def input_schema(collection: Collection) -> ma.Schema:
    """One instance per collection: building a schema deep-copies all its fields, and doing
    that per item took most of the time of a 10,000-item import."""
    schema = _SCHEMAS.get(collection.name)
    if schema is None:
        schema = _SCHEMAS[collection.name] = collection.input_schema()
    return schema


def dump_item(collection: Collection, item: Any) -> dict[str, Any]:
    """An item (row or validated input) in bundle shape, unordered relation lists sorted."""
    data: dict[str, Any] = input_schema(collection).dump(item)
    for name, relation in collection.relations.items():
        if isinstance(relation, Refs) or not relation.ordered:
            data[name] = sorted(data.get(name) or [], key=lambda v: json.dumps(v, sort_keys=True))
    return data


def is_public(item: Any) -> bool:
    """Whether the public API shows the item (row or validated input); sources have no status."""
    if isinstance(item, Mapping):
        status = item.get("status", Status.PUBLISHED)
    else:
        status = getattr(item, "status", Status.PUBLISHED)
    return bool(status == Status.PUBLISHED)


def item_references(
    collection: Collection, item: Mapping[str, Any]
) -> Iterator[tuple[str, str, str]]:
    """(path inside the item, collection referred to, slug) for each reference an item makes."""
    for name, relation in collection.relations.items():
        for position, value in enumerate(item.get(name) or []):
            if isinstance(relation, Refs):
                yield f"{name}.{position}", relation.collection, value
            else:
                yield f"{name}.{position}.{relation.key}", relation.collection, value[relation.key]


def parse_item(
    collection: Collection, raw: Any
) -> tuple[dict[str, Any] | None, dict[str, Any], dict[str, Any]]:
    """Load one item: (data or None, schema errors, the part whose references can be checked).

    When the item is invalid its well-formed relation fields are still returned, so that a
    missing reference is reported together with the schema errors, not on the next attempt.
    """
    try:
        data: dict[str, Any] = input_schema(collection).load(raw)
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
        valid = error.valid_data if isinstance(error.valid_data, dict) else {}
        checkable = {
            name: valid[name]
            for name in collection.relations
            if name in valid and name not in messages
        }
        return None, messages, checkable
    return data, {}, data


@dataclass
class ParsedBundle:
    """A bundle checked against the schemas: its valid items and the problems found."""

    problems: Problems
    # The bundle's own `prune` (the caller's choice overrides it).
    prune: bool = False
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # {collection: {slug: index in the bundle}} of the valid items.
    index: dict[str, dict[str, int]] = field(default_factory=dict)
    # How many items the bundle holds, valid or not.
    total: int = 0
    # (index, data) of every item whose references can be checked, valid or not.
    checkable: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    # Slugs of the invalid items: referring to one is not a second problem, only theirs.
    invalid: dict[str, set[str]] = field(default_factory=dict)


def parse_bundle(bundle: Any, progress: Progress | None = None) -> ParsedBundle:
    """Check every item of `bundle` against its schema (no database needed).

    The result holds all that the import needs: the raw bundle can be let go of.
    """
    if not isinstance(bundle, dict):
        raise InvalidInput("A bundle is a JSON object keyed by collection name.")
    problems = Problems()
    parsed = ParsedBundle(problems, bundle.get("prune") is True, total=count_items(bundle))
    done = 0
    for name, items in bundle.items():
        if name == "prune":
            if not isinstance(items, bool):
                problems.add(name, ["Must be true or false."])
            continue
        collection = BY_NAME.get(name)
        if collection is None:
            known = ", ".join(c.name for c in COLLECTIONS)
            problems.add(name, [f"Unknown collection; known: {known}."])
            continue
        if not isinstance(items, list):
            problems.add(name, ["Must be a list of items."])
            continue
        loaded: list[dict[str, Any]] = []
        checkable: list[tuple[int, dict[str, Any]]] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(VALIDATING, done, parsed.total)
            data, messages, refs = parse_item(collection, item)
            if refs:
                # Only items with references to check: a million empty items keep nothing.
                checkable.append((index, refs))
            if data is None:
                problems.add_nested(f"{name}.{index}", messages)
                if isinstance(item, dict) and isinstance(item.get("slug"), str):
                    parsed.invalid.setdefault(name, set()).add(item["slug"])
                continue
            if data["slug"] in seen:
                problems.add(
                    f"{name}.{index}.slug",
                    [f"Duplicate slug {data['slug']!r} (also at index {seen[data['slug']]})."],
                )
                continue
            seen[data["slug"]] = index
            loaded.append(data)
        parsed.items[name] = loaded
        parsed.index[name] = seen
        parsed.checkable[name] = checkable
    return parsed


def validate_bundle(bundle: Any) -> dict[str, list[dict[str, Any]]]:
    """Parse every item of every collection; report every schema problem at once, with its path.

    References are not checked here (that needs the database): `import_bundle` does both.
    """
    parsed = parse_bundle(bundle)
    if parsed.problems:
        raise parsed.problems.error()
    return parsed.items


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def load_by_slug(
    session: Session, collection: Collection, slugs: Iterable[str], *, with_relations: bool
) -> dict[str, Any]:
    model = collection.model
    options = relation_loaders(collection) if with_relations else []
    found: dict[str, Any] = {}
    for chunk in _chunks(slugs):
        stmt = sa.select(model).where(model.slug.in_(chunk)).options(*options)
        found.update((row.slug, row) for row in session.scalars(stmt))
    return found


def referrers(
    session: Session, target: Collection, slugs: Iterable[str]
) -> list[tuple[str, str, str, str]]:
    """(collection, slug, relation, slug referred to) of each item that refers to `slugs`."""
    found: list[tuple[str, str, str, str]] = []
    wanted = list(slugs)
    for collection in COLLECTIONS:
        for name, relation in collection.relations.items():
            if relation.collection != target.name:
                continue
            model, target_model = collection.model, target.model
            stmt = sa.select(model.slug, target_model.slug).join(getattr(model, name))
            if isinstance(relation, Links):
                stmt = stmt.join(getattr(relation.link_class, relation.key))
            for chunk in _chunks(wanted):
                rows = session.execute(stmt.where(target_model.slug.in_(chunk)).distinct())
                found.extend((collection.name, slug, name, to) for slug, to in rows)
    return sorted(found)


def describe_referrers(found: Iterable[tuple[str, str, str, str]]) -> dict[str, list[str]]:
    """{slug referred to: ["stretches 'cat-cow' (contraindications)", ...]}."""
    described: dict[str, list[str]] = {}
    for collection, slug, relation, to in found:
        described.setdefault(to, []).append(f"{collection} {slug!r} ({relation})")
    return described


def import_bundle(
    session: Session,
    bundle: Any,
    *,
    dry_run: bool = False,
    prune: bool | None = None,
    actor: Actor = SYSTEM,
    require_review: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate then apply `bundle`. Flushes; the caller commits (or rolls back).

    Every problem (schema, references, reviews, deletions that would leave references
    dangling) is reported at once (the first `MAX_LISTED_PROBLEMS` of them, and how many),
    and nothing is written unless there is none. `require_review` applies the publishing
    rule of `reviews.review_problem`. `progress(phase, done, total)` hears how far it got.
    """
    return import_parsed(
        session,
        parse_bundle(bundle, progress),
        dry_run=dry_run,
        prune=prune,
        actor=actor,
        require_review=require_review,
        progress=progress,
    )


def import_parsed(
    session: Session,
    parsed: ParsedBundle,
    *,
    dry_run: bool = False,
    prune: bool | None = None,
    actor: Actor = SYSTEM,
    require_review: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """`import_bundle` for a bundle already parsed; `parsed` can be imported again (after a
    rolled-back attempt), as it is not changed."""
    problems = parsed.problems.copy()
    if prune is None:
        prune = parsed.prune
    if not dry_run and not problems:
        # From here on, what this import checks stays true until it commits.
        take_turn(session)
    if progress is not None:
        progress(CHECKING, 0, parsed.total)

    slugs = {c.name: set(session.scalars(sa.select(c.model.slug))) for c in COLLECTIONS}
    rows: dict[str, dict[str, Any]] = {}
    for name, items in parsed.items.items():
        # A prune deletes what the bundle leaves out, so it needs every row of the collection.
        wanted = slugs[name] if prune else {item["slug"] for item in items} & slugs[name]
        rows[name] = load_by_slug(session, BY_NAME[name], wanted, with_relations=True)
    _reference_errors(parsed, slugs, prune, problems)
    _collection_checks(session, parsed, problems)
    plans, before = _plan(parsed, rows, problems, require_review=require_review, progress=progress)
    if prune:
        for name, plan in plans.items():
            plan.deleted = sorted(slugs[name] - {item["slug"] for item in parsed.items[name]})
        _dangling_after_prune(session, plans, problems)
    if problems:
        raise problems.error()
    result = ImportResult(plans=plans, dry_run=dry_run)
    if dry_run:
        return result

    now = utcnow()
    if progress is not None:
        progress(WRITING, 0, parsed.total)
    changes = _delete(session, plans, rows)
    targets = _targets(session, parsed, rows)
    changes += _upsert(session, parsed, plans, targets, before, now, progress, parsed.total)
    record_changes(session, actor, changes, now)
    session.flush()
    return result


def _plan(
    parsed: ParsedBundle,
    rows: Mapping[str, Mapping[str, Any]],
    problems: Problems,
    *,
    require_review: bool,
    progress: Progress | None = None,
) -> tuple[dict[str, CollectionPlan], dict[tuple[str, str], str | None]]:
    """What each item of the bundle does (created, updated, unchanged), and the state hash of
    each item it updates; adds the review rule's problems to `problems`."""
    plans: dict[str, CollectionPlan] = {}
    before: dict[tuple[str, str], str | None] = {}
    done = 0
    for collection in LOAD_ORDER:
        if collection.name not in parsed.items:
            continue
        plan = plans[collection.name] = CollectionPlan()
        for data in parsed.items[collection.name]:
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(CHECKING, done, parsed.total)
            slug = data["slug"]
            row = rows[collection.name].get(slug)
            if row is None:
                plan.created.append(slug)
            else:
                existing = dump_item(collection, row)
                if existing == dump_item(collection, data):
                    plan.unchanged.append(slug)
                    continue
                plan.updated.append(slug)
                before[collection.name, slug] = state_hash(existing)
            problem = review_problem(data, before=row) if require_review else None
            if problem:
                index = parsed.index[collection.name][slug]
                problems.add(f"{collection.name}.{index}.last_reviewed", [problem])
    return plans, before


def _delete(
    session: Session,
    plans: Mapping[str, CollectionPlan],
    rows: dict[str, dict[str, Any]],
) -> list[ItemChange]:
    changes: list[ItemChange] = []
    # Child-first, so that a restricted reference is removed before its target.
    for collection in reversed(LOAD_ORDER):
        plan = plans.get(collection.name)
        if plan is None or not plan.deleted:
            continue
        for slug in plan.deleted:
            row = rows[collection.name].pop(slug)
            before = state_hash(dump_item(collection, row))
            changes.append(
                ItemChange(
                    collection.name, slug, Action.DELETE, before, None, was_public=is_public(row)
                )
            )
            session.delete(row)
        session.flush()
    return changes


def _upsert(
    session: Session,
    parsed: ParsedBundle,
    plans: Mapping[str, CollectionPlan],
    known: dict[str, dict[str, Any]],
    before: Mapping[tuple[str, str], str | None],
    now: datetime,
    progress: Progress | None = None,
    total: int = 0,
) -> list[ItemChange]:
    changes: list[ItemChange] = []
    done = written = 0
    for collection in LOAD_ORDER:
        plan = plans.get(collection.name)
        if plan is None:
            continue
        changed = set(plan.created) | set(plan.updated)
        for data in parsed.items[collection.name]:
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(WRITING, done, total)
            slug = data["slug"]
            if slug not in changed:
                continue
            row = known[collection.name].get(slug)
            was_public = row is not None and is_public(row)
            if row is None:
                row = collection.model(created_at=now)
                session.add(row)
                if collection.name in REFERRED_TO:
                    known[collection.name][slug] = row
            apply_item(session, collection, row, data, known)
            row.updated_at = now
            action = Action.UPDATE if (collection.name, slug) in before else Action.CREATE
            after = state_hash(dump_item(collection, data))
            changes.append(
                ItemChange(
                    collection.name,
                    slug,
                    action,
                    before.get((collection.name, slug)),
                    after,
                    was_public=was_public,
                    is_public=is_public(data),
                )
            )
            written += 1
            if written % FLUSH_EVERY == 0:
                # Rows flushed and not kept for later references can be let go of.
                session.flush()
        # Per collection, so that the next collections' items can refer to these rows.
        session.flush()
    return changes


def _targets(
    session: Session, parsed: ParsedBundle, rows: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Rows by collection and slug: the bundle's own, and every row its items refer to."""
    wanted: dict[str, set[str]] = {}
    for name, items in parsed.items.items():
        collection = BY_NAME[name]
        for item in items:
            for _path, target, slug in item_references(collection, item):
                if target not in rows:
                    wanted.setdefault(target, set()).add(slug)
    known: dict[str, dict[str, Any]] = {c.name: {} for c in COLLECTIONS}
    known.update(rows)
    for target, slugs in wanted.items():
        known[target] = load_by_slug(session, BY_NAME[target], slugs, with_relations=False)
    return known


def _reference_errors(
    parsed: ParsedBundle, slugs: Mapping[str, set[str]], prune: bool, problems: Problems
) -> None:
    available: dict[str, set[str]] = {}
    for collection in COLLECTIONS:
        in_bundle = {item["slug"] for item in parsed.items.get(collection.name, [])}
        in_bundle |= parsed.invalid.get(collection.name, set())
        if prune and collection.name in parsed.items:
            available[collection.name] = in_bundle
        else:
            available[collection.name] = in_bundle | slugs[collection.name]
    for name, checkable in parsed.checkable.items():
        collection = BY_NAME[name]
        for index, item in checkable:
            for path, target, slug in item_references(collection, item):
                if slug not in available[target]:
                    problems.add(
                        f"{name}.{index}.{path}", [f"No {target} item has the slug {slug!r}."]
                    )


def _collection_checks(session: Session, parsed: ParsedBundle, problems: Problems) -> None:
    """What each collection checks against what is stored (a picture's file)."""
    for name, items in parsed.items.items():
        check = BY_NAME[name].check
        if check is None or not items:
            continue
        for position, path, messages in check(session, items):
            index = parsed.index[name][items[position]["slug"]]
            problems.add(f"{name}.{index}.{path}", messages)


def _dangling_after_prune(
    session: Session, plans: Mapping[str, CollectionPlan], problems: Problems
) -> None:
    """Items outside the bundle that would still refer to an item the prune deletes."""
    for name, plan in plans.items():
        if not plan.deleted:
            continue
        found = [
            entry
            for entry in referrers(session, BY_NAME[name], plan.deleted)
            # Items the bundle replaces were checked against the bundle already, and items
            # the prune deletes too will not refer to anything.
            if entry[0] not in plans
        ]
        for slug, users in describe_referrers(found).items():
            problems.add(
                f"prune.{name}.{slug}",
                [f"Would be deleted, but is still used by {', '.join(users)}."],
            )


def apply_item(
    session: Session,
    collection: Collection,
    row: Any,
    data: Mapping[str, Any],
    existing: Mapping[str, Mapping[str, Any]],
) -> None:
    """Set a row's fields and relations from validated input data."""
    for name, value in data.items():
        relation = collection.relations.get(name)
        if relation is None:
            setattr(row, name, value)
        elif isinstance(relation, Refs):
            targets = existing[relation.collection]
            setattr(row, name, [_target(targets, relation.collection, slug) for slug in value])
        else:
            _apply_links(session, row, name, relation, value, existing[relation.collection])


def _apply_links(
    session: Session,
    row: Any,
    name: str,
    relation: Links,
    entries: list[dict[str, Any]],
    targets: Mapping[str, Any],
) -> None:
    if relation.ordered and getattr(row, name):
        # Positions are unique per parent: clear the old links before writing new ones.
        setattr(row, name, [])
        session.flush()
    links = []
    for position, entry in enumerate(entries, start=1):
        fields = {k: v for k, v in entry.items() if k != relation.key}
        fields[relation.key] = _target(targets, relation.collection, entry[relation.key])
        if relation.ordered:
            fields["position"] = position
        links.append(relation.link_class(**fields))
    setattr(row, name, links)


def _target(targets: Mapping[str, Any], collection: str, slug: str) -> Any:
    row = targets.get(slug)
    if row is None:
        # It existed when the write was checked: a writer that does not take turns deleted it.
        raise Conflict(
            f"The {collection} item {slug!r} was deleted while this write was in progress; "
            "try again."
        )
    return row


def export_bundle(session: Session) -> dict[str, list[dict[str, Any]]]:
    """The whole catalogue, drafts included, in import shape, load order and creation order."""
    bundle: dict[str, list[dict[str, Any]]] = {}
    for collection in LOAD_ORDER:
        # In creation order: an import into an empty database then creates the rows in the
        # same order, and lists the public API orders by id come out the same.
        rows = session.scalars(
            sa.select(collection.model)
            .order_by(collection.model.id)
            .options(*relation_loaders(collection))
        )
        bundle[collection.name] = [dump_item(collection, row) for row in rows]
    return bundle
