"""How stretches are listed, filtered and loaded for their detail page."""

from __future__ import annotations

from sqlalchemy.orm.interfaces import LoaderOption

from service import activities
from service.stretches.models import Stretch, StretchContraindication

LIST = activities.list_spec(
    Stretch, StretchContraindication, intensity=lambda value: Stretch.intensity == value
)


def detail() -> tuple[LoaderOption, ...]:
    return activities.detail(Stretch)
