"""How routine limits are listed (strictest first) and loaded."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from service.content.models import Status
from service.content.queries import ListSpec
from service.pain_bands.models import PainBand
from service.routine_limits.models import RoutineLimit

LIST = ListSpec(search=("name", "description"), order_by=("max_total_seconds", "name"))

DETAIL = (
    selectinload(RoutineLimit.sources),
    selectinload(RoutineLimit.pain_bands.and_(PainBand.status == Status.PUBLISHED)),
)
