"""Turning a validated request into an answer: unknown slugs are refused, then the engine runs."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.causes.models import Cause
from service.content.models import Status
from service.errors import InvalidInput
from service.recommendations.engine import Answer, Request, Rules, recommend
from service.recommendations.rules import load_rules
from service.symptoms.models import Symptom


def _published_slugs(session: Session, model: Any, slugs: list[str]) -> set[str]:
    if not slugs:
        return set()
    return set(
        session.scalars(
            sa.select(model.slug).where(model.slug.in_(slugs), model.status == Status.PUBLISHED)
        )
    )


def unknown_slugs(
    session: Session, symptoms: list[str], conditions: list[str]
) -> dict[str, dict[int, list[str]]]:
    """{"symptoms": {index: [message]}, ...} for each slug that names no published item."""
    errors: dict[str, dict[int, list[str]]] = {}
    checks = (
        ("symptoms", Symptom, symptoms, "symptom", "GET /v1/symptoms"),
        ("conditions", Cause, conditions, "condition", "GET /v1/causes"),
    )
    for field, model, slugs, noun, where in checks:
        known = _published_slugs(session, model, slugs)
        for index, slug in enumerate(slugs):
            if slug not in known:
                errors.setdefault(field, {})[index] = [f"Unknown {noun} {slug!r}; see {where}."]
    return errors


def check_slugs(rules: Rules, request: Request) -> None:
    """The rules are the source of truth: a slug they lack is refused even if the row exists."""
    errors: dict[str, list[str]] = {}
    for field, slugs, known in (
        ("symptoms", request.symptoms, rules.symptoms),
        ("conditions", request.conditions, rules.causes),
    ):
        for index, slug in enumerate(slugs):
            if slug not in known:
                errors[f"json.{field}.{index}"] = [f"Unknown slug {slug!r}."]
    if errors:
        raise InvalidInput("Unknown slug(s): " + ", ".join(sorted(errors)), errors=errors)


def recommend_for(session: Session, data: dict[str, Any], language: str = "en") -> Answer:
    rules = load_rules(session, language)
    request = Request(
        symptoms=tuple(dict.fromkeys(data["symptoms"])),
        conditions=tuple(dict.fromkeys(data["conditions"])),
        hours_since_onset=data["hours_since_onset"],
        pain_level=data["pain_level"],
        minutes_available=data["minutes_available"],
    )
    check_slugs(rules, request)
    return recommend(rules, request)
