"""How symptoms are listed (for a questionnaire: by group, in display order) and loaded."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from service.causes.models import Cause
from service.content.models import Status
from service.content.queries import ListSpec
from service.symptoms.models import Symptom, SymptomCause

LIST = ListSpec(
    filters={
        "group": lambda value: Symptom.group == value,
        "red_flag": lambda value: Symptom.red_flag.is_(value),
        "urgency": lambda value: Symptom.urgency == value,
    },
    search=("name", "description"),
    order_by=("group_rank", "display_order", "name"),
)

DETAIL = (
    selectinload(Symptom.sources),
    selectinload(
        Symptom.causes.and_(
            SymptomCause.cause_id.in_(
                Cause.__table__.select()
                .with_only_columns(Cause.id)
                .where(Cause.status == Status.PUBLISHED)
            )
        )
    ),
)
