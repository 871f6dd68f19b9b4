"""How causes are listed, filtered and loaded with what points to them and what helps."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from service.causes.models import Cause
from service.content.models import Status
from service.content.queries import ListSpec
from service.exercises.models import Exercise
from service.remedies.models import Remedy
from service.stretches.models import Stretch
from service.symptoms.models import Symptom, SymptomCause

LIST = ListSpec(
    filters={
        "category": lambda value: Cause.category == value,
        "needs_professional": lambda value: Cause.needs_professional.is_(value),
        "symptom": lambda slug: Cause.symptom_links.any(
            SymptomCause.symptom.has(Symptom.slug == slug)
        ),
    },
    references={"symptom": Symptom},
)

DETAIL = (
    selectinload(Cause.sources),
    selectinload(
        Cause.symptom_links.and_(
            SymptomCause.symptom_id.in_(
                Symptom.__table__.select()
                .with_only_columns(Symptom.id)
                .where(Symptom.status == Status.PUBLISHED)
            )
        )
    ).joinedload(SymptomCause.symptom),
    selectinload(Cause.stretches.and_(Stretch.status == Status.PUBLISHED)),
    selectinload(Cause.exercises.and_(Exercise.status == Status.PUBLISHED)),
    selectinload(Cause.remedies.and_(Remedy.status == Status.PUBLISHED)),
)
