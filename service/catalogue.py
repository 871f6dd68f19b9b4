"""The content collections, one registration line each; each collection declares itself.

Each line names the module that declares a collection's COLLECTION; the catalogue imports it,
and with it the collection's models, so the mapper and Alembic see them.

COLLECTIONS lists them in the order they were added: a new one comes last, so that delta
sync cursors taken before it existed keep their meaning (a cursor names a collection by its
position). LOAD_ORDER is the order writes take them, derived from their relations: each
collection after every collection its items refer to (pictures before the stretches that
show them), so that an import creates what an item refers to before the item, and deletes in
the reverse order.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module

from service.content.collection import (
    Collection,
    Links,
    PublicApi,
    Refs,
    singular,
    with_article,
    words,
)

__all__ = [
    "BY_NAME",
    "COLLECTIONS",
    "LOAD_ORDER",
    "Collection",
    "Links",
    "PublicApi",
    "Refs",
    "declared",
    "load_order",
    "singular",
    "with_article",
    "words",
]


def declared(*modules: str) -> tuple[Collection, ...]:
    """The COLLECTION each module declares, in the order given."""
    collections = []
    for name in modules:
        collection = getattr(import_module(name), "COLLECTION", None)
        if not isinstance(collection, Collection):
            raise TypeError(f"{name} declares no COLLECTION")
        collections.append(collection)
    return tuple(collections)


def load_order(collections: Sequence[Collection]) -> tuple[Collection, ...]:
    """`collections` with each one after every collection it refers to; otherwise in the
    order given. A cycle of references has no such order and is refused."""
    by_name = {collection.name: collection for collection in collections}
    placed: dict[str, Collection] = {}

    def place(collection: Collection, referring: tuple[str, ...]) -> None:
        if collection.name in placed:
            return
        if collection.name in referring:
            cycle = " -> ".join((*referring, collection.name))
            raise ValueError(f"collections refer to each other in a cycle: {cycle}")
        for relation in collection.relations.values():
            if relation.collection != collection.name:
                place(by_name[relation.collection], (*referring, collection.name))
        placed[collection.name] = collection

    for collection in collections:
        place(collection, ())
    return tuple(placed.values())


COLLECTIONS: tuple[Collection, ...] = declared(
    "service.content.sources",
    "service.causes.collection",
    "service.symptoms.collection",
    "service.stretches.collection",
    "service.exercises.collection",
    "service.remedies.collection",
    "service.routines.collection",
    "service.faqs.collection",
    "service.risk_factors.collection",
    "service.pain_bands.collection",
    "service.routine_limits.collection",
    "service.media.collection",
)

LOAD_ORDER: tuple[Collection, ...] = load_order(COLLECTIONS)

BY_NAME: dict[str, Collection] = {collection.name: collection for collection in COLLECTIONS}
