"""Media shapes: public list and detail, what an item embeds, upload fields, bundle input."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.content.inputs import BundleItemSchema, Ref, flag, refs
from service.content.models import Status
from service.content.schemas import DetailMixin, ItemSchema, ListArgsSchema, Schema, Slug, Text
from service.media.images import FORMATS
from service.media.links import MediaRole

ALL_RIGHTS_RESERVED = "all rights reserved"
# The SPDX identifiers pictures are published under (https://spdx.org/licenses/), and the
# absence of any licence. An identifier outside this list is refused rather than guessed at.
LICENCES = (
    ALL_RIGHTS_RESERVED,
    "CC0-1.0",
    "CC-PDDC",
    "CC-BY-2.0",
    "CC-BY-2.5",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-SA-2.0",
    "CC-BY-SA-2.5",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-NC-ND-4.0",
    "OGL-UK-3.0",
)
SHA256_PATTERN = r"^[0-9a-f]{64}$"
ALT_NEEDED = "A published picture needs alt text (for people who cannot see it)."
SOURCE_NEEDED = (
    "A published picture cites a source, as every published item does: what it illustrates, "
    "or backcare-editorial for the editors' own."
)


class RenditionSchema(Schema):
    name = fields.String(required=True, metadata={"example": "640w.webp"})
    url = fields.String(
        required=True, metadata={"description": "Absolute path of the file on this service"}
    )
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    type = fields.String(required=True, metadata={"example": "image/webp"})


class MediaRefSchema(Schema):
    """A picture as an item that shows it embeds it."""

    slug = fields.String(required=True)
    sha256 = fields.String(required=True)
    alt = Text(required=True)
    caption = Text(allow_none=True, required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    focal_x = fields.Float(required=True)
    focal_y = fields.Float(required=True)
    licence = fields.String(required=True)
    attribution = fields.String(allow_none=True, required=True)
    variants = fields.List(fields.Nested(RenditionSchema), required=True)


class MediaLinkSchema(Schema):
    role = fields.Enum(MediaRole, by_value=True, required=True)
    order = fields.Integer(required=True, metadata={"description": "1 for the first picture"})
    asset = fields.Nested(MediaRefSchema, required=True)


class MediaSummarySchema(ItemSchema):
    sha256 = fields.String(required=True, metadata={"description": "sha256 of the stored file"})
    alt = Text(
        allow_none=True, required=True, metadata={"description": "Set on every published picture"}
    )
    caption = Text(allow_none=True, required=True)
    format = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    licence = fields.String(required=True)
    attribution = fields.String(allow_none=True, required=True)
    variants = fields.List(fields.Nested(RenditionSchema), required=True)


class MediaSchema(MediaSummarySchema, DetailMixin):
    byte_size = fields.Integer(required=True)
    source_url = fields.String(allow_none=True, required=True)
    focal_x = fields.Float(required=True)
    focal_y = fields.Float(required=True)


class MediaQueryArgsSchema(ListArgsSchema):
    pass


def _optional_text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=max_length),
        **kwargs,
    )


def _focal(axis: str) -> fields.Float:
    return fields.Float(
        load_default=0.5,
        validate=validate.Range(min=0, max=1),
        metadata={"description": f"Focal point, 0 to 1 from the {axis}, that crops keep"},
    )


class MediaFieldsSchema(Schema):
    """What an editor says about a picture (the rest is read from the file)."""

    alt = _optional_text(
        500, metadata={"description": "Text for people who cannot see the picture"}
    )
    caption = _optional_text(1000)
    licence = fields.String(
        load_default=ALL_RIGHTS_RESERVED,
        validate=validate.OneOf(LICENCES),
        metadata={"description": "An SPDX licence identifier, or 'all rights reserved'"},
    )
    attribution = _optional_text(300, metadata={"description": "Who to credit"})
    source_url = _optional_text(
        500,
        metadata={"description": "Where the picture comes from"},
    )
    focal_x = _focal("left")
    focal_y = _focal("top")

    @ma.validates("source_url")
    def _http_url(self, value: str | None, **_kwargs: Any) -> None:
        if value is not None:
            validate.URL(schemes={"http", "https"}, error="Not an http(s) URL.")(value)


class MediaUploadSchema(MediaFieldsSchema):
    """The form fields of an upload, beside its `file`."""

    slug = Slug(
        load_default=None,
        metadata={"description": "The asset's slug; by default its sha256"},
    )

    class Meta:
        unknown = ma.RAISE


class MediaInSchema(MediaFieldsSchema, BundleItemSchema):
    """An asset in a bundle: the editor's fields and what the stored file is."""

    TEXT_FIELDS = ("alt", "caption")

    sources = refs(validate=validate.Length(max=20))
    sha256 = fields.String(
        required=True,
        validate=validate.Regexp(SHA256_PATTERN, error="Not a sha256 (64 lower-case hex)."),
        metadata={"description": "sha256 of the stored file (upload it, or import an archive)"},
    )
    format = fields.String(required=True, validate=validate.OneOf(sorted(FORMATS.values())))
    width = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000_000))
    height = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000_000))
    byte_size = fields.Integer(required=True, validate=validate.Range(min=1))
    transparent = flag()

    @ma.validates_schema
    def _before_publishing(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("status", Status.PUBLISHED) is not Status.PUBLISHED:
            return
        errors = {}
        if not data.get("alt"):
            errors["alt"] = [ALT_NEEDED]
        if not data.get("sources"):
            errors["sources"] = [SOURCE_NEEDED]
        if errors:
            raise ma.ValidationError(errors)


class MediaLinkInSchema(Schema):
    """A picture an item shows, in bundle shape."""

    asset = Ref(required=True, metadata={"description": "Slug of a media asset"})
    role = fields.Enum(MediaRole, by_value=True, required=True)


def media_links(**kwargs: Any) -> fields.List[Any]:
    return fields.List(
        fields.Nested(MediaLinkInSchema),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "Pictures, in the order shown"},
        **kwargs,
    )
