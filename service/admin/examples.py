"""Examples for the OpenAPI document that succeed as shown against the catalogue `make run` seeds.

Everything is derived from the seed files and the collection table, so that a collection added
later gets working examples with no extra work. For each collection:

- the item an example edits is the first item of its seed file (PUT and PATCH change it, GET
  and preview read it);
- the create example is a copy of that item under a new slug (`new-<singular>`), as a draft,
  with the same (real) references; publish, unpublish and delete name that draft, so that the
  examples, run in order (create, publish, unpublish, delete), leave the catalogue as it was.

Examples are computed once per process and are deterministic: the committed `openapi.yaml`
holds them and a test compares it with the served document.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

from service.admin.audit import state_hash
from service.admin.bundle import dump_item, input_schema
from service.admin.schemas import has_status
from service.admin.seed import read_seed
from service.catalogue import BY_NAME, COLLECTIONS, Collection, Links, singular
from service.content.models import Status
from service.symptoms.models import Urgency

# The repository's seed/ beside the package, or ./seed where the package is installed (the
# container image keeps it in its working directory, where `flask seed` reads it too).
SEED_FOLDERS = (Path(__file__).resolve().parents[1] / "seed", Path("seed"))
# When the examples say an item was created and last written: a fixed time, so that the
# document is the same on every machine.
EXAMPLE_TIME = "2026-11-23T09:00:00+00:00"


@cache
def seed() -> dict[str, list[dict[str, Any]]]:
    for folder in SEED_FOLDERS:
        if folder.is_dir():
            bundle = read_seed(folder)
            # Dates and other YAML scalars as JSON has them.
            loaded: dict[str, list[dict[str, Any]]] = json.loads(json.dumps(bundle, default=str))
            return loaded
    return {}


def _first(collection: Collection) -> dict[str, Any] | None:
    items = seed().get(collection.name) or []
    return items[0] if items else None


def shape(collection: Collection, raw: dict[str, Any]) -> dict[str, Any]:
    """The item as the admin API shows it under `item` (every field, defaults filled in)."""
    dumped = dump_item(collection, input_schema(collection).load(raw))
    normalised: dict[str, Any] = json.loads(json.dumps(dumped, default=str))
    return normalised


def target_slug(collection: Collection) -> str | None:
    """The real item that read, PUT and PATCH examples name."""
    first = _first(collection)
    return None if first is None else str(first["slug"])


def published_slug(collection: Collection) -> str | None:
    """A seed item that the public API shows."""
    for item in seed().get(collection.name) or []:
        if item.get("status", Status.PUBLISHED.value) == Status.PUBLISHED.value:
            return str(item["slug"])
    return None


def draft_slug(collection: Collection) -> str:
    """The slug the create example makes: one the seed does not use."""
    taken = {item["slug"] for item in seed().get(collection.name) or []}
    base = f"new-{singular(collection).replace('_', '-')}"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_body(collection: Collection) -> dict[str, Any] | None:
    """A draft copy of the first seed item under the draft slug, with its real references."""
    first = _first(collection)
    if first is None:
        return None
    body = {**shape(collection, first), "slug": draft_slug(collection)}
    if has_status(collection):
        body["status"] = Status.DRAFT.value
    return body


def patch_body(collection: Collection) -> dict[str, Any] | None:
    """A small real change to the first seed item.

    Content items get their next clinical review scheduled a year after the last one (the
    kind of change an editor makes, and one the apps do not show); other items get their
    first field re-sent as it is.
    """
    first = _first(collection)
    if first is None:
        return None
    item = shape(collection, first)
    reviewed = item.get("last_reviewed")
    if reviewed and "next_review" in item:
        day = dt.date.fromisoformat(reviewed)
        try:
            due = day.replace(year=day.year + 1)
        except ValueError:  # 29 February
            due = day + dt.timedelta(days=365)
        return {"next_review": due.isoformat()}
    name = next(key for key in item if key != "slug")
    return {name: item[name]}


def replace_body(collection: Collection) -> dict[str, Any] | None:
    """The first seed item, whole, with the PATCH example's change applied."""
    first, change = _first(collection), patch_body(collection)
    if first is None or change is None:
        return None
    return {**shape(collection, first), **change}


def admin_view(collection: Collection) -> dict[str, Any] | None:
    """What GET /v1/admin/<collection>/<slug> answers for the first seed item."""
    first = _first(collection)
    if first is None:
        return None
    item = shape(collection, first)
    return {
        "collection": collection.name,
        "slug": item["slug"],
        "created_at": EXAMPLE_TIME,
        "updated_at": EXAMPLE_TIME,
        "updated_by": "system",
        "etag": state_hash(item),
        "item": item,
    }


def bundle_body() -> dict[str, Any]:
    """A small valid import: the smallest first item among the content collections, as
    seeded (importing it into the seeded catalogue changes nothing)."""
    candidates = [
        (len(json.dumps(shape(c, first))), c.name, shape(c, first))
        for c in COLLECTIONS
        if (first := _first(c)) is not None
    ]
    content = [entry for entry in candidates if has_status(BY_NAME[entry[1]])] or candidates
    if not content:
        return {"prune": False}
    _size, name, item = min(content)
    return {name: [item], "prune": False}


def recommendation_body(fields: set[str]) -> dict[str, Any]:
    """A request with real slugs: two self-care symptoms from the questionnaire, and as a
    known condition the first cause that some item must avoid (so that the answer shows what
    is avoided and why). Only the fields the request schema has are kept."""
    symptoms = [
        item["slug"]
        for item in seed().get("symptoms") or []
        if item.get("urgency", Urgency.SELF_CARE.value) == Urgency.SELF_CARE.value
    ][:2]
    conditions = [
        link[relation.key]
        for collection in COLLECTIONS
        for name, relation in collection.relations.items()
        if isinstance(relation, Links)
        and relation.collection == "causes"
        and name == "contraindications"
        for item in seed().get(collection.name) or []
        for link in item.get(name) or []
    ][:1]
    body = {
        "symptoms": symptoms,
        "conditions": conditions,
        "hours_since_onset": 30,
        "pain_level": 4,
        "minutes_available": 10,
    }
    return {name: value for name, value in body.items() if name in fields}


NEW_KEY = {"name": "Web team editor", "role": "editor", "expires_at": None}


def property_examples(collection: Collection) -> dict[str, Any]:
    """Example values, by field name, taken from the first seed item: for the response
    schemas, so that Swagger UI shows a real slug and real text instead of placeholders."""
    first = _first(collection)
    if first is None:
        return {}
    item = shape(collection, first)
    values: dict[str, Any] = {
        "updated_at": EXAMPLE_TIME,
        "created_at": EXAMPLE_TIME,
        "language": "en",
    }
    for name, value in item.items():
        scalar = value is None or isinstance(value, str | int | float | bool)
        strings = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if scalar or strings:
            values[name] = value
    return values
