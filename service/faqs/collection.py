"""The faqs collection declared: its model, shapes, relations and public reads."""

from __future__ import annotations

from service.content.collection import SOURCES, Collection, PublicApi
from service.faqs import queries, schemas
from service.faqs.models import Faq

COLLECTION = Collection(
    name="faqs",
    model=Faq,
    input_schema=schemas.FaqInSchema,
    relations=SOURCES,
    public=PublicApi(
        singular="faq",
        description="Frequently asked questions about back pain after stretching.",
        list_schema=schemas.FaqSummarySchema,
        detail_schema=schemas.FaqSchema,
        args_schema=schemas.FaqQueryArgsSchema,
        list_spec=queries.LIST,
        detail=queries.detail,
    ),
)
