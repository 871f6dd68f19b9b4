"""How routine limits are listed (strictest first) and loaded."""

from __future__ import annotations

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from service.content.queries import ListSpec, published
from service.routine_limits.models import RoutineLimit

LIST = ListSpec(search=("name", "description"), order_by=("max_total_seconds", "name"))


def detail() -> tuple[LoaderOption, ...]:
    return (
        selectinload(RoutineLimit.sources),
        selectinload(published(RoutineLimit.pain_bands)),
    )
