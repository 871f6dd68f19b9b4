"""FAQ shapes: public list and detail, list filters, and the bundle/admin input."""

from __future__ import annotations

from marshmallow import fields, validate

from service.content.inputs import BundleItemSchema, text, text_list
from service.content.schemas import DetailMixin, ItemSchema, ListArgsSchema, Text, TextList
from service.faqs.models import Faq


class FaqSummarySchema(ItemSchema):
    question = Text(required=True)
    position = fields.Integer(required=True)


class FaqSchema(FaqSummarySchema, DetailMixin):
    answer = Text(required=True)
    key_points = TextList(fields.String(), required=True)


class FaqQueryArgsSchema(ListArgsSchema):
    pass


class FaqInSchema(BundleItemSchema):
    TEXT_FIELDS = Faq.TEXT_FIELDS

    question = text(300)
    answer = text(10000)
    key_points = text_list()
    position = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000))
