"""How exercises are listed, filtered and loaded for their detail page."""

from __future__ import annotations

from sqlalchemy.orm.interfaces import LoaderOption

from service import activities
from service.exercises.models import Exercise, ExerciseContraindication

LIST = activities.list_spec(
    Exercise, ExerciseContraindication, difficulty=lambda value: Exercise.difficulty == value
)


def detail() -> tuple[LoaderOption, ...]:
    return activities.detail(Exercise)
