"""How pain bands are listed (from the lowest level up) and loaded."""

from __future__ import annotations

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from service.content.queries import ListSpec
from service.pain_bands.models import PainBand

LIST = ListSpec(search=("name", "description"), order_by=("min_level", "max_level", "name"))


def detail() -> tuple[LoaderOption, ...]:
    return (selectinload(PainBand.sources),)
