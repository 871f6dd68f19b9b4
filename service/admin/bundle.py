"""Import and export of bundles: the whole catalogue, or part of it, as one JSON object.

A bundle is `{collection name: [item, ...]}` in the shape of each collection's input schema.
Import validates everything first, then upserts by slug in one transaction (the caller
commits); importing the same bundle twice changes nothing the second time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from service.catalogue import COLLECTIONS, Collection, Links, Refs
from service.content.models import utcnow
from service.errors import InvalidInput, flatten_errors


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


def _load_options(collection: Collection) -> list[Any]:
    return [selectinload(getattr(collection.model, name)) for name in collection.relations]


def _existing(session: Session, collection: Collection) -> dict[str, Any]:
    model = collection.model
    rows = session.scalars(sa.select(model).options(*_load_options(collection))).all()
    return {row.slug: row for row in rows}


def dump_item(collection: Collection, item: Any) -> dict[str, Any]:
    """An item (row or validated input) in bundle shape, unordered relation lists sorted."""
    data: dict[str, Any] = collection.input_schema().dump(item)
    for name, relation in collection.relations.items():
        if isinstance(relation, Refs) or not relation.ordered:
            data[name] = sorted(data.get(name) or [], key=lambda v: json.dumps(v, sort_keys=True))
    return data


def validate_bundle(bundle: Any) -> dict[str, list[dict[str, Any]]]:
    """Parse every item of every collection; report every problem at once, with its path."""
    if not isinstance(bundle, dict):
        raise InvalidInput("A bundle is a JSON object keyed by collection name.")
    errors: dict[str, Any] = {}
    parsed: dict[str, list[dict[str, Any]]] = {}
    for name, items in bundle.items():
        if name == "prune":
            continue
        collection = next((c for c in COLLECTIONS if c.name == name), None)
        if collection is None:
            errors[name] = [f"Unknown collection; known: {', '.join(c.name for c in COLLECTIONS)}."]
            continue
        if not isinstance(items, list):
            errors[name] = ["Must be a list of items."]
            continue
        schema = collection.input_schema()
        loaded: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            try:
                data = schema.load(item)
            except ma.ValidationError as error:
                errors.setdefault(name, {})[index] = error.messages
                continue
            if data["slug"] in seen:
                errors.setdefault(name, {})[index] = {
                    "slug": [
                        f"Duplicate slug {data['slug']!r} (also at index {seen[data['slug']]})."
                    ]
                }
                continue
            seen[data["slug"]] = index
            loaded.append(data)
        parsed[name] = loaded
    if errors:
        flat = flatten_errors(errors)
        raise InvalidInput(f"The bundle has {len(flat)} invalid field(s).", errors=flat)
    return parsed


def import_bundle(
    session: Session, bundle: Any, *, dry_run: bool = False, prune: bool | None = None
) -> ImportResult:
    """Validate then apply `bundle`. Flushes; the caller commits (or rolls back)."""
    parsed = validate_bundle(bundle)
    if prune is None:
        prune = bool(isinstance(bundle, dict) and bundle.get("prune") is True)
    existing = {c.name: _existing(session, c) for c in COLLECTIONS}
    _check_references(parsed, existing, prune)

    plans: dict[str, CollectionPlan] = {}
    for collection in COLLECTIONS:
        if collection.name not in parsed:
            continue
        plan = plans[collection.name] = CollectionPlan()
        current = existing[collection.name]
        incoming = {item["slug"] for item in parsed[collection.name]}
        for data in parsed[collection.name]:
            row = current.get(data["slug"])
            if row is None:
                plan.created.append(data["slug"])
            elif dump_item(collection, row) == dump_item(collection, data):
                plan.unchanged.append(data["slug"])
            else:
                plan.updated.append(data["slug"])
        if prune:
            plan.deleted = sorted(set(current) - incoming)
    result = ImportResult(plans=plans, dry_run=dry_run)
    if dry_run:
        return result

    # Deletes go child-first so that a restricted reference is removed before its target.
    for collection in reversed(COLLECTIONS):
        plan = plans.get(collection.name)
        for slug in plan.deleted if plan else ():
            session.delete(existing[collection.name].pop(slug))
    session.flush()
    now = utcnow()
    for collection in COLLECTIONS:
        plan = plans.get(collection.name)
        if plan is None:
            continue
        changed = set(plan.created) | set(plan.updated)
        current = existing[collection.name]
        for data in parsed[collection.name]:
            if data["slug"] not in changed:
                continue
            row = current.get(data["slug"])
            if row is None:
                row = collection.model(created_at=now)
                session.add(row)
                current[data["slug"]] = row
            apply_item(session, collection, row, data, existing)
            row.updated_at = now
        session.flush()
    return result


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
            setattr(row, name, [targets[slug] for slug in value])
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
        fields[relation.key] = targets[entry[relation.key]]
        if relation.ordered:
            fields["position"] = position
        links.append(relation.link_class(**fields))
    setattr(row, name, links)


def _check_references(
    parsed: Mapping[str, list[dict[str, Any]]],
    existing: Mapping[str, Mapping[str, Any]],
    prune: bool,
) -> None:
    available: dict[str, set[str]] = {}
    for collection in COLLECTIONS:
        in_bundle = {item["slug"] for item in parsed.get(collection.name, [])}
        if prune and collection.name in parsed:
            available[collection.name] = in_bundle
        else:
            available[collection.name] = in_bundle | set(existing[collection.name])
    errors: dict[str, list[str]] = {}
    for collection in COLLECTIONS:
        for index, item in enumerate(parsed.get(collection.name, [])):
            for name, relation in collection.relations.items():
                for position, value in enumerate(item.get(name) or []):
                    if isinstance(relation, Refs):
                        slug, path = value, f"{collection.name}.{index}.{name}.{position}"
                    else:
                        slug = value[relation.key]
                        path = f"{collection.name}.{index}.{name}.{position}.{relation.key}"
                    if slug not in available[relation.collection]:
                        errors[path] = [f"No {relation.collection} item has the slug {slug!r}."]
    if errors:
        raise InvalidInput(
            f"The bundle refers to {len(errors)} item(s) that do not exist.", errors=errors
        )


def export_bundle(session: Session) -> dict[str, list[dict[str, Any]]]:
    """The whole catalogue, drafts included, in import shape and load order."""
    bundle: dict[str, list[dict[str, Any]]] = {}
    for collection in COLLECTIONS:
        rows = sorted(_existing(session, collection).values(), key=lambda row: row.slug)
        bundle[collection.name] = [dump_item(collection, row) for row in rows]
    return bundle
