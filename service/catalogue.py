"""The content collections, one registration line each; each collection declares itself.

COLLECTIONS lists them in the order they were added: a new one comes last, so that delta
sync cursors taken before it existed keep their meaning (a cursor names a collection by its
position). LOAD_ORDER lists them in the order writes take them: an item only refers to
collections above it (pictures come before the stretches that show them), so that an import
creates what an item refers to before the item, and deletes in the reverse order.
"""

from __future__ import annotations

from service.causes.collection import COLLECTION as CAUSES
from service.content.collection import (
    Collection,
    Links,
    PublicApi,
    Refs,
    singular,
    with_article,
    words,
)
from service.content.sources import COLLECTION as SOURCES
from service.exercises.collection import COLLECTION as EXERCISES
from service.faqs.collection import COLLECTION as FAQS
from service.media.collection import COLLECTION as MEDIA
from service.pain_bands.collection import COLLECTION as PAIN_BANDS
from service.remedies.collection import COLLECTION as REMEDIES
from service.risk_factors.collection import COLLECTION as RISK_FACTORS
from service.routine_limits.collection import COLLECTION as ROUTINE_LIMITS
from service.routines.collection import COLLECTION as ROUTINES
from service.stretches.collection import COLLECTION as STRETCHES
from service.symptoms.collection import COLLECTION as SYMPTOMS

__all__ = [
    "BY_NAME",
    "COLLECTIONS",
    "LOAD_ORDER",
    "Collection",
    "Links",
    "PublicApi",
    "Refs",
    "singular",
    "with_article",
    "words",
]

COLLECTIONS: tuple[Collection, ...] = (
    SOURCES,
    CAUSES,
    SYMPTOMS,
    STRETCHES,
    EXERCISES,
    REMEDIES,
    ROUTINES,
    FAQS,
    RISK_FACTORS,
    PAIN_BANDS,
    ROUTINE_LIMITS,
    MEDIA,
)

LOAD_ORDER: tuple[Collection, ...] = (
    SOURCES,
    MEDIA,
    *(c for c in COLLECTIONS if c.name not in {SOURCES.name, MEDIA.name}),
)

BY_NAME: dict[str, Collection] = {collection.name: collection for collection in COLLECTIONS}
