"""The questionnaire as front ends read it."""

from __future__ import annotations

from marshmallow import fields, validate

from service.content.models import Urgency
from service.content.schemas import Schema

KINDS = ("yes_no", "scale", "number", "choice", "multi_choice")


class OptionSchema(Schema):
    value = fields.Raw(
        required=True,
        metadata={"type": "string", "description": "What to put in the field when chosen"},
    )
    text = fields.String(required=True)
    description = fields.String(allow_none=True, required=True)
    min_level = fields.Integer(
        allow_none=True, required=True, metadata={"description": "Pain bands: lowest level"}
    )
    max_level = fields.Integer(
        allow_none=True, required=True, metadata={"description": "Pain bands: highest level"}
    )
    level = fields.Enum(
        Urgency,
        by_value=True,
        allow_none=True,
        required=True,
        metadata={"description": "Pain bands: the least the advice becomes in this band"},
    )


class QuestionSchema(Schema):
    id = fields.String(required=True, metadata={"description": "Stable id of the question"})
    kind = fields.String(
        required=True,
        validate=validate.OneOf(KINDS),
        metadata={
            "description": (
                "`yes_no`: a yes adds `slugs` to the list `field`; `scale` and `number`: a "
                "whole number from `minimum` to `maximum` for `field`; `choice`: one option's "
                "`value` for `field`; `multi_choice`: the chosen options' values, a list"
            )
        },
    )
    text = fields.String(required=True, metadata={"description": "The question, in plain words"})
    field = fields.String(
        required=True, metadata={"description": "The POST /v1/recommendations field it fills"}
    )
    slugs = fields.List(fields.String(), required=True)
    help = fields.String(allow_none=True, required=True, metadata={"description": "Why it asks"})
    level = fields.Enum(
        Urgency,
        by_value=True,
        allow_none=True,
        required=True,
        metadata={"description": "What a yes calls for on its own"},
    )
    required = fields.Boolean(required=True)
    minimum = fields.Integer(allow_none=True, required=True)
    maximum = fields.Integer(allow_none=True, required=True)
    unit = fields.String(allow_none=True, required=True)
    options = fields.List(fields.Nested(OptionSchema), required=True)


class SectionSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    intro = fields.String(required=True)
    questions = fields.List(fields.Nested(QuestionSchema), required=True)


class QuestionnaireSchema(Schema):
    language = fields.String(required=True, metadata={"description": "Language of the text"})
    sections = fields.List(
        fields.Nested(SectionSchema),
        required=True,
        metadata={"description": "In the order to ask them: the red-flag screen first"},
    )
    disclaimer = fields.String(required=True)
