"""How stretches are listed, filtered and loaded for their detail page."""

from __future__ import annotations

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from service.causes.models import Cause
from service.content.models import JsonArrayContains
from service.content.queries import ListSpec, published
from service.stretches.models import Stretch, StretchContraindication

LIST = ListSpec(
    filters={
        "intensity": lambda value: Stretch.intensity == value,
        "body_area": lambda value: JsonArrayContains(Stretch.body_areas, value),
        "helps_with": lambda slug: Stretch.helps_with.any(Cause.slug == slug),
        "safe_for": lambda slug: (
            ~Stretch.contraindications.any(StretchContraindication.cause.has(Cause.slug == slug))
        ),
    },
    references={"helps_with": Cause, "safe_for": Cause},
)


def detail() -> tuple[LoaderOption, ...]:
    return (
        selectinload(Stretch.sources),
        selectinload(published(Stretch.helps_with)),
        selectinload(Stretch.contraindications),
    )
