"""The stretches collection declared: its model, shapes, relations and public reads."""

from __future__ import annotations

from service.content.collection import SOURCES, Collection, Links, PublicApi, Refs
from service.stretches import queries, schemas
from service.stretches.models import Stretch, StretchContraindication, StretchMedia

COLLECTION = Collection(
    name="stretches",
    model=Stretch,
    input_schema=schemas.StretchInSchema,
    relations={
        **SOURCES,
        "helps_with": Refs("causes"),
        "contraindications": Links(StretchContraindication, key="cause", collection="causes"),
        "media": Links(StretchMedia, key="asset", collection="media", ordered=True),
    },
    public=PublicApi(
        singular="stretch",
        description=(
            "Stretches: how to do each one, how long to hold it, what it helps with and when "
            "to avoid it."
        ),
        list_schema=schemas.StretchSummarySchema,
        detail_schema=schemas.StretchSchema,
        args_schema=schemas.StretchQueryArgsSchema,
        list_spec=queries.LIST,
        detail=queries.detail,
    ),
)
