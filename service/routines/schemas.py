"""Routine shapes: public list and detail, list filters, and the bundle/admin input."""

from __future__ import annotations

from marshmallow import fields, validate

from service.content.inputs import BundleItemSchema, Ref, flag, text
from service.content.schemas import (
    DetailMixin,
    ItemSchema,
    ListArgsSchema,
    RefSchema,
    Schema,
    Slug,
    Text,
)
from service.routines.models import Routine, RoutineLevel


class StretchRefSchema(RefSchema):
    """The stretch of a routine step."""


class RoutineStepSchema(Schema):
    position = fields.Integer(required=True)
    stretch = fields.Nested(StretchRefSchema, required=True)
    seconds = fields.Integer(required=True)
    per_side = fields.Boolean(required=True, metadata={"description": "Done on each side in turn"})
    total_seconds = fields.Integer(
        required=True, metadata={"description": "Twice seconds when per side"}
    )
    notes = Text(allow_none=True, required=True)


class RoutineSummarySchema(ItemSchema):
    name = Text(required=True)
    summary = Text(required=True)
    level = fields.Enum(RoutineLevel, by_value=True, required=True)
    total_seconds = fields.Integer(
        required=True, metadata={"description": "Sum of the steps; a per-side step counts twice"}
    )


class RoutineSchema(RoutineSummarySchema, DetailMixin):
    steps = fields.List(fields.Nested(RoutineStepSchema), required=True)


class RoutineQueryArgsSchema(ListArgsSchema):
    level = fields.Enum(RoutineLevel, by_value=True)
    stretch = Slug(metadata={"description": "Only routines that include this stretch"})
    max_seconds = fields.Integer(
        validate=validate.Range(min=1, max=24 * 3600),
        metadata={"description": "Only routines that take at most this many seconds"},
    )


class RoutineStepInSchema(Schema):
    stretch = Ref(required=True)
    seconds = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=3600))
    per_side = flag()
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    translations = fields.Dict(keys=fields.String(), values=fields.Dict(), load_default=dict)


class RoutineInSchema(BundleItemSchema):
    TEXT_FIELDS = Routine.TEXT_FIELDS

    name = text(200)
    summary = text()
    level = fields.Enum(RoutineLevel, by_value=True, required=True)
    steps = fields.List(
        fields.Nested(RoutineStepInSchema), required=True, validate=validate.Length(min=1, max=100)
    )
