"""Risk factor shapes: public list and detail, list filters, and the bundle/admin input."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.content.inputs import BundleItemSchema, Ref, count, flag, text
from service.content.models import Urgency
from service.content.schemas import (
    CauseRefSchema,
    DetailMixin,
    ItemSchema,
    ListArgsSchema,
    Schema,
    Text,
)
from service.risk_factors.models import RiskFactor


class RiskFactorSummarySchema(ItemSchema):
    name = Text(required=True)
    description = Text(required=True)
    question = Text(
        allow_none=True,
        required=True,
        metadata={"description": "The yes/no question a questionnaire asks, in plain words"},
    )
    reason = Text(required=True, metadata={"description": "Why it matters"})
    urgency = fields.Enum(
        Urgency,
        by_value=True,
        required=True,
        metadata={"description": "The least the advice becomes with this risk factor"},
    )
    gentle_only = fields.Boolean(
        required=True,
        metadata={"description": "Only gentle activities are suggested with it"},
    )
    age_under = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Present by itself when `age` is below this"},
    )
    age_over = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Present by itself when `age` is above this"},
    )
    display_order = fields.Integer(required=True)


class RiskFactorCauseSchema(Schema):
    cause = fields.Nested(CauseRefSchema, required=True)
    weight = fields.Float(required=True)


class RiskFactorSchema(RiskFactorSummarySchema, DetailMixin):
    causes = fields.List(fields.Nested(RiskFactorCauseSchema), required=True)


class RiskFactorQueryArgsSchema(ListArgsSchema):
    urgency = fields.Enum(Urgency, by_value=True)


class RiskFactorCauseInSchema(Schema):
    cause = Ref(required=True)
    weight = fields.Float(required=True, validate=validate.Range(min=0, max=1))


class RiskFactorInSchema(BundleItemSchema):
    TEXT_FIELDS = RiskFactor.TEXT_FIELDS

    name = text(200)
    description = text()
    question = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=500)
    )
    reason = text(1000)
    urgency = fields.Enum(Urgency, by_value=True, required=True)
    gentle_only = flag()
    age_under = count(1, 120)
    age_over = count(0, 119)
    display_order = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000))
    causes = fields.List(fields.Nested(RiskFactorCauseInSchema), load_default=list)

    @ma.validates_schema
    def _age_rule(self, data: dict[str, Any], **_kwargs: Any) -> None:
        under, over = data.get("age_under"), data.get("age_over")
        if under is not None and over is not None and under > over:
            # Present below `under` or above `over`: overlapping ranges would cover every age.
            raise ma.ValidationError(
                {"age_under": ["Must not be greater than age_over when both are set."]}
            )
