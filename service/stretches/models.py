"""The Stretch model, what it helps with and what it is contraindicated for."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.causes.models import Cause
from service.content.models import ContentMixin, link_table, str_enum
from service.db import Base


class Intensity(enum.StrEnum):
    GENTLE = "gentle"
    MODERATE = "moderate"
    DEEP = "deep"


stretch_helps = link_table("stretch_helps", ("stretches", "stretch_id"), ("causes", "cause_id"))


class Stretch(ContentMixin, Base):
    __tablename__ = "stretches"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = (
        "name",
        "summary",
        "steps",
        "benefits",
        "common_mistakes",
        "when_to_stop",
        "variants",
        "steps_note",
    )
    ARRAY_FILTERS: ClassVar[tuple[str, ...]] = ("tags", "body_areas")

    name: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    steps: Mapped[list[str]] = mapped_column(default=list)
    # Where the steps and times come from, when that is not the item's sources.
    steps_note: Mapped[str | None] = mapped_column(sa.Text)
    hold_seconds_min: Mapped[int | None]
    hold_seconds_max: Mapped[int | None]
    breaths_min: Mapped[int | None]
    breaths_max: Mapped[int | None]
    repetitions_min: Mapped[int | None]
    repetitions_max: Mapped[int | None]
    per_side: Mapped[bool] = mapped_column(default=False)
    # Time one round takes inside a routine (per side when per_side).
    routine_seconds: Mapped[int]
    intensity: Mapped[Intensity] = mapped_column(str_enum(Intensity), index=True)
    body_areas: Mapped[list[str]] = mapped_column(default=list)
    benefits: Mapped[list[str]] = mapped_column(default=list)
    common_mistakes: Mapped[list[str]] = mapped_column(default=list)
    when_to_stop: Mapped[list[str]] = mapped_column(default=list)
    variants: Mapped[list[dict[str, Any]]] = mapped_column(default=list)

    helps_with: Mapped[list[Cause]] = relationship(
        secondary=stretch_helps, back_populates="stretches", order_by=Cause.id, lazy="raise"
    )
    contraindications: Mapped[list[StretchContraindication]] = relationship(
        back_populates="stretch",
        cascade="all, delete-orphan",
        order_by="StretchContraindication.cause_id",
        lazy="raise",
    )


class StretchContraindication(Base):
    """Avoid this stretch when the person has that cause or condition, and why."""

    __versioned__: ClassVar[bool] = True
    __tablename__ = "stretch_contraindications"

    stretch_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stretches.id", ondelete="CASCADE"), primary_key=True
    )
    cause_id: Mapped[int] = mapped_column(
        sa.ForeignKey("causes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    reason: Mapped[str] = mapped_column(sa.Text)
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict)

    stretch: Mapped[Stretch] = relationship(back_populates="contraindications")
    cause: Mapped[Cause] = relationship(
        back_populates="stretch_contraindications", lazy="joined", innerjoin=True
    )
