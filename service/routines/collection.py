"""The routines collection declared: its model, shapes, relations and public reads."""

from __future__ import annotations

from service.content.collection import SOURCES, Collection, Links, PublicApi
from service.routines import queries, schemas
from service.routines.models import Routine, RoutineMedia, RoutineStep

COLLECTION = Collection(
    name="routines",
    model=Routine,
    input_schema=schemas.RoutineInSchema,
    relations={
        **SOURCES,
        "steps": Links(RoutineStep, key="stretch", collection="stretches", ordered=True),
        "media": Links(RoutineMedia, key="asset", collection="media", ordered=True),
    },
    public=PublicApi(
        singular="routine",
        description="Ordered stretching routines; total_seconds counts a per-side step twice.",
        list_schema=schemas.RoutineSummarySchema,
        detail_schema=schemas.RoutineSchema,
        args_schema=schemas.RoutineQueryArgsSchema,
        list_spec=queries.LIST,
        detail=queries.detail,
    ),
)
