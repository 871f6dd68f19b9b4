"""How remedies are listed (in the order of use), filtered and loaded."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from service.causes.models import Cause
from service.content.queries import ListSpec, published
from service.remedies.models import Remedy


def applies_at(hours: int) -> sa.ColumnElement[bool]:
    """The remedy's window after onset includes `hours`."""
    return sa.and_(
        sa.or_(Remedy.start_hour.is_(None), Remedy.start_hour <= hours),
        sa.or_(Remedy.end_hour.is_(None), Remedy.end_hour > hours),
    )


LIST = ListSpec(
    filters={
        "kind": lambda value: Remedy.kind == value,
        "helps_with": lambda slug: Remedy.helps_with.any(Cause.slug == slug),
        "hours_since_onset": applies_at,
        "not_recommended": lambda value: Remedy.not_recommended.is_(value),
    },
    references={"helps_with": Cause},
    order_by=("recovery_order", "name"),
)


def detail() -> tuple[LoaderOption, ...]:
    return (
        selectinload(Remedy.sources),
        selectinload(published(Remedy.helps_with)),
    )
