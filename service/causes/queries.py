"""How causes are listed, filtered and loaded with what points to them and what helps."""

from __future__ import annotations

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from service.causes.models import Cause
from service.content.queries import ListSpec, published, published_links, target

LIST = ListSpec(
    filters={
        "category": lambda value: Cause.category == value,
        "needs_professional": lambda value: Cause.needs_professional.is_(value),
        "symptom": lambda slug: Cause.symptom_links.any(
            target(Cause.symptom_links).symptom.has(slug=slug)
        ),
    },
    references={"symptom": "Symptom"},
)


def detail() -> tuple[LoaderOption, ...]:
    # Built on first use: the symptoms, stretches, exercises and remedies of a cause are other
    # domains' models, which the mapper knows only once they are all imported.
    links = Cause.symptom_links
    return (
        selectinload(Cause.sources),
        selectinload(published_links(links, "symptom")).joinedload(target(links).symptom),
        selectinload(published(Cause.stretches)),
        selectinload(published(Cause.exercises)),
        selectinload(published(Cause.remedies)),
    )
