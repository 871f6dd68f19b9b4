"""The Exercise model, what it helps with and what it is contraindicated for."""

from __future__ import annotations

import enum
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.activities import ActivityMixin, ContraindicationMixin, helps_table
from service.causes.models import Cause
from service.content.models import str_enum
from service.db import Base
from service.media.links import MediaLinkMixin


class Difficulty(enum.StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


exercise_helps = helps_table("exercise", "exercises")


class Exercise(ActivityMixin, Base):
    __tablename__ = "exercises"
    SINGULAR: ClassVar[str] = "exercise"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = (
        "name",
        "summary",
        "steps",
        "muscles",
        "benefits",
        "common_mistakes",
    )

    sets: Mapped[int | None]
    difficulty: Mapped[Difficulty] = mapped_column(str_enum(Difficulty), index=True)
    muscles: Mapped[list[str]] = mapped_column(default=list)


class ExerciseContraindication(ContraindicationMixin, Base):
    __tablename__ = "exercise_contraindications"

    exercise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercises.id", ondelete="CASCADE"), primary_key=True
    )

    exercise: Mapped[Exercise] = relationship(back_populates="contraindications")
    cause: Mapped[Cause] = relationship(
        back_populates="exercise_contraindications", lazy="joined", innerjoin=True
    )


class ExerciseMedia(MediaLinkMixin, Base):
    """A picture the exercise shows."""

    __tablename__ = "exercise_media"

    exercise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercises.id", ondelete="CASCADE"), primary_key=True
    )
