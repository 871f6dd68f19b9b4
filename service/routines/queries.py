"""How routines are listed, filtered and loaded with their steps."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from service.content.models import Status
from service.content.queries import ListSpec, published_links
from service.routines.models import Routine, RoutineStep
from service.stretches.models import Stretch

# The steps the public sees: those whose stretch is published (a draft is never shown).
_public_step = RoutineStep.stretch_id.in_(
    Stretch.__table__.select()
    .with_only_columns(Stretch.id)
    .where(Stretch.status == Status.PUBLISHED)
)


def _public_steps() -> LoaderOption:
    return selectinload(Routine.steps.and_(_public_step))


# Seconds a routine takes, counted in SQL the way Routine.total_seconds counts its public steps.
_total_seconds = (
    sa.select(
        sa.func.coalesce(
            sa.func.sum(
                RoutineStep.seconds * sa.case((RoutineStep.per_side.is_(True), 2), else_=1)
            ),
            0,
        )
    )
    .where(RoutineStep.routine_id == Routine.id, _public_step)
    .scalar_subquery()
)

LIST = ListSpec(
    filters={
        "level": lambda value: Routine.level == value,
        "stretch": lambda slug: Routine.steps.any(RoutineStep.stretch.has(Stretch.slug == slug)),
        "max_seconds": lambda seconds: _total_seconds <= seconds,
    },
    references={"stretch": Stretch},
    options=lambda: (_public_steps(),),
)


def detail() -> tuple[LoaderOption, ...]:
    return (
        selectinload(Routine.sources),
        _public_steps(),
        selectinload(published_links(Routine.media, "asset")),
    )
