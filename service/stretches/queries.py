"""How stretches are listed, filtered and loaded for their detail page."""

from __future__ import annotations

from sqlalchemy.orm.interfaces import LoaderOption

from service import activities
from service.content.queries import ListSpec
from service.stretches.models import Stretch, StretchContraindication

LIST = ListSpec(
    filters={
        "intensity": lambda value: Stretch.intensity == value,
        **activities.filters(Stretch, StretchContraindication),
    },
    references=activities.CAUSE_REFERENCES,
)


def detail() -> tuple[LoaderOption, ...]:
    return activities.detail(Stretch)
