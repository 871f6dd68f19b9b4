"""The risk-factors collection declared: its model, shapes, relations and public reads."""

from __future__ import annotations

from service.content.collection import SOURCES, Collection, Links, PublicApi
from service.risk_factors import queries, schemas
from service.risk_factors.models import RiskFactor, RiskFactorCause

COLLECTION = Collection(
    name="risk-factors",
    model=RiskFactor,
    input_schema=schemas.RiskFactorInSchema,
    relations={**SOURCES, "causes": Links(RiskFactorCause, key="cause", collection="causes")},
    public=PublicApi(
        singular="risk_factor",
        description=(
            "History and circumstances that make back pain more worrying: each says what it "
            "raises the advice to and why. Some apply from the age alone."
        ),
        list_schema=schemas.RiskFactorSummarySchema,
        detail_schema=schemas.RiskFactorSchema,
        args_schema=schemas.RiskFactorQueryArgsSchema,
        list_spec=queries.LIST,
        detail=queries.detail,
    ),
)
