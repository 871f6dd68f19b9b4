"""The symptoms collection declared: its model, shapes, relations and public reads."""

from __future__ import annotations

from service.content.collection import SOURCES, Collection, Links, PublicApi
from service.symptoms import queries, schemas
from service.symptoms.models import Symptom, SymptomCause

COLLECTION = Collection(
    name="symptoms",
    model=Symptom,
    input_schema=schemas.SymptomInSchema,
    relations={**SOURCES, "causes": Links(SymptomCause, key="cause", collection="causes")},
    public=PublicApi(
        singular="symptom",
        description=(
            "Symptoms for a questionnaire: grouped, in display order, red flags marked with "
            "their urgency."
        ),
        list_schema=schemas.SymptomSummarySchema,
        detail_schema=schemas.SymptomSchema,
        args_schema=schemas.SymptomQueryArgsSchema,
        list_spec=queries.LIST,
        detail=queries.detail,
    ),
)
