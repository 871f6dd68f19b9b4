"""The Routine model and its ordered steps."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.content.models import ContentMixin, str_enum
from service.db import Base
from service.media.links import MediaLinkMixin
from service.stretches.models import Stretch


class RoutineLevel(enum.StrEnum):
    BEGINNER = "beginner"
    GENERAL = "general"


class Routine(ContentMixin, Base):
    __tablename__ = "routines"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("name", "summary")

    name: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    level: Mapped[RoutineLevel] = mapped_column(str_enum(RoutineLevel), index=True)

    steps: Mapped[list[RoutineStep]] = relationship(
        back_populates="routine",
        cascade="all, delete-orphan",
        order_by="RoutineStep.position",
        lazy="raise",
    )

    media: Mapped[list[RoutineMedia]] = relationship(
        cascade="all, delete-orphan", order_by="RoutineMedia.position", lazy="raise"
    )

    @property
    def total_seconds(self) -> int:
        return sum(step.total_seconds for step in self.steps)


class RoutineStep(Base):
    __versioned__: ClassVar[bool] = True
    __tablename__ = "routine_steps"
    __table_args__ = (sa.UniqueConstraint("routine_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    routine_id: Mapped[int] = mapped_column(sa.ForeignKey("routines.id", ondelete="CASCADE"))
    position: Mapped[int]
    # A stretch used by a routine cannot be deleted from under it.
    stretch_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stretches.id", ondelete="RESTRICT"), index=True
    )
    seconds: Mapped[int]
    per_side: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict)

    routine: Mapped[Routine] = relationship(back_populates="steps")
    stretch: Mapped[Stretch] = relationship(lazy="joined", innerjoin=True)

    @property
    def total_seconds(self) -> int:
        """A per-side step is done on each side, so it counts twice."""
        return self.seconds * (2 if self.per_side else 1)


class RoutineMedia(MediaLinkMixin, Base):
    """A picture the routine shows: of the whole routine, or of one of its steps (`step`)."""

    __tablename__ = "routine_media"

    routine_id: Mapped[int] = mapped_column(
        sa.ForeignKey("routines.id", ondelete="CASCADE"), primary_key=True
    )
    # The position of the step it shows (from 1), or None for the routine as a whole.
    step: Mapped[int | None]
