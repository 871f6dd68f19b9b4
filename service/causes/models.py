"""The Cause model."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.content.models import ContentMixin, str_enum
from service.db import Base

if TYPE_CHECKING:
    from service.exercises.models import Exercise, ExerciseContraindication
    from service.remedies.models import Remedy
    from service.stretches.models import Stretch, StretchContraindication
    from service.symptoms.models import SymptomCause


class CauseCategory(enum.StrEnum):
    MUSCULAR = "muscular"
    TECHNIQUE = "technique"
    CONDITION = "condition"
    LIFESTYLE = "lifestyle"


class Cause(ContentMixin, Base):
    __tablename__ = "causes"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("name", "summary", "explanation", "prevention")

    name: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    explanation: Mapped[str] = mapped_column(sa.Text)
    prevention: Mapped[list[str]] = mapped_column(default=list)
    needs_professional: Mapped[bool] = mapped_column(default=False, index=True)
    category: Mapped[CauseCategory] = mapped_column(str_enum(CauseCategory), index=True)

    # Ordered, as every embedded list is: without it PostgreSQL returns the rows in whatever
    # order updates left them, and a detail (and its sync copy) changed with no edit to it.
    symptom_links: Mapped[list[SymptomCause]] = relationship(
        back_populates="cause", order_by="SymptomCause.symptom_id", lazy="raise", viewonly=True
    )
    stretches: Mapped[list[Stretch]] = relationship(
        secondary="stretch_helps",
        back_populates="helps_with",
        order_by="Stretch.id",
        lazy="raise",
        viewonly=True,
    )
    exercises: Mapped[list[Exercise]] = relationship(
        secondary="exercise_helps",
        back_populates="helps_with",
        order_by="Exercise.id",
        lazy="raise",
        viewonly=True,
    )
    remedies: Mapped[list[Remedy]] = relationship(
        secondary="remedy_helps",
        back_populates="helps_with",
        order_by="Remedy.id",
        lazy="raise",
        viewonly=True,
    )
    stretch_contraindications: Mapped[list[StretchContraindication]] = relationship(
        back_populates="cause", lazy="raise", viewonly=True
    )
    exercise_contraindications: Mapped[list[ExerciseContraindication]] = relationship(
        back_populates="cause", lazy="raise", viewonly=True
    )
