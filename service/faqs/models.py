"""The Faq model."""

from __future__ import annotations

from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.content.models import ContentMixin
from service.db import Base


class Faq(ContentMixin, Base):
    __tablename__ = "faqs"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("question", "answer", "key_points")

    question: Mapped[str] = mapped_column(sa.String(300))
    answer: Mapped[str] = mapped_column(sa.Text)
    key_points: Mapped[list[str]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(default=0, index=True)
