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
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = (
        "name",
        "summary",
        "how_to",
        "frequency",
        "timing",
        "evidence_note",
    )

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
    # Evidence rules (NICE NG59): what the guideline advises against stays as content, with
    # the note, but is never recommended; manual therapy only as part of a package with
    # exercise; keep-active advice comes first in every answer that gives self-care.
    not_recommended: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    only_with_exercise: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    leads_advice: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    evidence_note: Mapped[str | None] = mapped_column(sa.Text)

    helps_with: Mapped[list[Cause]] = relationship(
        secondary=remedy_helps, back_populates="remedies", order_by=Cause.id, lazy="raise"
    )
