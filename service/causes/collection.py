"""The causes collection declared: its model, shapes, relations and public reads."""

from __future__ import annotations

from service.causes import queries, schemas
from service.causes.models import Cause
from service.content.collection import SOURCES, Collection, PublicApi

COLLECTION = Collection(
    name="causes",
    model=Cause,
    input_schema=schemas.CauseInSchema,
    relations=SOURCES,
    public=PublicApi(
        singular="cause",
        description=(
            "Why the back can hurt after stretching: each cause with the symptoms that point "
            "to it and what helps."
        ),
        list_schema=schemas.CauseSummarySchema,
        detail_schema=schemas.CauseSchema,
        args_schema=schemas.CauseQueryArgsSchema,
        list_spec=queries.LIST,
        detail=queries.detail,
    ),
)
