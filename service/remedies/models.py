"""The Remedy model and the causes it helps with."""

from __future__ import annotations

import enum
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.causes.models import Cause
from service.content.models import ContentMixin, link_table, str_enum
from service.db import Base


class RemedyKind(enum.StrEnum):
    COLD = "cold"
    HEAT = "heat"
    MOVEMENT = "movement"
    MANUAL = "manual"
    REST = "rest"
    LIFESTYLE = "lifestyle"
    PROFESSIONAL = "professional"


remedy_helps = link_table("remedy_helps", ("remedies", "remedy_id"), ("causes", "cause_id"))


class Remedy(ContentMixin, Base):
    __tablename__ = "remedies"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("name", "summary", "how_to", "frequency", "timing")

    name: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    how_to: Mapped[list[str]] = mapped_column(default=list)
    kind: Mapped[RemedyKind] = mapped_column(str_enum(RemedyKind), index=True)
    duration_minutes_min: Mapped[int | None]
    duration_minutes_max: Mapped[int | None]
    frequency: Mapped[str | None] = mapped_column(sa.Text)
    # The window after onset, in hours, in which the remedy applies; None is open-ended.
    start_hour: Mapped[int | None]
    end_hour: Mapped[int | None]
    timing: Mapped[str] = mapped_column(sa.Text)
    recovery_order: Mapped[int] = mapped_column(default=0)

    helps_with: Mapped[list[Cause]] = relationship(
        secondary=remedy_helps, back_populates="remedies", order_by=Cause.id, lazy="raise"
    )
