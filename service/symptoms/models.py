"""The Symptom model and its weighted links to causes."""

from __future__ import annotations

import enum
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from service.causes.models import Cause
from service.content.models import ContentMixin, Trend, Urgency, str_enum
from service.db import Base

__all__ = ["Symptom", "SymptomCause", "SymptomGroup", "Urgency"]


class SymptomGroup(enum.StrEnum):
    PAIN = "pain"
    MOBILITY = "mobility"
    NERVE = "nerve"
    GENERAL = "general"


class Symptom(ContentMixin, Base):
    __tablename__ = "symptoms"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("name", "description", "question", "reason")

    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    # The yes/no question a questionnaire asks, in plain words.
    question: Mapped[str | None] = mapped_column(sa.Text)
    # Why the sign matters, in one sentence: triage reasons and the safety net quote it.
    reason: Mapped[str | None] = mapped_column(sa.Text)
    group: Mapped[SymptomGroup] = mapped_column(str_enum(SymptomGroup), index=True)
    red_flag: Mapped[bool] = mapped_column(default=False, index=True)
    urgency: Mapped[Urgency] = mapped_column(
        str_enum(Urgency), default=Urgency.SELF_CARE, index=True
    )
    display_order: Mapped[int] = mapped_column(default=0)
    # The symptom counts as present once this many hours have passed since onset.
    implied_after_hours: Mapped[int | None]
    # The symptom counts as present when the person says the pain is going this way.
    implied_by_trend: Mapped[Trend | None] = mapped_column(str_enum(Trend))

    # A questionnaire asks about pain first, then movement, nerves, and general health.
    group_rank: Mapped[int] = column_property(
        sa.case(
            {group.value: rank for rank, group in enumerate(SymptomGroup)},
            value=group,
            else_=len(SymptomGroup),
        )
    )

    causes: Mapped[list[SymptomCause]] = relationship(
        back_populates="symptom",
        cascade="all, delete-orphan",
        order_by="(SymptomCause.weight.desc(), SymptomCause.cause_id)",
        lazy="raise",
    )


class SymptomCause(Base):
    """How strongly a symptom points to a cause (0 to 1)."""

    __versioned__: ClassVar[bool] = True
    __tablename__ = "symptom_causes"

    symptom_id: Mapped[int] = mapped_column(
        sa.ForeignKey("symptoms.id", ondelete="CASCADE"), primary_key=True
    )
    cause_id: Mapped[int] = mapped_column(
        sa.ForeignKey("causes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    weight: Mapped[float]

    symptom: Mapped[Symptom] = relationship(back_populates="causes")
    cause: Mapped[Cause] = relationship(
        back_populates="symptom_links", lazy="joined", innerjoin=True
    )
