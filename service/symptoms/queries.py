"""How symptoms are listed (for a questionnaire: by group, in display order) and loaded."""

from __future__ import annotations

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from service.content.queries import ListSpec, published_links
from service.symptoms.models import Symptom

LIST = ListSpec(
    filters={
        "group": lambda value: Symptom.group == value,
        "red_flag": lambda value: Symptom.red_flag.is_(value),
        "urgency": lambda value: Symptom.urgency == value,
    },
    search=("name", "description"),
    order_by=("group_rank", "display_order", "name"),
)


def detail() -> tuple[LoaderOption, ...]:
    return (
        selectinload(Symptom.sources),
        selectinload(published_links(Symptom.causes, "cause")),
    )
