"""The exercises collection declared: its model, shapes, relations and public reads."""

from __future__ import annotations

from service.content.collection import SOURCES, Collection, Links, PublicApi, Refs
from service.exercises import queries, schemas
from service.exercises.models import Exercise, ExerciseContraindication, ExerciseMedia

COLLECTION = Collection(
    name="exercises",
    model=Exercise,
    input_schema=schemas.ExerciseInSchema,
    relations={
        **SOURCES,
        "helps_with": Refs("causes"),
        "contraindications": Links(ExerciseContraindication, key="cause", collection="causes"),
        "media": Links(ExerciseMedia, key="asset", collection="media", ordered=True),
    },
    public=PublicApi(
        singular="exercise",
        description="Strengthening exercises for the core, glutes and lower back.",
        list_schema=schemas.ExerciseSummarySchema,
        detail_schema=schemas.ExerciseSchema,
        args_schema=schemas.ExerciseQueryArgsSchema,
        list_spec=queries.LIST,
        detail=queries.detail,
    ),
)
