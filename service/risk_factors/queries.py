"""How risk factors are listed (in questionnaire order), filtered and loaded."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from service.causes.models import Cause
from service.content.models import Status
from service.content.queries import ListSpec
from service.risk_factors.models import RiskFactor, RiskFactorCause

LIST = ListSpec(
    filters={"urgency": lambda value: RiskFactor.urgency == value},
    search=("name", "description"),
    order_by=("display_order", "name"),
)

DETAIL = (
    selectinload(RiskFactor.sources),
    selectinload(
        RiskFactor.causes.and_(
            RiskFactorCause.cause_id.in_(
                Cause.__table__.select()
                .with_only_columns(Cause.id)
                .where(Cause.status == Status.PUBLISHED)
            )
        )
    ),
)
