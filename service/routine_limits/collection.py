"""The routine-limits collection declared: its model, shapes, relations and public reads."""

from __future__ import annotations

from service.content.collection import SOURCES, Collection, PublicApi, Refs
from service.routine_limits import queries, schemas
from service.routine_limits.models import RoutineLimit

COLLECTION = Collection(
    name="routine-limits",
    model=RoutineLimit,
    input_schema=schemas.RoutineLimitInSchema,
    relations={**SOURCES, "pain_bands": Refs("pain-bands")},
    public=PublicApi(
        singular="routine_limit",
        description=(
            "The dose a recommended routine keeps to: its longest total time and how often a "
            "stretch may repeat, always or with pain in a band."
        ),
        list_schema=schemas.RoutineLimitSummarySchema,
        detail_schema=schemas.RoutineLimitSchema,
        args_schema=schemas.RoutineLimitQueryArgsSchema,
        list_spec=queries.LIST,
        detail=queries.detail,
    ),
)
