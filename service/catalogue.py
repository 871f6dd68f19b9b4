"""The content collections, one registration line each; each collection declares itself.

Each line names the module that declares a collection's COLLECTION; the catalogue imports it,
and with it the collection's models, so the mapper and Alembic see them.

Collections are listed in load order: an item only refers to collections above it. Those
added later come last, so that delta sync cursors taken before they existed keep their
meaning (a cursor names a collection by its position).
"""

from __future__ import annotations

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
    "Collection",
    "Links",
    "PublicApi",
    "Refs",
    "declared",
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
)

BY_NAME: dict[str, Collection] = {collection.name: collection for collection in COLLECTIONS}
