"""Routine shapes: public list and detail, list filters, and the bundle/admin input."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
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
from service.media.schemas import MediaLinkInSchema, MediaLinkSchema
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


class RoutineMediaSchema(MediaLinkSchema):
    step = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "The position of the step it shows; null for the routine"},
    )


class RoutineSchema(RoutineSummarySchema, DetailMixin):
    steps = fields.List(fields.Nested(RoutineStepSchema), required=True)
    media = fields.List(fields.Nested(RoutineMediaSchema), required=True)


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


class RoutineMediaInSchema(MediaLinkInSchema):
    step = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1, max=100),
        metadata={"description": "The position (from 1) of the step it shows"},
    )


class RoutineInSchema(BundleItemSchema):
    TEXT_FIELDS = Routine.TEXT_FIELDS

    name = text(200)
    summary = text()
    level = fields.Enum(RoutineLevel, by_value=True, required=True)
    steps = fields.List(
        fields.Nested(RoutineStepInSchema), required=True, validate=validate.Length(min=1, max=100)
    )
    media = fields.List(
        fields.Nested(RoutineMediaInSchema),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "Pictures, in the order shown"},
    )

    @ma.validates_schema
    def _media_steps_exist(self, data: dict[str, Any], **_kwargs: Any) -> None:
        steps = len(data.get("steps") or [])
        errors = {
            f"{index}": {"step": [f"The routine has {steps} step(s)."]}
            for index, link in enumerate(data.get("media") or [])
            if link.get("step") is not None and link["step"] > steps
        }
        if errors:
            raise ma.ValidationError({"media": errors})
