"""Remedy shapes: public list and detail, list filters, and the bundle/admin input."""

from __future__ import annotations

from marshmallow import fields, validate

from service.content.inputs import BundleItemSchema, count, flag, refs, text, text_list
from service.content.schemas import (
    CauseRefSchema,
    DetailMixin,
    ItemSchema,
    ListArgsSchema,
    Slug,
    Text,
    TextList,
)
from service.remedies.models import Remedy, RemedyKind


class RemedySummarySchema(ItemSchema):
    name = Text(required=True)
    summary = Text(required=True)
    kind = fields.Enum(RemedyKind, by_value=True, required=True)
    duration_minutes_min = fields.Integer(allow_none=True, required=True)
    duration_minutes_max = fields.Integer(allow_none=True, required=True)
    frequency = Text(allow_none=True, required=True)
    start_hour = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Hours after onset it starts to apply"},
    )
    end_hour = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Hours after onset it stops applying"},
    )
    timing = Text(required=True)
    recovery_order = fields.Integer(required=True)
    not_recommended = fields.Boolean(
        required=True,
        metadata={"description": "Never recommended: the evidence advises against it"},
    )
    only_with_exercise = fields.Boolean(
        required=True, metadata={"description": "Offered only alongside exercise"}
    )
    leads_advice = fields.Boolean(
        required=True,
        metadata={"description": "Comes first in every answer that gives self-care advice"},
    )
    evidence_note = Text(
        allow_none=True,
        required=True,
        metadata={"description": "What the evidence says about it, and where"},
    )


class RemedySchema(RemedySummarySchema, DetailMixin):
    how_to = TextList(fields.String(), required=True)
    helps_with = fields.List(fields.Nested(CauseRefSchema), required=True)


class RemedyQueryArgsSchema(ListArgsSchema):
    kind = fields.Enum(RemedyKind, by_value=True)
    helps_with = Slug(metadata={"description": "Only remedies that help with this cause"})
    hours_since_onset = fields.Integer(
        validate=validate.Range(min=0, max=24 * 365 * 10),
        metadata={"description": "Only remedies whose time window includes this hour after onset"},
    )
    not_recommended = fields.Boolean(
        metadata={"description": "Only what the evidence advises against, or only the rest"}
    )


class RemedyInSchema(BundleItemSchema):
    TEXT_FIELDS = Remedy.TEXT_FIELDS
    RANGES = (("duration_minutes_min", "duration_minutes_max"), ("start_hour", "end_hour"))

    name = text(200)
    summary = text()
    how_to = text_list()
    kind = fields.Enum(RemedyKind, by_value=True, required=True)
    duration_minutes_min = count(0, 240)
    duration_minutes_max = count(0, 240)
    frequency = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    start_hour = count(0, 24 * 365)
    end_hour = count(0, 24 * 365)
    timing = text(1000)
    recovery_order = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000))
    not_recommended = flag()
    only_with_exercise = flag()
    leads_advice = flag()
    evidence_note = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=2000)
    )
    helps_with = refs(metadata={"description": "Cause slugs this remedy helps with"})
