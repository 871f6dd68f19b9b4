"""What of each item is searched: its name, its summary and the rest of its text, per language.

An item is indexed as one document in English and one per language it has a translation in.
A translation's document carries only the parts (name, summary, body) the translation touches,
each made of the translated fields and the English of the others; a part it leaves out is
searched in English. Only published items are indexed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from service.catalogue import BY_NAME, Collection
from service.content.models import Status
from service.search import text

TIERS = ("name", "summary", "body")


@dataclass(frozen=True)
class Searched:
    """A collection as search reads it: which text fields make its name, summary and body."""

    collection: Collection
    name: str
    summary: tuple[str, ...]

    @property
    def body(self) -> tuple[str, ...]:
        own = (self.name, *self.summary)
        fields = getattr(self.collection.model, "TEXT_FIELDS", ())
        return tuple(f for f in fields if f not in own)

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.name, *self.summary, *self.body)


def _searched(name: str, title: str = "name", summary: tuple[str, ...] = ("summary",)) -> Searched:
    return Searched(BY_NAME[name], title, summary)


# What a person looks for. Pain bands and routine limits are rules the advice keeps to, not
# something to look up; sources are cited by items, not read on their own.
SEARCHED: tuple[Searched, ...] = (
    _searched("stretches"),
    _searched("exercises"),
    _searched("causes"),
    _searched("symptoms", summary=("description",)),
    _searched("remedies"),
    _searched("routines"),
    _searched("faqs", title="question", summary=("answer",)),
    _searched("risk-factors", summary=("description",)),
)
BY_COLLECTION: dict[str, Searched] = {s.collection.name: s for s in SEARCHED}
BY_MODEL: dict[type[Any], Searched] = {s.collection.model: s for s in SEARCHED}
ORDER: dict[str, int] = {s.collection.name: position for position, s in enumerate(SEARCHED)}
# Changing one of these changes what an item's documents hold.
WATCHED = ("slug", "status", "tags", "translations")


@dataclass(frozen=True)
class Document:
    collection: str
    item_id: int
    slug: str
    language: str
    name: str | None
    summary: str | None
    body: str | None
    title: str  # the name the item is shown with in this language, for ordering ties

    def row(self, dialect: str) -> dict[str, Any]:
        """The row of `search_documents`: the text as shown, and as each database indexes it.

        PostgreSQL gets folded words and applies its language configuration itself; SQLite's
        FTS5 gets the lexemes this service makes with the same stop words and stemmer.
        """
        lang = text.language(self.language)

        def terms(value: str | None) -> str | None:
            if value is None:
                return None
            if dialect == "postgresql":
                return " ".join(text.words(value))
            return " ".join(text.lexemes(value, lang))

        return {
            "collection": self.collection,
            "item_id": self.item_id,
            "slug": self.slug,
            "language": self.language,
            "name": self.name,
            "summary": self.summary,
            "body": self.body,
            "name_terms": terms(self.name),
            "summary_terms": terms(self.summary),
            "body_terms": terms(self.body),
            "sort_name": text.fold(self.title)[:200],
        }


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if value.strip():
            yield value.strip()
    elif isinstance(value, Mapping):
        # A variant's `kind` (easier, harder) is a label, not text a person reads.
        for key, inner in value.items():
            if key != "kind":
                yield from _strings(inner)
    elif isinstance(value, Sequence):
        for inner in value:
            yield from _strings(inner)


def _join(values: Mapping[str, Any], fields: Sequence[str]) -> str:
    return "\n".join(s for field in fields for s in _strings(values.get(field)))


def documents(searched: Searched, values: Mapping[str, Any]) -> list[Document]:
    """The documents of one item (its column values by name); none unless it is published."""
    status = values.get("status")
    if status is not None and str(getattr(status, "value", status)) != Status.PUBLISHED.value:
        return []
    tiers = {"name": (searched.name,), "summary": searched.summary, "body": searched.body}
    tags = " ".join(tag.replace("-", " ") for tag in values.get("tags") or ())
    english = {tier: _join(values, fields) for tier, fields in tiers.items()}
    if tags:
        english["body"] = f"{english['body']}\n{tags}".strip()
    key = (searched.collection.name, int(values["id"]), str(values["slug"]))
    found = [
        Document(*key, "en", english["name"], english["summary"], english["body"], english["name"])
    ]
    translations = values.get("translations") or {}
    for code in sorted(translations):
        translated = translations[code] or {}
        if code == "en" or not isinstance(translated, Mapping):
            continue
        parts: dict[str, str | None] = {}
        for tier, fields in tiers.items():
            if any(field in translated for field in fields):
                merged = {field: translated.get(field, values.get(field)) for field in fields}
                parts[tier] = _join(merged, fields)
            else:
                parts[tier] = None
        if any(part is not None for part in parts.values()):
            title = parts["name"] or english["name"]
            found.append(
                Document(*key, code, parts["name"], parts["summary"], parts["body"], title)
            )
    return found
