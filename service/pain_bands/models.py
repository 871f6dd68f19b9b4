"""The PainBand model."""

from __future__ import annotations

from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.content.models import ContentMixin, Urgency, str_enum
from service.db import Base


class PainBand(ContentMixin, Base):
    """A range of the 0-10 pain level, described in public guidance's own words."""

    __tablename__ = "pain_bands"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("name", "description", "reason")

    name: Mapped[str] = mapped_column(sa.String(200))
    # What pain in this band is like, in plain words (the questionnaire shows it).
    description: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text)
    min_level: Mapped[int]
    max_level: Mapped[int]
    urgency: Mapped[Urgency] = mapped_column(str_enum(Urgency))
    gentle_only: Mapped[bool] = mapped_column(default=False)
