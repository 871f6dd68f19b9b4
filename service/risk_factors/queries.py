"""How risk factors are listed (in questionnaire order), filtered and loaded."""

from __future__ import annotations

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from service.content.queries import ListSpec, published_links
from service.risk_factors.models import RiskFactor

LIST = ListSpec(
    filters={"urgency": lambda value: RiskFactor.urgency == value},
    search=("name", "description"),
    order_by=("display_order", "name"),
)


def detail() -> tuple[LoaderOption, ...]:
    return (
        selectinload(RiskFactor.sources),
        selectinload(published_links(RiskFactor.causes, "cause")),
    )
