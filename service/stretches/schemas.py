"""Stretch shapes: public list and detail, list filters, and the bundle/admin input."""

from __future__ import annotations

from marshmallow import fields, validate

from service.activities import (
    BODY_AREAS,
    ContraindicationInSchema,
    ContraindicationSchema,
    media_field,
)
from service.content.inputs import BundleItemSchema, count, flag, refs, text, text_list
from service.content.schemas import (
    CauseRefSchema,
    DetailMixin,
    ItemSchema,
    ListArgsSchema,
    Schema,
    Slug,
    Text,
    TextList,
)
from service.media.schemas import media_links
from service.stretches.models import Intensity, Stretch


class VariantSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["easier", "harder"]))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class StretchSummarySchema(ItemSchema):
    name = Text(required=True)
    summary = Text(required=True)
    intensity = fields.Enum(Intensity, by_value=True, required=True)
    body_areas = fields.List(fields.String(), required=True)
    per_side = fields.Boolean(required=True)
    hold_seconds_min = fields.Integer(allow_none=True, required=True)
    hold_seconds_max = fields.Integer(allow_none=True, required=True)
    breaths_min = fields.Integer(allow_none=True, required=True)
    breaths_max = fields.Integer(allow_none=True, required=True)
    repetitions_min = fields.Integer(allow_none=True, required=True)
    repetitions_max = fields.Integer(allow_none=True, required=True)
    routine_seconds = fields.Integer(
        required=True, metadata={"description": "Seconds one round takes in a routine (per side)"}
    )


class StretchSchema(StretchSummarySchema, DetailMixin):
    steps = TextList(fields.String(), required=True)
    steps_note = Text(
        allow_none=True,
        required=True,
        metadata={"description": "Where the steps and times come from, when not the sources"},
    )
    benefits = TextList(fields.String(), required=True)
    common_mistakes = TextList(fields.String(), required=True)
    when_to_stop = TextList(fields.String(), required=True)
    variants = TextList(fields.Nested(VariantSchema), required=True)
    helps_with = fields.List(fields.Nested(CauseRefSchema), required=True)
    contraindications = fields.List(fields.Nested(ContraindicationSchema), required=True)
    media = media_field()


class StretchQueryArgsSchema(ListArgsSchema):
    intensity = fields.Enum(Intensity, by_value=True)
    body_area = fields.String(validate=validate.OneOf(BODY_AREAS))
    helps_with = Slug(metadata={"description": "Only stretches that help with this cause"})
    safe_for = Slug(
        metadata={"description": "Leave out stretches contraindicated for this condition (cause)"}
    )


class StretchInSchema(BundleItemSchema):
    TEXT_FIELDS = Stretch.TEXT_FIELDS
    RANGES = (
        ("hold_seconds_min", "hold_seconds_max"),
        ("breaths_min", "breaths_max"),
        ("repetitions_min", "repetitions_max"),
    )

    name = text(200)
    summary = text()
    steps = text_list()
    steps_note = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=1000)
    )
    hold_seconds_min = count()
    hold_seconds_max = count()
    breaths_min = count(0, 100)
    breaths_max = count(0, 100)
    repetitions_min = count(0, 100)
    repetitions_max = count(0, 100)
    per_side = flag()
    routine_seconds = fields.Integer(required=True, validate=validate.Range(min=1, max=3600))
    intensity = fields.Enum(Intensity, by_value=True, required=True)
    body_areas = fields.List(fields.String(validate=validate.OneOf(BODY_AREAS)), load_default=list)
    benefits = text_list()
    common_mistakes = text_list()
    when_to_stop = text_list()
    variants = fields.List(fields.Nested(VariantSchema), load_default=list)
    helps_with = refs(metadata={"description": "Cause slugs this stretch helps with"})
    contraindications = fields.List(fields.Nested(ContraindicationInSchema), load_default=list)
    media = media_links()
