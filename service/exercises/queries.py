"""How exercises are listed, filtered and loaded for their detail page."""

from __future__ import annotations

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from service.causes.models import Cause
from service.content.models import JsonArrayContains
from service.content.queries import ListSpec, published
from service.exercises.models import Exercise, ExerciseContraindication

LIST = ListSpec(
    filters={
        "difficulty": lambda value: Exercise.difficulty == value,
        "body_area": lambda value: JsonArrayContains(Exercise.body_areas, value),
        "helps_with": lambda slug: Exercise.helps_with.any(Cause.slug == slug),
        "safe_for": lambda slug: (
            ~Exercise.contraindications.any(ExerciseContraindication.cause.has(Cause.slug == slug))
        ),
    },
    references={"helps_with": Cause, "safe_for": Cause},
)


def detail() -> tuple[LoaderOption, ...]:
    return (
        selectinload(Exercise.sources),
        selectinload(published(Exercise.helps_with)),
        selectinload(Exercise.contraindications),
    )
