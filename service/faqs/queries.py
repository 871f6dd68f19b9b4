"""How FAQs are listed (in their screen order) and searched."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from service.content.queries import ListSpec
from service.faqs.models import Faq

LIST = ListSpec(search=("question", "answer"), order_by=("position", "question"))

DETAIL = (selectinload(Faq.sources),)
