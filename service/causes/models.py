"""The Cause model."""

from __future__ import annotations

import enum
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.content.models import ContentMixin, str_enum
from service.db import Base


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

    # What points to a cause and what helps with it, read from the other side: those domains
    # build on causes, so their models are named here by string (the mapper resolves them
    # once every model is imported), never imported.
    symptom_links: Mapped[list[Base]] = relationship(
        "SymptomCause",
        back_populates="cause",
        order_by="SymptomCause.symptom_id",
        lazy="raise",
        viewonly=True,
    )
    stretches: Mapped[list[ContentMixin]] = relationship(
        "Stretch",
        order_by="Stretch.id",
        secondary="stretch_helps",
        back_populates="helps_with",
        lazy="raise",
        viewonly=True,
    )
    exercises: Mapped[list[ContentMixin]] = relationship(
        "Exercise",
        order_by="Exercise.id",
        secondary="exercise_helps",
        back_populates="helps_with",
        lazy="raise",
        viewonly=True,
    )
    remedies: Mapped[list[ContentMixin]] = relationship(
        "Remedy",
        order_by="Remedy.id",
        secondary="remedy_helps",
        back_populates="helps_with",
        lazy="raise",
        viewonly=True,
    )
    stretch_contraindications: Mapped[list[Base]] = relationship(
        "StretchContraindication", back_populates="cause", lazy="raise", viewonly=True
    )
    exercise_contraindications: Mapped[list[Base]] = relationship(
        "ExerciseContraindication", back_populates="cause", lazy="raise", viewonly=True
    )
