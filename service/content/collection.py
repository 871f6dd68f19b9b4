"""How a content collection declares itself: its model, input shape, relations, public reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import marshmallow as ma
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import LoaderOption

from service.content.queries import ListSpec


@dataclass(frozen=True)
class Refs:
    """A list of slugs of another collection (a many-to-many relation)."""

    collection: str


@dataclass(frozen=True)
class Links:
    """A list of link objects, each naming an item of another collection plus its own fields."""

    link_class: type[Any]
    key: str  # the field that holds the other item's slug: "cause", "stretch"
    collection: str
    ordered: bool = False  # the list order is meaningful (stored as `position`)


@dataclass(frozen=True)
class PublicApi:
    """How the public API reads a collection."""

    singular: str
    description: str
    list_schema: type[ma.Schema]
    detail_schema: type[ma.Schema]
    args_schema: type[ma.Schema]
    list_spec: ListSpec
    # What a detail loads with the item: a function, called at first use, since the mapper
    # resolves relationships named by string only once every model is imported.
    detail: Callable[[], Sequence[LoaderOption]]

    @cached_property
    def detail_options(self) -> Sequence[LoaderOption]:
        return tuple(self.detail())


# Rules that an item's schema cannot check, as they need what is stored (a picture's file):
# given validated items, (index among them, field, messages) for each problem.
Check = Callable[[Session, Sequence[Mapping[str, Any]]], list[tuple[int, str, list[str]]]]


@dataclass(frozen=True)
class Collection:
    name: str  # as in URLs and bundles: "stretches", "risk-factors"
    model: type[Any]
    input_schema: type[ma.Schema]
    relations: Mapping[str, Refs | Links] = field(default_factory=dict)
    public: PublicApi | None = None
    check: Check | None = None

    @property
    def ident(self) -> str:
        """The name as an identifier, for blueprints and operation ids: "risk_factors"."""
        return self.name.replace("-", "_")


# The relation every content item has: the publications it cites.
SOURCES: Mapping[str, Refs | Links] = {"sources": Refs("sources")}

# Words written in capitals in the docs: "List published FAQs", not "faqs".
ACRONYMS = {"faq": "FAQ", "faqs": "FAQs"}
# Capital letters whose name starts with a vowel sound: "an FAQ", "an SOS", but "a PDF".
_VOWEL_SOUND_LETTERS = set("AEFHILMNORSX")


def singular(collection: Collection) -> str:
    """The collection's name for one item, as the public API's paths spell it."""
    return collection.public.singular if collection.public else collection.name.removesuffix("s")


def words(name: str) -> str:
    """A name in words for a reader: `risk_factors` -> "risk factors", `faqs` -> "FAQs"."""
    return " ".join(ACRONYMS.get(word, word) for word in name.replace("-", "_").split("_"))


def with_article(noun: str) -> str:
    """The noun with the indefinite article a reader expects: a stretch, an exercise, an FAQ."""
    first = noun.split(" ", 1)[0]
    if first.isupper():
        vowel_sound = first[0] in _VOWEL_SOUND_LETTERS
    else:
        vowel_sound = first[:1].lower() in set("aeiou")
    return f"{'an' if vowel_sound else 'a'} {noun}"
