"""The delta sync answer."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from service.catalogue import COLLECTIONS
from service.content.schemas import LanguageArgsSchema, Schema


class SyncArgsSchema(LanguageArgsSchema):
    since = fields.String(
        validate=validate.Length(max=60),
        metadata={"description": "The `cursor` of the previous answer; omit it for everything"},
    )
    limit = fields.Integer(
        load_default=500,
        validate=validate.Range(min=1, max=1000),
        metadata={"description": "Most changes in one answer"},
    )

    class Meta:
        unknown = ma.RAISE


class SyncItemSchema(Schema):
    collection = fields.String(
        required=True, validate=validate.OneOf([c.name for c in COLLECTIONS if c.public])
    )
    slug = fields.String(required=True)
    version = fields.Integer(
        required=True, metadata={"description": "Content version of the change"}
    )
    data = fields.Dict(
        required=True,
        metadata={"description": "The item exactly as GET /v1/{collection}/{slug} returns it"},
    )


class SyncDeletedSchema(Schema):
    collection = fields.String(
        required=True, validate=validate.OneOf([c.name for c in COLLECTIONS])
    )
    slug = fields.String(required=True)
    deleted_at = fields.DateTime(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(["deleted", "unpublished"]))


class SyncPageSchema(Schema):
    items = fields.List(fields.Nested(SyncItemSchema), required=True)
    deleted = fields.List(fields.Nested(SyncDeletedSchema), required=True)
    cursor = fields.String(required=True, metadata={"description": "Pass as `since` next time"})
    has_more = fields.Boolean(required=True, metadata={"description": "Sync again at once"})
