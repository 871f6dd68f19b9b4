"""Loading the recommendation rules from the published catalogue into plain data."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from service.causes.models import Cause
from service.content.i18n import translated
from service.content.models import Status
from service.exercises.models import Exercise
from service.recommendations.engine import Activity, CauseInfo, RemedyInfo, Rules, SymptomRule
from service.remedies.models import Remedy
from service.stretches.models import Stretch
from service.symptoms.models import Symptom


def _published(model: Any, *options: Any) -> Any:
    return sa.select(model).where(model.status == Status.PUBLISHED).options(*options)


def _sources(item: Any) -> tuple[str, ...]:
    return tuple(source.slug for source in item.sources)


def load_rules(session: Session, language: str = "en") -> Rules:
    """Every published item the engine needs; drafts and what they link to are left out."""

    def text(obj: Any, name: str) -> Any:
        return translated(obj, name, getattr(obj, name), language)

    causes = {
        c.slug: CauseInfo(c.slug, text(c, "name"), c.needs_professional, _sources(c))
        for c in session.scalars(_published(Cause, selectinload(Cause.sources)))
    }
    symptoms = {
        s.slug: SymptomRule(
            slug=s.slug,
            name=text(s, "name"),
            red_flag=s.red_flag,
            urgency=s.urgency.value,
            implied_after_hours=s.implied_after_hours,
            causes=tuple(
                (link.cause.slug, link.weight) for link in s.causes if link.cause.slug in causes
            ),
            sources=_sources(s),
        )
        for s in session.scalars(
            _published(Symptom, selectinload(Symptom.sources), selectinload(Symptom.causes))
        )
    }

    def activities(model: Any, kind: str, level: str) -> tuple[Activity, ...]:
        rows = session.scalars(
            _published(
                model,
                selectinload(model.sources),
                selectinload(model.helps_with),
                selectinload(model.contraindications),
            ).order_by(model.slug)
        )
        return tuple(
            Activity(
                kind=kind,
                slug=row.slug,
                name=text(row, "name"),
                level=getattr(row, level).value,
                helps_with=tuple(c.slug for c in row.helps_with if c.slug in causes),
                contraindications=tuple(
                    (link.cause.slug, text(link, "reason"))
                    for link in row.contraindications
                    if link.cause.slug in causes
                ),
                seconds=getattr(row, "routine_seconds", None),
                per_side=row.per_side,
                sources=_sources(row),
            )
            for row in rows
        )

    remedies = tuple(
        RemedyInfo(
            slug=r.slug,
            name=text(r, "name"),
            kind=r.kind.value,
            timing=text(r, "timing"),
            start_hour=r.start_hour,
            end_hour=r.end_hour,
            duration_minutes_min=r.duration_minutes_min,
            duration_minutes_max=r.duration_minutes_max,
            frequency=text(r, "frequency"),
            recovery_order=r.recovery_order,
            helps_with=tuple(c.slug for c in r.helps_with if c.slug in causes),
            sources=_sources(r),
        )
        for r in session.scalars(
            _published(
                Remedy, selectinload(Remedy.sources), selectinload(Remedy.helps_with)
            ).order_by(Remedy.recovery_order, Remedy.slug)
        )
    )
    return Rules(
        symptoms=symptoms,
        causes=causes,
        stretches=activities(Stretch, "stretch", "intensity"),
        exercises=activities(Exercise, "exercise", "difficulty"),
        remedies=remedies,
    )
