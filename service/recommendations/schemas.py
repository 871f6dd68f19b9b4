"""The recommendation request and answer, as front ends code against them."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.content.schemas import Schema, Slug
from service.exercises.models import Difficulty
from service.recommendations.engine import LEVELS
from service.recommendations.services import unknown_slugs
from service.recommendations.state import rules_now
from service.remedies.models import RemedyKind
from service.stretches.models import Intensity


class RecommendationRequestSchema(Schema):
    symptoms = fields.List(
        Slug(),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "Symptom slugs from GET /v1/symptoms"},
    )
    conditions = fields.List(
        Slug(),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "Cause slugs of conditions the person knows they have"},
    )
    hours_since_onset = fields.Float(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=24 * 365 * 10),
        metadata={"description": "Hours since the pain started"},
    )
    pain_level = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=0, max=10)
    )
    minutes_available = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1, max=120),
        metadata={"description": "Minutes the person has for a routine"},
    )

    class Meta:
        unknown = ma.RAISE
        ordered = True

    @ma.validates_schema(skip_on_field_errors=False)
    def _known_slugs(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """Unknown slugs are reported with every other problem, each at its index."""
        errors = unknown_slugs(
            rules_now(), data.get("symptoms") or [], data.get("conditions") or []
        )
        if errors:
            raise ma.ValidationError(errors)


class TriageReasonSchema(Schema):
    input = fields.String(
        required=True, metadata={"description": "The input that raised the level"}
    )
    symptom = fields.String(required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    text = fields.String(required=True)
    sources = fields.List(fields.String(), required=True)


class TriageSchema(Schema):
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    reasons = fields.List(fields.Nested(TriageReasonSchema), required=True)
    action = fields.String(required=True, metadata={"description": "What to do now"})


class LikelyCauseSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    score = fields.Float(required=True)
    because = fields.List(
        fields.String(), required=True, metadata={"description": "Reported symptoms behind it"}
    )
    known_condition = fields.Boolean(required=True)
    needs_professional = fields.Boolean(required=True)
    sources = fields.List(fields.String(), required=True)


class SuggestionSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(
        required=True,
        validate=validate.OneOf([m.value for m in (*Intensity, *Difficulty)]),
        metadata={"description": "Intensity (stretches) or difficulty (exercises)"},
    )
    why = fields.String(required=True)
    helps_with = fields.List(fields.String(), required=True)
    seconds = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Seconds one round takes in a routine (stretches only)"},
    )
    per_side = fields.Boolean(required=True)
    sources = fields.List(fields.String(), required=True)


class AvoidSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["stretch", "exercise"]))
    cause = fields.String(required=True)
    reason = fields.String(required=True)
    sources = fields.List(fields.String(), required=True)


class RecoveryStepSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([m.value for m in RemedyKind]))
    timing = fields.String(required=True)
    start_hour = fields.Integer(allow_none=True, required=True)
    end_hour = fields.Integer(allow_none=True, required=True)
    duration_minutes_min = fields.Integer(allow_none=True, required=True)
    duration_minutes_max = fields.Integer(allow_none=True, required=True)
    frequency = fields.String(allow_none=True, required=True)
    now = fields.Boolean(
        allow_none=True,
        required=True,
        metadata={"description": "Applies now (null when the time since onset is unknown)"},
    )
    helps_with = fields.List(fields.String(), required=True)
    sources = fields.List(fields.String(), required=True)


class RecommendedStepSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    seconds = fields.Integer(required=True)
    per_side = fields.Boolean(required=True)
    round = fields.Integer(required=True)


class RecommendedRoutineSchema(Schema):
    steps = fields.List(fields.Nested(RecommendedStepSchema), required=True)
    total_seconds = fields.Integer(
        required=True, metadata={"description": "Never above minutes_available x 60"}
    )
    rounds = fields.Integer(required=True)


class RecommendationSchema(Schema):
    triage = fields.Nested(TriageSchema, required=True)
    likely_causes = fields.List(fields.Nested(LikelyCauseSchema), required=True)
    stretches = fields.List(fields.Nested(SuggestionSchema), required=True)
    exercises = fields.List(fields.Nested(SuggestionSchema), required=True)
    avoid = fields.List(fields.Nested(AvoidSchema), required=True)
    recovery = fields.List(fields.Nested(RecoveryStepSchema), required=True)
    routine = fields.Nested(RecommendedRoutineSchema, required=True)
    rules_version = fields.String(required=True)
    disclaimer = fields.String(required=True)
