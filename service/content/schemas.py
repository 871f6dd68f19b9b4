"""Schemas and fields every collection shares: translated text, sources, pages, list arguments."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.content.i18n import current_language, item_languages, translated

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_RE = re.compile(SLUG_PATTERN)
slug_validator = validate.Regexp(
    SLUG_PATTERN, error="Not a valid slug (lower-case words joined by '-')."
)
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
MAX_PAGE = 10_000


class Slug(fields.String):
    """A slug: lower-case words joined by hyphens, at most 80 characters."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            validate=[validate.Length(min=1, max=80), slug_validator],
            metadata={"pattern": SLUG_PATTERN, **kwargs.pop("metadata", {})},
            **kwargs,
        )


class Instant(fields.AwareDateTime):
    """A moment a client sends: ISO 8601 with an offset, that exists in UTC.

    `9999-12-31T23:59:59-12:00` parses, but it is later than any datetime Python can hold once
    moved to UTC (as the database layer stores it), and `0001-01-01T00:00:00+14:00` is earlier
    than any: converting either raises OverflowError, a 500 wherever it happens. Every datetime
    the API takes from a client is this field, so both are refused here with a 422.
    """

    default_error_messages = {  # noqa: RUF012 - marshmallow's own attribute
        "out_of_range": (
            "Out of range: once converted to UTC the time must fall between "
            "0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z."
        ),
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment.astimezone(UTC)
        except OverflowError:
            raise self.make_error("out_of_range") from None
        return moment


class _Translated:
    """Serialises the field in the response language when the object has a translation."""

    def get_value(
        self, obj: Any, attr: str, accessor: Any = None, default: Any = ma.missing
    ) -> Any:
        value = super().get_value(obj, attr, accessor, default)  # type: ignore[misc]
        return translated(obj, attr, value, current_language.get())


class Text(_Translated, fields.String):
    pass


class TextList(_Translated, fields.List[Any]):
    pass


class LanguageField(fields.Field[str]):
    """The language an item was served in: the response language if the item has it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            dump_only=True,
            metadata={"type": "string", "description": "Language of this item's text"},
            **kwargs,
        )

    def get_value(
        self, obj: Any, attr: str, accessor: Any = None, default: Any = ma.missing
    ) -> Any:
        language = current_language.get()
        return language if language in item_languages(obj) else "en"

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class Schema(ma.Schema):
    class Meta:
        ordered = True


class SourceSchema(Schema):
    slug = fields.String(required=True)
    title = Text(required=True)
    url = fields.String(allow_none=True, required=True)
    publisher = fields.String(allow_none=True, required=True)


class RefSchema(Schema):
    """Another item named in an answer: its slug and its name (each use has its own name)."""

    slug = fields.String(required=True)
    name = Text(required=True)


class CauseRefSchema(RefSchema):
    """A cause named in an answer."""


class ItemSchema(Schema):
    """Fields every public item has."""

    slug = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)
    language = LanguageField()
    updated_at = fields.DateTime(required=True)


class DetailMixin(Schema):
    sources = fields.List(fields.Nested(SourceSchema), required=True)
    last_reviewed = fields.Date(
        allow_none=True,
        required=True,
        metadata={"description": "When the content was last clinically reviewed"},
    )


class LanguageArgsSchema(Schema):
    lang = fields.String(
        validate=validate.Regexp(
            LANGUAGE_PATTERN, error="Not a language tag such as 'en' or 'es'."
        ),
        metadata={
            "description": "Language of the text, such as `en` or `es`; wins over "
            "Accept-Language. A language an item has no translation in falls back to English.",
            "example": "en",
        },
    )


def page_field() -> fields.Integer:
    return fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_PAGE),
        metadata={"description": "1-based page"},
    )


def page_size_field() -> fields.Integer:
    return fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PageArgsSchema(Schema):
    """The arguments of every paged list."""

    page = page_field()
    page_size = page_size_field()

    class Meta:
        unknown = ma.RAISE


class ListArgsSchema(PageArgsSchema, LanguageArgsSchema):
    q = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Case-insensitive text search in the item's text"},
    )
    tag = fields.String(validate=validate.Length(min=1, max=80))

    class Meta:
        unknown = ma.RAISE


class PageSchema(Schema):
    """The envelope of every page: where it is, and how many items all pages hold."""

    total = fields.Integer(required=True, metadata={"description": "Items matching, all pages"})
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    pages = fields.Integer(required=True)


def page_of(
    item_schema: type[ma.Schema], *, name: str | None = None, total: str | None = None
) -> type[ma.Schema]:
    """A page envelope schema for `item_schema`, named after it for the OpenAPI document.

    `total` describes the count when "items matching" would not say what it counts.
    """
    name = name or item_schema.__name__.removesuffix("Schema").removesuffix("Summary")
    members: dict[str, Any] = {"items": fields.List(fields.Nested(item_schema), required=True)}
    if total is not None:
        members["total"] = fields.Integer(required=True, metadata={"description": total})
    return type(f"{name}PageSchema", (PageSchema,), members)


def page_count(total: int, page_size: int) -> int:
    return max(1, math.ceil(total / page_size))
