"""The remedies collection declared: its model, shapes, relations and public reads."""

from __future__ import annotations

from service.content.collection import SOURCES, Collection, PublicApi, Refs
from service.remedies import queries, schemas
from service.remedies.models import Remedy

COLLECTION = Collection(
    name="remedies",
    model=Remedy,
    input_schema=schemas.RemedyInSchema,
    relations={**SOURCES, "helps_with": Refs("causes")},
    public=PublicApi(
        singular="remedy",
        description="Recovery remedies in the order to use them, with their timing after onset.",
        list_schema=schemas.RemedySummarySchema,
        detail_schema=schemas.RemedySchema,
        args_schema=schemas.RemedyQueryArgsSchema,
        list_spec=queries.LIST,
        detail=queries.detail,
    ),
)
