"""The RoutineLimit model and the pain bands it is confined to."""

from __future__ import annotations

from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.content.models import ContentMixin, link_table
from service.db import Base
from service.pain_bands.models import PainBand

routine_limit_bands = link_table(
    "routine_limit_bands", ("routine_limits", "routine_limit_id"), ("pain_bands", "pain_band_id")
)


class RoutineLimit(ContentMixin, Base):
    """A ceiling on the routine an answer offers; every limit that applies holds at once."""

    __tablename__ = "routine_limits"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("name", "description")

    name: Mapped[str] = mapped_column(sa.String(200))
    # Why the routine stops there: routine.note quotes it when the routine is cut short.
    description: Mapped[str] = mapped_column(sa.Text)
    max_total_seconds: Mapped[int]
    # How many times one stretch may appear (never more than three).
    max_repeats: Mapped[int]

    # With none, the limit always applies; otherwise only with pain in one of these bands.
    pain_bands: Mapped[list[PainBand]] = relationship(
        secondary=routine_limit_bands, order_by=PainBand.id, lazy="raise"
    )
