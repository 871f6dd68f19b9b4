"""Loading the recommendation rules from the published catalogue into plain data.

Plain column queries, not ORM objects: at 100k catalogue items building objects and their
relationships took over 20 s, while the engine needs only a few fields of each row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.causes.models import Cause
from service.content.i18n import translated
from service.content.models import Source, Status
from service.exercises.models import Exercise, ExerciseContraindication
from service.recommendations.engine import Activity, CauseInfo, RemedyInfo, Rules, SymptomRule
from service.remedies.models import Remedy
from service.stretches.models import Stretch, StretchContraindication
from service.symptoms.models import Symptom, SymptomCause

Rows = Iterable[Any]


def _published(*columns: Any) -> sa.Select[Any]:
    model = columns[0].class_
    return sa.select(*columns).where(model.status == Status.PUBLISHED)


def _group(rows: Rows) -> dict[int, list[Any]]:
    """{owner id: [values]} from (owner id, value...) rows, in row order."""
    grouped: dict[int, list[Any]] = defaultdict(list)
    for owner, *values in rows:
        grouped[owner].append(values[0] if len(values) == 1 else tuple(values))
    return grouped


def _sources(session: Session, model: Any) -> dict[int, list[str]]:
    link = model.sources.property.secondary
    return _group(
        session.execute(
            sa.select(link.c.item_id, Source.slug)
            .join(Source, Source.id == link.c.source_id)
            .order_by(link.c.item_id, Source.id)
        )
    )


def load_rules(session: Session, language: str = "en") -> Rules:
    """Every published item the engine needs; drafts and what they link to are left out."""

    def text(name: str, value: Any, translations: dict[str, Any] | None) -> Any:
        return translated({"translations": translations or {}}, name, value, language)

    cause_rows = session.execute(
        _published(Cause.id, Cause.slug, Cause.name, Cause.translations, Cause.needs_professional)
    ).all()
    cause_slug = {row.id: row.slug for row in cause_rows}
    cause_sources = _sources(session, Cause)
    causes = {
        row.slug: CauseInfo(
            row.slug,
            text("name", row.name, row.translations),
            row.needs_professional,
            tuple(cause_sources.get(row.id, ())),
        )
        for row in cause_rows
    }

    symptom_links = _group(
        session.execute(
            sa.select(SymptomCause.symptom_id, SymptomCause.cause_id, SymptomCause.weight).order_by(
                SymptomCause.symptom_id, SymptomCause.weight.desc(), SymptomCause.cause_id
            )
        )
    )
    symptom_sources = _sources(session, Symptom)
    symptoms = {
        row.slug: SymptomRule(
            slug=row.slug,
            name=text("name", row.name, row.translations),
            red_flag=row.red_flag,
            urgency=row.urgency.value,
            implied_after_hours=row.implied_after_hours,
            causes=tuple(
                (cause_slug[cause], weight)
                for cause, weight in symptom_links.get(row.id, ())
                if cause in cause_slug
            ),
            sources=tuple(symptom_sources.get(row.id, ())),
        )
        for row in session.execute(
            _published(
                Symptom.id,
                Symptom.slug,
                Symptom.name,
                Symptom.translations,
                Symptom.red_flag,
                Symptom.urgency,
                Symptom.implied_after_hours,
            )
        )
    }

    def helps(model: Any, owner: str) -> dict[int, list[int]]:
        link = model.helps_with.property.secondary
        return _group(
            session.execute(
                sa.select(link.c[owner], link.c.cause_id).order_by(link.c[owner], link.c.cause_id)
            )
        )

    def activities(
        model: Any, link: Any, owner: str, kind: str, level: Any
    ) -> tuple[Activity, ...]:
        helped = helps(model, owner)
        contra = _group(
            session.execute(
                sa.select(link.c[owner], link.c.cause_id, link.c.reason, link.c.translations)
                .select_from(link)
                .order_by(link.c[owner], link.c.cause_id)
            )
        )
        sources = _sources(session, model)
        seconds = getattr(model, "routine_seconds", sa.null())
        rows = session.execute(
            _published(
                model.id,
                model.slug,
                model.name,
                model.translations,
                level,
                seconds.label("seconds"),
                model.per_side,
            ).order_by(model.slug)
        )
        return tuple(
            Activity(
                kind=kind,
                slug=row.slug,
                name=text("name", row.name, row.translations),
                level=row[4].value,
                helps_with=tuple(cause_slug[c] for c in helped.get(row.id, ()) if c in cause_slug),
                contraindications=tuple(
                    (cause_slug[c], text("reason", reason, translations))
                    for c, reason, translations in contra.get(row.id, ())
                    if c in cause_slug
                ),
                seconds=row.seconds,
                per_side=row.per_side,
                sources=tuple(sources.get(row.id, ())),
            )
            for row in rows
        )

    remedy_helps = helps(Remedy, "remedy_id")
    remedy_sources = _sources(session, Remedy)
    remedies = tuple(
        RemedyInfo(
            slug=row.slug,
            name=text("name", row.name, row.translations),
            kind=row.kind.value,
            timing=text("timing", row.timing, row.translations),
            start_hour=row.start_hour,
            end_hour=row.end_hour,
            duration_minutes_min=row.duration_minutes_min,
            duration_minutes_max=row.duration_minutes_max,
            frequency=text("frequency", row.frequency, row.translations),
            recovery_order=row.recovery_order,
            helps_with=tuple(
                cause_slug[c] for c in remedy_helps.get(row.id, ()) if c in cause_slug
            ),
            sources=tuple(remedy_sources.get(row.id, ())),
        )
        for row in session.execute(
            _published(
                Remedy.id,
                Remedy.slug,
                Remedy.name,
                Remedy.translations,
                Remedy.kind,
                Remedy.timing,
                Remedy.start_hour,
                Remedy.end_hour,
                Remedy.duration_minutes_min,
                Remedy.duration_minutes_max,
                Remedy.frequency,
                Remedy.recovery_order,
            ).order_by(Remedy.recovery_order, Remedy.slug)
        )
    )
    return Rules(
        symptoms=symptoms,
        causes=causes,
        stretches=activities(
            Stretch, StretchContraindication.__table__, "stretch_id", "stretch", Stretch.intensity
        ),
        exercises=activities(
            Exercise,
            ExerciseContraindication.__table__,
            "exercise_id",
            "exercise",
            Exercise.difficulty,
        ),
        remedies=remedies,
    )
