"""Cause shapes: public list and detail, list filters, and the bundle/admin input."""

from __future__ import annotations

from marshmallow import fields

from service.causes.models import Cause, CauseCategory
from service.content.inputs import BundleItemSchema, flag, text, text_list
from service.content.schemas import (
    DetailMixin,
    ItemSchema,
    ListArgsSchema,
    RefSchema,
    Schema,
    Slug,
    Text,
    TextList,
)


class CauseSummarySchema(ItemSchema):
    name = Text(required=True)
    summary = Text(required=True)
    category = fields.Enum(CauseCategory, by_value=True, required=True)
    needs_professional = fields.Boolean(required=True)


class LinkedItemSchema(RefSchema):
    """A stretch, exercise or remedy that helps with the cause."""


class CauseSymptomSchema(Schema):
    slug = fields.String(required=True, attribute="symptom.slug")
    name = fields.Method("_name", required=True)
    red_flag = fields.Boolean(required=True, attribute="symptom.red_flag")
    weight = fields.Float(required=True)

    def _name(self, link: object) -> str:
        return Text().get_value(link.symptom, "name")  # type: ignore[attr-defined, no-any-return]


class CauseSchema(CauseSummarySchema, DetailMixin):
    explanation = Text(required=True)
    prevention = TextList(fields.String(), required=True)
    symptoms = fields.List(
        fields.Nested(CauseSymptomSchema), required=True, attribute="symptom_links"
    )
    stretches = fields.List(fields.Nested(LinkedItemSchema), required=True)
    exercises = fields.List(fields.Nested(LinkedItemSchema), required=True)
    remedies = fields.List(fields.Nested(LinkedItemSchema), required=True)


class CauseQueryArgsSchema(ListArgsSchema):
    category = fields.Enum(CauseCategory, by_value=True)
    needs_professional = fields.Boolean()
    symptom = Slug(metadata={"description": "Only causes this symptom points to"})


class CauseInSchema(BundleItemSchema):
    TEXT_FIELDS = Cause.TEXT_FIELDS

    name = text(200)
    summary = text()
    explanation = text(10000)
    prevention = text_list()
    needs_professional = flag()
    category = fields.Enum(CauseCategory, by_value=True, required=True)
