"""How routines are listed, filtered and loaded with their steps."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from service.content.queries import ListSpec
from service.routines.models import Routine, RoutineStep
from service.stretches.models import Stretch

# Seconds a routine takes, counted in SQL the way Routine.total_seconds counts them.
_total_seconds = (
    sa.select(
        sa.func.coalesce(
            sa.func.sum(
                RoutineStep.seconds * sa.case((RoutineStep.per_side.is_(True), 2), else_=1)
            ),
            0,
        )
    )
    .where(RoutineStep.routine_id == Routine.id)
    .scalar_subquery()
)

LIST = ListSpec(
    filters={
        "level": lambda value: Routine.level == value,
        "stretch": lambda slug: Routine.steps.any(RoutineStep.stretch.has(Stretch.slug == slug)),
        "max_seconds": lambda seconds: _total_seconds <= seconds,
    },
    references={"stretch": Stretch},
    options=lambda: (selectinload(Routine.steps),),
)


def detail() -> tuple[LoaderOption, ...]:
    return (
        selectinload(Routine.sources),
        selectinload(Routine.steps),
    )
