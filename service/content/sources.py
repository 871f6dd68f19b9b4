"""The cited publications: public list and detail, and their bundle shape."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.content.collection import Collection
from service.content.inputs import text, translation_problems
from service.content.models import Source
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

    @ma.validates_schema
    def _check_translations(self, data: dict[str, Any], **_kwargs: Any) -> None:
        problems = translation_problems(self, Source.TEXT_FIELDS, data.get("translations"))
        if problems:
            raise ma.ValidationError({"translations": problems})


COLLECTION = Collection(name="sources", model=Source, input_schema=SourceInSchema)
