"""How FAQs are listed (in their screen order) and searched."""

from __future__ import annotations

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from service.content.queries import ListSpec
from service.faqs.models import Faq

LIST = ListSpec(search=("question", "answer"), order_by=("position", "question"))


def detail() -> tuple[LoaderOption, ...]:
    return (selectinload(Faq.sources),)
