"""Routine limit shapes: public list and detail, list filters, and the bundle/admin input."""

from __future__ import annotations

from marshmallow import fields, validate

from service.content.inputs import BundleItemSchema, refs, text
from service.content.schemas import DetailMixin, ItemSchema, ListArgsSchema, RefSchema, Text
from service.routine_limits.models import RoutineLimit

# The contract: a routine never repeats a stretch more than three times.
MAX_REPEATS = 3


class PainBandRefSchema(RefSchema):
    """A pain band the limit is confined to."""


class RoutineLimitSummarySchema(ItemSchema):
    name = Text(required=True)
    description = Text(required=True, metadata={"description": "Why the routine stops there"})
    max_total_seconds = fields.Integer(
        required=True, metadata={"description": "Longest routine, in seconds"}
    )
    max_repeats = fields.Integer(
        required=True, metadata={"description": "Most times one stretch appears (1-3)"}
    )


class RoutineLimitSchema(RoutineLimitSummarySchema, DetailMixin):
    pain_bands = fields.List(
        fields.Nested(PainBandRefSchema),
        required=True,
        metadata={"description": "Applies only with pain in these bands; empty: always"},
    )


class RoutineLimitQueryArgsSchema(ListArgsSchema):
    pass


class RoutineLimitInSchema(BundleItemSchema):
    TEXT_FIELDS = RoutineLimit.TEXT_FIELDS

    name = text(200)
    description = text()
    max_total_seconds = fields.Integer(required=True, validate=validate.Range(min=10, max=3600))
    max_repeats = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_REPEATS))
    pain_bands = refs(
        metadata={"description": "Pain band slugs it is confined to; empty: it always applies"}
    )
