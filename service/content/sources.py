"""The cited publications: public list and detail, and their bundle shape."""

from __future__ import annotations

from marshmallow import fields, validate

from service.content.inputs import text
from service.content.schemas import LANGUAGE_PATTERN, Schema, Slug


class SourceInSchema(Schema):
    slug = Slug(required=True)
    title = text(300)
    url = fields.Url(load_default=None, allow_none=True, validate=validate.Length(max=500))
    publisher = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    translations = fields.Dict(
        keys=fields.String(validate=validate.Regexp(LANGUAGE_PATTERN)),
        values=fields.Dict(),
        load_default=dict,
    )
