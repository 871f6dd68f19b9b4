"""The content collections, one registration line each; each collection declares itself.

Collections are listed in load order: an item only refers to collections above it. Those
added later come last, so that delta sync cursors taken before they existed keep their
meaning (a cursor names a collection by its position).
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
)

BY_NAME: dict[str, Collection] = {collection.name: collection for collection in COLLECTIONS}
