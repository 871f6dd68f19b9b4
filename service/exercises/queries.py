"""How exercises are listed, filtered and loaded for their detail page."""

from __future__ import annotations

from sqlalchemy.orm.interfaces import LoaderOption

from service import activities
from service.content.queries import ListSpec
from service.exercises.models import Exercise, ExerciseContraindication

LIST = ListSpec(
    filters={
        "difficulty": lambda value: Exercise.difficulty == value,
        **activities.filters(Exercise, ExerciseContraindication),
    },
    references=activities.CAUSE_REFERENCES,
)


def detail() -> tuple[LoaderOption, ...]:
    return activities.detail(Exercise)
