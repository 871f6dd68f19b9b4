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
from service.pain_bands.models import PainBand
from service.recommendations.engine import (
    Activity,
    CauseInfo,
    Level,
    PainBandRule,
    RemedyInfo,
    RiskFactorRule,
    RoutineLimitRule,
    Rules,
    SymptomRule,
)
from service.remedies.models import Remedy
from service.risk_factors.models import RiskFactor, RiskFactorCause
from service.routine_limits.models import RoutineLimit, routine_limit_bands
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

    def cause_links(link: Any, owner: Any) -> dict[int, list[tuple[int, float]]]:
        return _group(
            session.execute(
                sa.select(owner, link.cause_id, link.weight).order_by(
                    owner, link.weight.desc(), link.cause_id
                )
            )
        )

    def weighted(links: Iterable[tuple[int, float]]) -> tuple[tuple[str, float], ...]:
        return tuple((cause_slug[c], weight) for c, weight in links if c in cause_slug)

    symptom_links = cause_links(SymptomCause, SymptomCause.symptom_id)
    symptom_sources = _sources(session, Symptom)
    symptoms = {
        row.slug: SymptomRule(
            slug=row.slug,
            name=text("name", row.name, row.translations),
            urgency=Level(row.urgency.value),
            # A sign without its own one-line reason is explained by its description.
            reason=text("reason", row.reason, row.translations)
            or text("description", row.description, row.translations),
            red_flag=row.red_flag,
            implied_after_hours=row.implied_after_hours,
            implied_by_trend=row.implied_by_trend.value if row.implied_by_trend else None,
            causes=weighted(symptom_links.get(row.id, ())),
            sources=tuple(symptom_sources.get(row.id, ())),
            question=text("question", row.question, row.translations),
            order=(row.group_rank, row.display_order),
        )
        for row in session.execute(
            _published(
                Symptom.id,
                Symptom.slug,
                Symptom.name,
                Symptom.translations,
                Symptom.description,
                Symptom.reason,
                Symptom.question,
                Symptom.red_flag,
                Symptom.urgency,
                Symptom.implied_after_hours,
                Symptom.implied_by_trend,
                Symptom.group_rank,
                Symptom.display_order,
            )
        )
    }

    factor_links = cause_links(RiskFactorCause, RiskFactorCause.risk_factor_id)
    factor_sources = _sources(session, RiskFactor)
    risk_factors = {
        row.slug: RiskFactorRule(
            slug=row.slug,
            name=text("name", row.name, row.translations),
            urgency=Level(row.urgency.value),
            reason=text("reason", row.reason, row.translations),
            gentle_only=row.gentle_only,
            age_under=row.age_under,
            age_over=row.age_over,
            causes=weighted(factor_links.get(row.id, ())),
            sources=tuple(factor_sources.get(row.id, ())),
        )
        for row in session.execute(
            _published(
                RiskFactor.id,
                RiskFactor.slug,
                RiskFactor.name,
                RiskFactor.translations,
                RiskFactor.reason,
                RiskFactor.urgency,
                RiskFactor.gentle_only,
                RiskFactor.age_under,
                RiskFactor.age_over,
            )
        )
    }

    band_rows = session.execute(
        _published(
            PainBand.id,
            PainBand.slug,
            PainBand.name,
            PainBand.translations,
            PainBand.reason,
            PainBand.min_level,
            PainBand.max_level,
            PainBand.urgency,
            PainBand.gentle_only,
        ).order_by(PainBand.min_level, PainBand.slug)
    ).all()
    band_slug = {row.id: row.slug for row in band_rows}
    band_sources = _sources(session, PainBand)
    pain_bands = tuple(
        PainBandRule(
            slug=row.slug,
            name=text("name", row.name, row.translations),
            reason=text("reason", row.reason, row.translations),
            min_level=row.min_level,
            max_level=row.max_level,
            urgency=Level(row.urgency.value),
            gentle_only=row.gentle_only,
            sources=tuple(band_sources.get(row.id, ())),
        )
        for row in band_rows
    )
    limit_bands = _group(
        session.execute(
            sa.select(
                routine_limit_bands.c.routine_limit_id, routine_limit_bands.c.pain_band_id
            ).order_by(routine_limit_bands.c.routine_limit_id, routine_limit_bands.c.pain_band_id)
        )
    )
    limit_sources = _sources(session, RoutineLimit)
    routine_limits = []
    for row in session.execute(
        _published(
            RoutineLimit.id,
            RoutineLimit.slug,
            RoutineLimit.name,
            RoutineLimit.translations,
            RoutineLimit.description,
            RoutineLimit.max_total_seconds,
            RoutineLimit.max_repeats,
        ).order_by(RoutineLimit.slug)
    ):
        bands = limit_bands.get(row.id, [])
        published = tuple(band_slug[b] for b in bands if b in band_slug)
        if bands and not published:
            # Confined to bands that are all drafts: it applies to no answer until one is out.
            continue
        routine_limits.append(
            RoutineLimitRule(
                slug=row.slug,
                name=text("name", row.name, row.translations),
                description=text("description", row.description, row.translations),
                max_total_seconds=row.max_total_seconds,
                max_repeats=row.max_repeats,
                pain_bands=published,
                sources=tuple(limit_sources.get(row.id, ())),
            )
        )

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
            not_recommended=row.not_recommended,
            only_with_exercise=row.only_with_exercise,
            leads_advice=row.leads_advice,
            evidence_note=text("evidence_note", row.evidence_note, row.translations),
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
                Remedy.not_recommended,
                Remedy.only_with_exercise,
                Remedy.leads_advice,
                Remedy.evidence_note,
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
        risk_factors=risk_factors,
        pain_bands=pain_bands,
        routine_limits=tuple(routine_limits),
    )
