"""Pain band shapes: public list and detail, list filters, and the bundle/admin input."""

from __future__ import annotations

from marshmallow import fields, validate

from service.content.inputs import BundleItemSchema, flag, text
from service.content.models import Urgency
from service.content.schemas import DetailMixin, ItemSchema, ListArgsSchema, Text
from service.pain_bands.models import PainBand

LEVEL = validate.Range(min=0, max=10)


class PainBandSummarySchema(ItemSchema):
    name = Text(required=True)
    description = Text(required=True, metadata={"description": "What pain in this band is like"})
    reason = Text(required=True, metadata={"description": "What it changes in the advice, and why"})
    min_level = fields.Integer(required=True, metadata={"description": "Lowest pain_level, 0-10"})
    max_level = fields.Integer(required=True, metadata={"description": "Highest pain_level, 0-10"})
    urgency = fields.Enum(
        Urgency,
        by_value=True,
        required=True,
        metadata={"description": "The least the advice becomes with pain in this band"},
    )
    gentle_only = fields.Boolean(
        required=True, metadata={"description": "Only gentle activities are suggested"}
    )


class PainBandSchema(PainBandSummarySchema, DetailMixin):
    pass


class PainBandQueryArgsSchema(ListArgsSchema):
    pass


class PainBandInSchema(BundleItemSchema):
    TEXT_FIELDS = PainBand.TEXT_FIELDS
    RANGES = (("min_level", "max_level"),)

    name = text(200)
    description = text()
    reason = text(1000)
    min_level = fields.Integer(required=True, validate=LEVEL)
    max_level = fields.Integer(required=True, validate=LEVEL)
    urgency = fields.Enum(Urgency, by_value=True, required=True)
    gentle_only = flag()
