"""The recommendation request and answer, as front ends code against them."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.content.models import Trend
from service.content.schemas import Schema, Slug
from service.exercises.models import Difficulty
from service.recommendations.engine import (
    MAX_AGE,
    MAX_HOURS_SINCE_ONSET,
    MAX_MINUTES_AVAILABLE,
    Level,
)
from service.recommendations.services import unknown_slugs
from service.recommendations.state import rules_now
from service.remedies.models import RemedyKind
from service.stretches.models import Intensity

INPUTS = ["symptoms", "risk_factors", "age", "pain_level", "trend", "hours_since_onset"]


def _level(description: str) -> fields.Enum[Level]:
    return fields.Enum(Level, by_value=True, required=True, metadata={"description": description})


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
    risk_factors = fields.List(
        Slug(),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "Risk factor slugs from GET /v1/risk-factors"},
    )
    hours_since_onset = fields.Float(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_HOURS_SINCE_ONSET),
        metadata={"description": "Hours since the pain started"},
    )
    pain_level = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=0, max=10),
        metadata={"description": "How bad the pain is, 0-10; GET /v1/pain-bands words it"},
    )
    trend = fields.Enum(
        Trend,
        by_value=True,
        load_default=None,
        allow_none=True,
        metadata={"description": "How the pain has been changing: worse calls for a professional"},
    )
    age = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=0, max=MAX_AGE),
        metadata={"description": "Age in whole years; some risk factors apply from it"},
    )
    minutes_available = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_MINUTES_AVAILABLE),
        metadata={"description": "Minutes the person has for a routine"},
    )

    class Meta:
        unknown = ma.RAISE
        ordered = True

    @ma.validates_schema(skip_on_field_errors=False)
    def _known_slugs(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """Unknown slugs are reported with every other problem, each at its index."""
        errors = unknown_slugs(
            rules_now(),
            data.get("symptoms") or [],
            data.get("conditions") or [],
            data.get("risk_factors") or [],
        )
        if errors:
            raise ma.ValidationError(errors)

    @ma.post_load
    def _plain_trend(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        if data.get("trend") is not None:
            data["trend"] = data["trend"].value
        return data


class TriageReasonSchema(Schema):
    input = fields.String(
        required=True,
        validate=validate.OneOf(INPUTS),
        metadata={"description": "The request field that raised the level"},
    )
    collection = fields.String(
        required=True,
        validate=validate.OneOf(["symptoms", "risk-factors", "pain-bands"]),
        metadata={"description": "Where the item it made present lives"},
    )
    slug = fields.String(
        required=True, metadata={"description": "The symptom, risk factor or pain band"}
    )
    symptom = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The symptom's slug, when the item is a symptom"},
    )
    name = fields.String(required=True)
    level = _level("What this input alone calls for")
    text = fields.String(required=True)
    sources = fields.List(fields.String(), required=True)


class TriageSchema(Schema):
    level = _level("self_care, see_professional, urgent (same day) or emergency (999 / A&E)")
    how_soon = fields.String(
        required=True,
        validate=validate.OneOf(["now", "today", "soon", "at home"]),
        metadata={"description": "How soon to act"},
    )
    action = fields.String(required=True, metadata={"description": "What to do now"})
    reasons = fields.List(
        fields.Nested(TriageReasonSchema),
        required=True,
        metadata={"description": "Every input that raised the level, most urgent first"},
    )


class LikelyCauseSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    score = fields.Float(required=True)
    because = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Reported symptoms and risk factors behind it"},
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
        metadata={
            "description": "Applies now (null when the time since onset is unknown; false for "
            "what has no start time, such as a professional's massage)"
        },
    )
    helps_with = fields.List(fields.String(), required=True)
    note = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "What the evidence says, or what it must go with"},
    )
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
        required=True,
        metadata={"description": "Never above minutes_available x 60, nor above max_seconds"},
    )
    rounds = fields.Integer(
        required=True, metadata={"description": "No stretch appears more than three times"}
    )
    max_seconds = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "The ceiling the routine limits set (GET /v1/routine-limits)"},
    )
    limit = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The routine limit that made it shorter than the time allows"},
    )
    note = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Why the routine is shorter than the time available"},
    )


class SafetyNetSignSchema(Schema):
    slug = fields.String(required=True, metadata={"description": "The symptom"})
    name = fields.String(required=True)
    question = fields.String(allow_none=True, required=True)
    level = _level("What this sign calls for")
    action = fields.String(required=True, metadata={"description": "What to do if it appears"})
    reason = fields.String(required=True, metadata={"description": "Why it matters"})
    sources = fields.List(fields.String(), required=True)


class RecommendationSchema(Schema):
    triage = fields.Nested(TriageSchema, required=True)
    likely_causes = fields.List(
        fields.Nested(LikelyCauseSchema),
        required=True,
        metadata={"description": "Empty at urgent and emergency"},
    )
    stretches = fields.List(
        fields.Nested(SuggestionSchema),
        required=True,
        metadata={"description": "Empty at urgent and emergency"},
    )
    exercises = fields.List(
        fields.Nested(SuggestionSchema),
        required=True,
        metadata={"description": "Empty at urgent and emergency"},
    )
    avoid = fields.List(
        fields.Nested(AvoidSchema),
        required=True,
        metadata={"description": "Never suggested, with the reason; at every level"},
    )
    recovery = fields.List(
        fields.Nested(RecoveryStepSchema),
        required=True,
        metadata={"description": "Keep-active advice first; empty at urgent and emergency"},
    )
    routine = fields.Nested(RecommendedRoutineSchema, required=True)
    safety_net = fields.List(
        fields.Nested(SafetyNetSignSchema),
        required=True,
        metadata={
            "description": "Below emergency: the signs that call for more urgent help, each "
            "with its level and what to do"
        },
    )
    activities_note = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Why only gentle activities are suggested, when that is so"},
    )
    rules_version = fields.String(required=True)
    disclaimer = fields.String(required=True)
