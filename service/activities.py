"""What stretches and exercises share: body areas, contraindications, filters and loaders."""

from __future__ import annotations

from typing import Any

from marshmallow import fields
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from service.content.inputs import Ref, text
from service.content.models import JsonArrayContains
from service.content.queries import Filter, published
from service.content.schemas import CauseRefSchema, Schema, Text

BODY_AREAS = (
    "lower-back",
    "upper-back",
    "spine",
    "hips",
    "hamstrings",
    "glutes",
    "core",
    "shoulders",
)


class ContraindicationSchema(Schema):
    cause = fields.Nested(CauseRefSchema, required=True)
    reason = Text(required=True)


class ContraindicationInSchema(Schema):
    cause = Ref(required=True)
    reason = text(2000)
    translations = fields.Dict(keys=fields.String(), values=fields.Dict(), load_default=dict)


# List arguments whose value is a cause's slug.
CAUSE_REFERENCES = {"helps_with": "Cause", "safe_for": "Cause"}


def filters(model: Any, contraindication: Any) -> dict[str, Filter]:
    """The list filters an activity has: by body area, by what it helps, by what it is safe for."""
    return {
        "body_area": lambda value: JsonArrayContains(model.body_areas, value),
        "helps_with": lambda slug: model.helps_with.any(slug=slug),
        "safe_for": lambda slug: (
            ~model.contraindications.any(contraindication.cause.has(slug=slug))
        ),
    }


def detail(model: Any) -> tuple[LoaderOption, ...]:
    """An activity's detail: its sources, the published causes it helps, its contraindications."""
    return (
        selectinload(model.sources),
        selectinload(published(model.helps_with)),
        selectinload(model.contraindications),
    )
