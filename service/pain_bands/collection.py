"""The pain-bands collection declared: its model, shapes, relations and public reads."""

from __future__ import annotations

from service.content.collection import SOURCES, Collection, PublicApi
from service.pain_bands import queries, schemas
from service.pain_bands.models import PainBand

COLLECTION = Collection(
    name="pain-bands",
    model=PainBand,
    input_schema=schemas.PainBandInSchema,
    relations=SOURCES,
    public=PublicApi(
        singular="pain_band",
        description=(
            "The 0-10 pain level in plain words (mild, moderate, severe), and what each band "
            "changes in the advice."
        ),
        list_schema=schemas.PainBandSummarySchema,
        detail_schema=schemas.PainBandSchema,
        args_schema=schemas.PainBandQueryArgsSchema,
        list_spec=queries.LIST,
        detail=queries.detail,
    ),
)
