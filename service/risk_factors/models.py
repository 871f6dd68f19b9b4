"""The RiskFactor model and its weighted links to causes."""

from __future__ import annotations

from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.causes.models import Cause
from service.content.models import ContentMixin, Urgency, str_enum
from service.db import Base


class RiskFactor(ContentMixin, Base):
    """Something in a person's history or situation that raises the triage level on its own."""

    __tablename__ = "risk_factors"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("name", "description", "question", "reason")

    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    question: Mapped[str | None] = mapped_column(sa.Text)
    # Why it matters, in one sentence: triage reasons quote it.
    reason: Mapped[str] = mapped_column(sa.Text)
    # The least the advice becomes when the person has this risk factor.
    urgency: Mapped[Urgency] = mapped_column(str_enum(Urgency), index=True)
    # Only gentle activities are suggested while it has not been checked.
    gentle_only: Mapped[bool] = mapped_column(default=False)
    # Age rules: present by itself when the age given is below `age_under` or above `age_over`.
    age_under: Mapped[int | None]
    age_over: Mapped[int | None]
    display_order: Mapped[int] = mapped_column(default=0)

    causes: Mapped[list[RiskFactorCause]] = relationship(
        back_populates="risk_factor",
        cascade="all, delete-orphan",
        order_by="(RiskFactorCause.weight.desc(), RiskFactorCause.cause_id)",
        lazy="raise",
    )


class RiskFactorCause(Base):
    """How strongly a risk factor points to a cause (0 to 1): its contraindications then apply."""

    __versioned__: ClassVar[bool] = True
    __tablename__ = "risk_factor_causes"

    risk_factor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("risk_factors.id", ondelete="CASCADE"), primary_key=True
    )
    cause_id: Mapped[int] = mapped_column(
        sa.ForeignKey("causes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    weight: Mapped[float]

    risk_factor: Mapped[RiskFactor] = relationship(back_populates="causes")
    cause: Mapped[Cause] = relationship(lazy="joined", innerjoin=True)
