"""Admin API shapes: items as editors see them, patches, bundles, keys, audit and reviews."""

from __future__ import annotations

import copy
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.admin.bundle import PHASES
from service.admin.models import Action, JobState, Role
from service.catalogue import COLLECTIONS, Collection
from service.content.models import ContentMixin, Status, utcnow
from service.content.schemas import Instant, Schema, page_of

# Where the admin routes have always found it.
from service.content.schemas import PageArgsSchema as PageArgsSchema

DEFAULT_REVIEW_HORIZON_DAYS = 30


class Dumped(fields.Nested):
    """A nested schema in the docs whose value is already in bundle shape (`dump_item`)."""

    # marshmallow's own Nested renames Field's first parameter, so no signature fits both.
    def _serialize(self, nested_obj: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return nested_obj


class AdminSourceArgsSchema(PageArgsSchema):
    q = fields.String(
        validate=validate.Length(min=1, max=80),
        metadata={"description": "Only items whose slug contains this text"},
    )


class AdminContentArgsSchema(AdminSourceArgsSchema):
    status = fields.Enum(Status, by_value=True, metadata={"description": "Drafts or published"})
    tag = fields.String(validate=validate.Length(min=1, max=80))


def _model_name(collection: Collection) -> str:
    return str(collection.model.__name__)


def has_status(collection: Collection) -> bool:
    return issubclass(collection.model, ContentMixin)


def _patch_schema(collection: Collection) -> type[ma.Schema]:
    """The input schema with every field optional and no defaults: only what is sent changes.

    A class of its own, not the input schema with partial=True, so that the OpenAPI document
    names it without clashing with the input schema.
    """
    base = collection.input_schema
    optional: dict[str, Any] = {}
    for name, field in base._declared_fields.items():
        clone = copy.copy(field)
        clone.required = False
        clone.load_default = ma.missing
        optional[name] = clone
    return type(f"{_model_name(collection)}PatchSchema", (base,), optional)


COLLECTION_NAMES = [c.name for c in COLLECTIONS]
# What the audit log names: the content collections, and API keys.
AUDITED = [*COLLECTION_NAMES, "api_keys"]


class AdminItemSchema(Schema):
    collection = fields.String(required=True, validate=validate.OneOf(COLLECTION_NAMES))
    slug = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    updated_by = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Name of the key that last wrote it, from the audit log"},
    )
    etag = fields.String(
        required=True,
        metadata={
            "description": "The item's ETag (the ETag header's value without its quotes): "
            "send it in If-Match, with or without the quotes, to change this version"
        },
    )


def _admin_item_schema(collection: Collection) -> type[ma.Schema]:
    """An item as editors see it: `item` is the bundle shape that PUT takes back."""
    return type(
        f"{_model_name(collection)}AdminSchema",
        (AdminItemSchema,),
        {
            "item": Dumped(
                collection.input_schema,
                required=True,
                metadata={"description": "The item in bundle shape: the body PUT takes"},
            )
        },
    )


def page_schema(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    name = item_schema.__name__.removesuffix("Schema")
    return page_of(item_schema, name=name, total="Matches, all pages")


BundleSchema = type(
    "BundleSchema",
    (Schema,),
    {
        **{
            collection.name: fields.List(Dumped(collection.input_schema))
            for collection in COLLECTIONS
        },
        "prune": fields.Boolean(
            metadata={
                "description": "Import only: delete the items of the bundle's collections that "
                "the bundle leaves out"
            }
        ),
    },
)
BundleSchema.__doc__ = "Collections keyed by name, each a list of items in their input shape."


class ImportArgsSchema(Schema):
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "Validate and report the plan; write nothing"},
    )
    prune = fields.Boolean(
        metadata={
            "description": "Delete items of the bundle's collections that it leaves out; "
            "overrides the bundle's own `prune`"
        }
    )

    class Meta:
        unknown = ma.RAISE


class PlanCountsSchema(Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    deleted = fields.Integer(required=True)


class ImportSummarySchema(Schema):
    dry_run = fields.Boolean(required=True)
    changed = fields.Boolean(
        required=True, metadata={"description": "Anything was (or would be) written"}
    )
    collections = fields.Dict(
        keys=fields.String(), values=fields.Nested(PlanCountsSchema), required=True
    )


class AuditEntrySchema(Schema):
    id = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    key_id = fields.Integer(allow_none=True, required=True)
    key_name = fields.String(required=True)
    collection = fields.String(required=True, validate=validate.OneOf(AUDITED))
    slug = fields.String(required=True)
    action = fields.Enum(Action, by_value=True, required=True)
    before_hash = fields.String(allow_none=True, required=True)
    after_hash = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "sha256 of the item afterwards: the ETag it then had"},
    )


class AuditArgsSchema(PageArgsSchema):
    collection = fields.String(validate=validate.OneOf(AUDITED))
    slug = fields.String(validate=validate.Length(min=1, max=80))
    action = fields.Enum(Action, by_value=True)
    key_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    since = Instant(metadata={"description": "Entries at or after this time"})
    until = Instant(metadata={"description": "Entries before this time"})


class ReviewArgsSchema(PageArgsSchema):
    days = fields.Integer(
        load_default=DEFAULT_REVIEW_HORIZON_DAYS,
        validate=validate.Range(min=0, max=3650),
        metadata={"description": "Also list reviews due within this many days"},
    )
    collection = fields.String(
        validate=validate.OneOf([c.name for c in COLLECTIONS if has_status(c)])
    )


class ReviewDueSchema(Schema):
    collection = fields.String(
        required=True, validate=validate.OneOf([c.name for c in COLLECTIONS if has_status(c)])
    )
    slug = fields.String(required=True)
    status = fields.Enum(Status, by_value=True, required=True)
    last_reviewed = fields.Date(allow_none=True, required=True)
    next_review = fields.Date(allow_none=True, required=True)
    reviewed_by = fields.String(allow_none=True, required=True)
    reason = fields.String(
        required=True,
        validate=validate.OneOf(["never_reviewed", "unscheduled", "overdue", "due_soon"]),
        metadata={
            "description": "never_reviewed, unscheduled (reviewed, no next date), overdue, "
            "or due_soon (within `days`)"
        },
    )


class ApiKeySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.Enum(Role, by_value=True, required=True)
    prefix = fields.String(
        required=True, metadata={"description": "The key's first characters, to recognise it"}
    )
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(allow_none=True, required=True)
    revoked_at = fields.DateTime(allow_none=True, required=True)
    last_used_at = fields.DateTime(
        allow_none=True, required=True, metadata={"description": "To the minute"}
    )


class NewApiKeySchema(ApiKeySchema):
    key = fields.String(
        required=True,
        metadata={"description": "The secret key. Shown this once: it is not stored."},
    )


class ApiKeyCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = fields.Enum(Role, by_value=True, required=True)
    expires_at = Instant(
        load_default=None, allow_none=True, metadata={"description": "Never expires if null"}
    )

    class Meta:
        unknown = ma.RAISE

    @ma.validates("expires_at")
    def _in_the_future(self, value: Any, **_kwargs: Any) -> None:
        if value is not None and value <= utcnow():
            raise ma.ValidationError("Must be in the future.")


# Built once: a class per collection, named after its model in the OpenAPI document.
PATCH_SCHEMAS = {c.name: _patch_schema(c) for c in COLLECTIONS}
ADMIN_ITEM_SCHEMAS = {c.name: _admin_item_schema(c) for c in COLLECTIONS}
ADMIN_PAGE_SCHEMAS = {name: page_schema(schema) for name, schema in ADMIN_ITEM_SCHEMAS.items()}
ApiKeyPageSchema = page_schema(ApiKeySchema)
AuditPageSchema = page_schema(AuditEntrySchema)
ReviewDuePageSchema = page_schema(ReviewDueSchema)


class JobProgressSchema(Schema):
    phase = fields.String(
        allow_none=True,
        required=True,
        validate=validate.OneOf(PHASES),
        metadata={
            "description": "validating (each item against its schema), checking (against the "
            "catalogue), then writing; null until the job starts"
        },
    )
    done = fields.Integer(required=True, metadata={"description": "Items done in this phase"})
    total = fields.Integer(required=True, metadata={"description": "Items in the bundle"})
    percent = fields.Float(required=True, metadata={"description": "Of the whole job, 0 to 100"})


class JobProblemSchema(Schema):
    """The problem the same import would have been answered with, had it been synchronous."""

    status = fields.Integer(required=True)
    title = fields.String(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "The first problems, each under its path in the bundle"},
    )
    error_count = fields.Integer(metadata={"description": "How many problems there are in all"})


class JobSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["import"]))
    state = fields.Enum(
        JobState,
        by_value=True,
        required=True,
        metadata={"description": "queued, running, then succeeded or failed"},
    )
    dry_run = fields.Boolean(required=True)
    prune = fields.Boolean(allow_none=True, required=True)
    created_by = fields.String(required=True, metadata={"description": "Name of the key"})
    created_at = fields.DateTime(required=True)
    started_at = fields.DateTime(allow_none=True, required=True)
    finished_at = fields.DateTime(allow_none=True, required=True)
    heartbeat_at = fields.DateTime(
        allow_none=True,
        required=True,
        metadata={"description": "When its worker last said it was still at it"},
    )
    queued_seconds = fields.Float(allow_none=True, required=True)
    running_seconds = fields.Float(
        allow_none=True, required=True, metadata={"description": "So far, or in all once done"}
    )
    attempts = fields.Integer(
        required=True,
        metadata={"description": "Times a worker took it up (more than 1: a worker stopped)"},
    )
    worker = fields.String(
        allow_none=True, required=True, metadata={"description": "host:pid that runs (ran) it"}
    )
    bundle_bytes = fields.Integer(required=True)
    bundle_kept = fields.Boolean(
        required=True,
        metadata={"description": "The stored bundle is deleted JOB_RETENTION_HOURS after the end"},
    )
    progress = fields.Nested(JobProgressSchema, required=True)
    result = fields.Nested(
        ImportSummarySchema,
        allow_none=True,
        required=True,
        metadata={"description": "Once succeeded: what the import did (or would do), as `200`"},
    )
    error = fields.Nested(
        JobProblemSchema,
        allow_none=True,
        required=True,
        metadata={"description": "Once failed: why; nothing was written"},
    )
