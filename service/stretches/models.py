"""The Stretch model, what it helps with and what it is contraindicated for."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.activities import ActivityMixin, ContraindicationMixin, helps_table
from service.causes.models import Cause
from service.content.models import str_enum
from service.db import Base
from service.media.links import MediaLinkMixin


class Intensity(enum.StrEnum):
    GENTLE = "gentle"
    MODERATE = "moderate"
    DEEP = "deep"


stretch_helps = helps_table("stretch", "stretches")


class Stretch(ActivityMixin, Base):
    __tablename__ = "stretches"
    SINGULAR: ClassVar[str] = "stretch"
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

    # Where the steps and times come from, when that is not the item's sources.
    steps_note: Mapped[str | None] = mapped_column(sa.Text)
    breaths_min: Mapped[int | None]
    breaths_max: Mapped[int | None]
    # Time one round takes inside a routine (per side when per_side).
    routine_seconds: Mapped[int]
    intensity: Mapped[Intensity] = mapped_column(str_enum(Intensity), index=True)
    when_to_stop: Mapped[list[str]] = mapped_column(default=list)
    variants: Mapped[list[dict[str, Any]]] = mapped_column(default=list)


class StretchContraindication(ContraindicationMixin, Base):
    __tablename__ = "stretch_contraindications"

    stretch_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stretches.id", ondelete="CASCADE"), primary_key=True
    )

    stretch: Mapped[Stretch] = relationship(back_populates="contraindications")
    cause: Mapped[Cause] = relationship(
        back_populates="stretch_contraindications", lazy="joined", innerjoin=True
    )


class StretchMedia(MediaLinkMixin, Base):
    """A picture the stretch shows."""

    __tablename__ = "stretch_media"

    stretch_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stretches.id", ondelete="CASCADE"), primary_key=True
    )
