"""Symptom shapes: public list and detail, list filters, and the bundle/admin input."""

from __future__ import annotations

from marshmallow import fields, validate

from service.content.inputs import BundleItemSchema, Ref, count, flag, text
from service.content.models import Trend
from service.content.schemas import (
    CauseRefSchema,
    DetailMixin,
    ItemSchema,
    ListArgsSchema,
    Schema,
    Text,
)
from service.symptoms.models import Symptom, SymptomGroup, Urgency


class SymptomSummarySchema(ItemSchema):
    name = Text(required=True)
    description = Text(required=True)
    question = Text(
        allow_none=True,
        required=True,
        metadata={"description": "The yes/no question a questionnaire asks, in plain words"},
    )
    reason = Text(allow_none=True, required=True, metadata={"description": "Why the sign matters"})
    group = fields.Enum(SymptomGroup, by_value=True, required=True)
    red_flag = fields.Boolean(required=True)
    urgency = fields.Enum(
        Urgency,
        by_value=True,
        required=True,
        metadata={"description": "What this symptom alone calls for"},
    )
    display_order = fields.Integer(required=True)
    implied_after_hours = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Present by itself once this many hours have passed since onset"},
    )
    implied_by_trend = fields.Enum(
        Trend,
        by_value=True,
        allow_none=True,
        required=True,
        metadata={"description": "Present by itself when the pain is going this way (`trend`)"},
    )


class SymptomCauseSchema(Schema):
    cause = fields.Nested(CauseRefSchema, required=True)
    weight = fields.Float(required=True)


class SymptomSchema(SymptomSummarySchema, DetailMixin):
    causes = fields.List(fields.Nested(SymptomCauseSchema), required=True)


class SymptomQueryArgsSchema(ListArgsSchema):
    group = fields.Enum(SymptomGroup, by_value=True)
    red_flag = fields.Boolean()
    urgency = fields.Enum(Urgency, by_value=True)


class SymptomCauseInSchema(Schema):
    cause = Ref(required=True)
    weight = fields.Float(required=True, validate=validate.Range(min=0, max=1))


class SymptomInSchema(BundleItemSchema):
    TEXT_FIELDS = Symptom.TEXT_FIELDS

    name = text(200)
    description = text()
    question = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=500)
    )
    reason = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=1000)
    )
    group = fields.Enum(SymptomGroup, by_value=True, required=True)
    red_flag = flag()
    urgency = fields.Enum(Urgency, by_value=True, load_default=Urgency.SELF_CARE)
    display_order = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000))
    implied_after_hours = count(1, 24 * 365)
    implied_by_trend = fields.Enum(Trend, by_value=True, load_default=None, allow_none=True)
    causes = fields.List(fields.Nested(SymptomCauseInSchema), load_default=list)
