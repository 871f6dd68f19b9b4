"""The Exercise model, what it helps with and what it is contraindicated for."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.causes.models import Cause
from service.content.models import ContentMixin, link_table, str_enum
from service.db import Base


class Difficulty(enum.StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


exercise_helps = link_table("exercise_helps", ("exercises", "exercise_id"), ("causes", "cause_id"))


class Exercise(ContentMixin, Base):
    __tablename__ = "exercises"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = (
        "name",
        "summary",
        "steps",
        "muscles",
        "benefits",
        "common_mistakes",
    )
    ARRAY_FILTERS: ClassVar[tuple[str, ...]] = ("tags", "body_areas")

    name: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    steps: Mapped[list[str]] = mapped_column(default=list)
    sets: Mapped[int | None]
    repetitions_min: Mapped[int | None]
    repetitions_max: Mapped[int | None]
    hold_seconds_min: Mapped[int | None]
    hold_seconds_max: Mapped[int | None]
    per_side: Mapped[bool] = mapped_column(default=False)
    difficulty: Mapped[Difficulty] = mapped_column(str_enum(Difficulty), index=True)
    muscles: Mapped[list[str]] = mapped_column(default=list)
    body_areas: Mapped[list[str]] = mapped_column(default=list)
    benefits: Mapped[list[str]] = mapped_column(default=list)
    common_mistakes: Mapped[list[str]] = mapped_column(default=list)

    helps_with: Mapped[list[Cause]] = relationship(
        secondary=exercise_helps, back_populates="exercises", order_by=Cause.id, lazy="raise"
    )
    contraindications: Mapped[list[ExerciseContraindication]] = relationship(
        back_populates="exercise",
        cascade="all, delete-orphan",
        order_by="ExerciseContraindication.cause_id",
        lazy="raise",
    )


class ExerciseContraindication(Base):
    """Avoid this exercise when the person has that cause or condition, and why."""

    __versioned__: ClassVar[bool] = True
    __tablename__ = "exercise_contraindications"

    exercise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercises.id", ondelete="CASCADE"), primary_key=True
    )
    cause_id: Mapped[int] = mapped_column(
        sa.ForeignKey("causes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    reason: Mapped[str] = mapped_column(sa.Text)
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict)

    exercise: Mapped[Exercise] = relationship(back_populates="contraindications")
    cause: Mapped[Cause] = relationship(
        back_populates="exercise_contraindications", lazy="joined", innerjoin=True
    )
