"""Exercise shapes: public list and detail, list filters, and the bundle/admin input."""

from __future__ import annotations

from marshmallow import fields, validate

from service.activities import (
    BODY_AREAS,
    ContraindicationInSchema,
    ContraindicationSchema,
    media_field,
)
from service.content.inputs import BundleItemSchema, count, flag, refs, text, text_list
from service.content.schemas import (
    CauseRefSchema,
    DetailMixin,
    ItemSchema,
    ListArgsSchema,
    Slug,
    Text,
    TextList,
)
from service.exercises.models import Difficulty, Exercise
from service.media.schemas import media_links


class ExerciseSummarySchema(ItemSchema):
    name = Text(required=True)
    summary = Text(required=True)
    difficulty = fields.Enum(Difficulty, by_value=True, required=True)
    body_areas = fields.List(fields.String(), required=True)
    muscles = TextList(fields.String(), required=True)
    per_side = fields.Boolean(required=True)
    sets = fields.Integer(allow_none=True, required=True)
    repetitions_min = fields.Integer(allow_none=True, required=True)
    repetitions_max = fields.Integer(allow_none=True, required=True)
    hold_seconds_min = fields.Integer(allow_none=True, required=True)
    hold_seconds_max = fields.Integer(allow_none=True, required=True)


class ExerciseSchema(ExerciseSummarySchema, DetailMixin):
    steps = TextList(fields.String(), required=True)
    benefits = TextList(fields.String(), required=True)
    common_mistakes = TextList(fields.String(), required=True)
    helps_with = fields.List(fields.Nested(CauseRefSchema), required=True)
    contraindications = fields.List(fields.Nested(ContraindicationSchema), required=True)
    media = media_field()


class ExerciseQueryArgsSchema(ListArgsSchema):
    difficulty = fields.Enum(Difficulty, by_value=True)
    body_area = fields.String(validate=validate.OneOf(BODY_AREAS))
    helps_with = Slug(metadata={"description": "Only exercises that help with this cause"})
    safe_for = Slug(
        metadata={"description": "Leave out exercises contraindicated for this condition (cause)"}
    )


class ExerciseInSchema(BundleItemSchema):
    TEXT_FIELDS = Exercise.TEXT_FIELDS
    RANGES = (("repetitions_min", "repetitions_max"), ("hold_seconds_min", "hold_seconds_max"))

    name = text(200)
    summary = text()
    steps = text_list()
    sets = count(1, 20)
    repetitions_min = count(0, 100)
    repetitions_max = count(0, 100)
    hold_seconds_min = count()
    hold_seconds_max = count()
    per_side = flag()
    difficulty = fields.Enum(Difficulty, by_value=True, required=True)
    muscles = text_list()
    body_areas = fields.List(fields.String(validate=validate.OneOf(BODY_AREAS)), load_default=list)
    benefits = text_list()
    common_mistakes = text_list()
    helps_with = refs(metadata={"description": "Cause slugs this exercise helps with"})
    contraindications = fields.List(fields.Nested(ContraindicationInSchema), load_default=list)
    media = media_links()
