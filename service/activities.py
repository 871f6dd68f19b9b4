"""What stretches and exercises share: columns, links to causes, shapes, filters, loaders.

The two stay two collections with tables of their own (`stretches`, `stretch_helps`,
`stretch_contraindications`; the same for exercises); what they have in common is written
once here, each naming its own tables by its singular.
"""

from __future__ import annotations

from typing import Any, ClassVar

import sqlalchemy as sa
from marshmallow import fields
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from service.content.inputs import Ref, text
from service.content.models import ContentMixin, JsonArrayContains, link_table
from service.content.queries import Filter, ListSpec, published, published_links
from service.content.schemas import CauseRefSchema, Schema, Text
from service.media.schemas import MediaLinkSchema

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


class ActivityMixin(ContentMixin):
    """The columns and relations of an activity: what it is, how to do it, what it is for.

    `SINGULAR` names its tables: `<singular>_helps` links it to the causes it helps with,
    `<Singular>Contraindication` (table `<singular>_contraindications`) to those it avoids.
    """

    SINGULAR: ClassVar[str]
    ARRAY_FILTERS: ClassVar[tuple[str, ...]] = ("tags", "body_areas")

    name: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    steps: Mapped[list[str]] = mapped_column(default=list)
    hold_seconds_min: Mapped[int | None]
    hold_seconds_max: Mapped[int | None]
    repetitions_min: Mapped[int | None]
    repetitions_max: Mapped[int | None]
    per_side: Mapped[bool] = mapped_column(default=False)
    body_areas: Mapped[list[str]] = mapped_column(default=list)
    benefits: Mapped[list[str]] = mapped_column(default=list)
    common_mistakes: Mapped[list[str]] = mapped_column(default=list)

    @declared_attr
    def helps_with(cls) -> Mapped[list[ContentMixin]]:
        return relationship(
            "Cause",
            secondary=f"{cls.SINGULAR}_helps",
            back_populates=cls.__tablename__,
            order_by="Cause.id",
            lazy="raise",
        )

    @declared_attr
    def contraindications(cls) -> Mapped[list[Any]]:
        name = f"{cls.SINGULAR.capitalize()}Contraindication"
        return relationship(
            name,
            back_populates=cls.SINGULAR,
            cascade="all, delete-orphan",
            order_by=f"{name}.cause_id",
            lazy="raise",
        )

    @declared_attr
    def media(cls) -> Mapped[list[Any]]:
        name = f"{cls.SINGULAR.capitalize()}Media"
        return relationship(
            name,
            cascade="all, delete-orphan",
            order_by=f"{name}.position",
            lazy="raise",
        )


def helps_table(singular: str, table: str) -> sa.Table:
    """The activity's links to the causes it helps with."""
    return link_table(f"{singular}_helps", (table, f"{singular}_id"), ("causes", "cause_id"))


class ContraindicationMixin:
    """Avoid the activity when the person has that cause or condition, and why.

    The activity's own key column (`stretch_id`, `exercise_id`) comes first, in the class.
    """

    __versioned__: ClassVar[bool] = True

    cause_id: Mapped[int] = mapped_column(
        sa.ForeignKey("causes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    reason: Mapped[str] = mapped_column(sa.Text)
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ContraindicationSchema(Schema):
    cause = fields.Nested(CauseRefSchema, required=True)
    reason = Text(required=True)


class ContraindicationInSchema(Schema):
    cause = Ref(required=True)
    reason = text(2000)
    translations = fields.Dict(keys=fields.String(), values=fields.Dict(), load_default=dict)


def list_spec(model: Any, contraindication: Any, **own: Filter) -> ListSpec:
    """How an activity's list filters: its own filters, then by body area, by the cause it
    helps with, and leaving out what is contraindicated for a condition (`safe_for`)."""
    return ListSpec(
        filters={
            **own,
            "body_area": lambda value: JsonArrayContains(model.body_areas, value),
            "helps_with": lambda slug: model.helps_with.any(slug=slug),
            "safe_for": lambda slug: (
                ~model.contraindications.any(contraindication.cause.has(slug=slug))
            ),
        },
        references={"helps_with": "Cause", "safe_for": "Cause"},
    )


def detail(model: Any) -> tuple[LoaderOption, ...]:
    """An activity's detail: its sources, the published causes it helps with and those it
    avoids (a draft cause is not named, even as a reason to avoid: it is not public), and its
    published pictures."""
    return (
        selectinload(model.sources),
        selectinload(published(model.helps_with)),
        selectinload(published_links(model.contraindications, "cause")),
        selectinload(published_links(model.media, "asset")),
    )


def media_field() -> fields.List[Any]:
    """The pictures a public detail embeds, in their order (drafts are never shown)."""
    return fields.List(fields.Nested(MediaLinkSchema), required=True)
