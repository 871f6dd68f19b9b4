"""The search request and answer."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from service.content.schemas import (
    LanguageArgsSchema,
    PageSchema,
    Schema,
    page_field,
    page_size_field,
)
from service.search.documents import SEARCHED

NAMES = [s.collection.name for s in SEARCHED]


class SearchArgsSchema(LanguageArgsSchema):
    q = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "What the person typed. Typos, other forms of a word and synonyms "
            "are forgiven; the last word is completed unless the query ends with a space."
        },
    )
    collection = fields.List(
        fields.String(validate=validate.OneOf(NAMES)),
        validate=validate.Length(max=len(NAMES)),
        metadata={"description": "Only these collections (repeat the parameter for several)"},
    )
    page = page_field()
    page_size = page_size_field()

    class Meta:
        unknown = ma.RAISE


class SearchHitSchema(Schema):
    collection = fields.String(required=True, metadata={"enum": NAMES})
    slug = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "The name, or an FAQ's question"})
    snippet = fields.String(
        required=True,
        metadata={
            "description": "A few lines of the item around what matched, HTML-escaped, each "
            "matching word in <mark></mark>"
        },
    )
    score = fields.Float(required=True, metadata={"description": "Higher is a better match"})
    language = fields.String(required=True, metadata={"description": "Language of the text"})
    matched = fields.List(
        fields.String(validate=validate.OneOf(["name", "summary", "body"])),
        required=True,
        metadata={"description": "The parts of the item that matched: name, summary, body"},
    )


SearchFacetsSchema = type(
    "SearchFacetsSchema",
    (Schema,),
    {name: fields.Integer(required=True) for name in NAMES},
)


class SearchPageSchema(PageSchema):
    query = fields.String(required=True)
    corrected = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The query with its likely typos corrected, when it had some"},
    )
    language = fields.String(required=True, metadata={"description": "Language searched"})
    items = fields.List(fields.Nested(SearchHitSchema), required=True)
    total = fields.Integer(required=True, metadata={"description": "Hits, all pages"})
    facets = fields.Nested(
        SearchFacetsSchema,
        required=True,
        metadata={"description": "Hits per collection, whatever `collection` asks for"},
    )
    exhaustive = fields.Boolean(
        required=True,
        metadata={
            "description": "Every match was ranked. False only when a very common word "
            "matched more items than one search ranks: `total` and `facets` are then at least"
        },
    )
