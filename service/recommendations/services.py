"""Turning a validated request into an answer, with the rules cached per content version."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from sqlalchemy.orm import Session

from service.content.cache import LRU
from service.recommendations.engine import Answer, Request, Rules, recommend
from service.recommendations.rules import load_rules


def current_rules(
    version: int, session: Session, cache: LRU, loading: AbstractContextManager[Any] | None = None
) -> Rules:
    """The published rules at `version`; reloaded only when an editor has changed the content.

    `loading` (a lock) makes the requests that miss together wait for one load instead of
    each loading the whole catalogue at once (on a large one, seconds of work each, and a
    database connection each while they wait).
    """
    key = (version,)
    rules: Rules | None = cache.get(key)
    if rules is None:
        with loading or nullcontext():
            rules = cache.get(key)  # loaded while this request waited
            if rules is None:
                rules = load_rules(session)
                cache.put(key, rules)
    return rules


def unknown_slugs(
    rules: Rules,
    symptoms: Sequence[str],
    conditions: Sequence[str],
    risk_factors: Sequence[str] = (),
) -> dict[str, dict[int, list[str]]]:
    """{"symptoms": {index: [message]}, ...} for each slug that names no published item."""
    errors: dict[str, dict[int, list[str]]] = {}
    checks = (
        ("symptoms", rules.symptoms, symptoms, "symptom", "GET /v1/symptoms"),
        ("conditions", rules.causes, conditions, "condition", "GET /v1/causes"),
        ("risk_factors", rules.risk_factors, risk_factors, "risk factor", "GET /v1/risk-factors"),
    )
    for field, known, slugs, noun, where in checks:
        for index, slug in enumerate(slugs):
            if slug not in known:
                errors.setdefault(field, {})[index] = [f"Unknown {noun} {slug!r}; see {where}."]
    return errors


def to_request(data: dict[str, Any]) -> Request:
    return Request(
        symptoms=tuple(dict.fromkeys(data["symptoms"])),
        conditions=tuple(dict.fromkeys(data["conditions"])),
        risk_factors=tuple(dict.fromkeys(data["risk_factors"])),
        hours_since_onset=data["hours_since_onset"],
        pain_level=data["pain_level"],
        minutes_available=data["minutes_available"],
        age=data["age"],
        trend=data["trend"],
    )


def recommend_for(rules: Rules, data: dict[str, Any]) -> Answer:
    """The answer for validated input (its slugs were checked against these rules)."""
    return recommend(rules, to_request(data))
