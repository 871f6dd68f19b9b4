"""The columns and relations every content item carries, and SQL helpers for them."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from service.db import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


def str_enum(enum_cls: type[enum.Enum]) -> sa.Enum:
    """Store an enum by its value (a readable string), not its member name."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Status(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Urgency(enum.StrEnum):
    """What a sign, a risk factor or a pain band calls for, from the least to the most urgent.

    The four steps of public triage for back pain (NHS): look after it at home, see a GP or
    physiotherapist, get seen the same day (urgent GP or 111), call 999 or go to A&E.
    """

    SELF_CARE = "self_care"
    SEE_PROFESSIONAL = "see_professional"
    URGENT = "urgent"
    EMERGENCY = "emergency"


class Trend(enum.StrEnum):
    """How the pain has changed over time, as the person tells it."""

    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


class Source(Base):
    """A publication that content items cite."""

    __tablename__ = "sources"
    __versioned__: ClassVar[bool] = True
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("title",)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    url: Mapped[str | None] = mapped_column(sa.String(500))
    publisher: Mapped[str | None] = mapped_column(sa.String(200))
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


def link_table(name: str, left: tuple[str, str], right: tuple[str, str]) -> sa.Table:
    """A many-to-many table between two content tables, indexed both ways.

    `left` and `right` are (table, column) pairs, e.g. ("stretches", "stretch_id").
    """
    return sa.Table(
        name,
        Base.metadata,
        sa.Column(left[1], sa.ForeignKey(f"{left[0]}.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            right[1],
            sa.ForeignKey(f"{right[0]}.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
    )


class ContentMixin:
    """Slug, publication status, tags, sources and translations of a content item."""

    __tablename__: Any
    # Text fields that can be translated; the rest of the item is language-neutral.
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ()
    # JSON array columns that lists filter on; each gets a GIN index on PostgreSQL.
    ARRAY_FILTERS: ClassVar[tuple[str, ...]] = ("tags",)

    # Every change to an item bumps the catalogue's content version (content/versioning.py).
    __versioned__: ClassVar[bool] = True

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    # The content version of the item's last change: delta sync pages by it.
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0", index=True)
    status: Mapped[Status] = mapped_column(str_enum(Status), default=Status.PUBLISHED, index=True)
    tags: Mapped[list[str]] = mapped_column(default=list)
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Clinical review: health content goes stale, so each item says when it was last checked,
    # by whom, and when it is due again.
    last_reviewed: Mapped[date | None]
    next_review: Mapped[date | None] = mapped_column(index=True)
    reviewed_by: Mapped[str | None] = mapped_column(sa.String(200))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        # GIN lets PostgreSQL answer array filters (tag, body_area) from an index.
        return tuple(
            sa.Index(f"ix_{cls.__tablename__}_{column}", column, postgresql_using="gin")
            for column in cls.ARRAY_FILTERS
        )

    @declared_attr
    def sources(cls) -> Mapped[list[Source]]:
        table = cls.__tablename__
        link = sa.Table(
            f"{table}_sources",
            Base.metadata,
            sa.Column(
                "item_id", sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), primary_key=True
            ),
            sa.Column(
                "source_id",
                sa.ForeignKey("sources.id", ondelete="RESTRICT"),
                primary_key=True,
                index=True,
            ),
        )
        return relationship(Source, secondary=link, order_by=Source.id, lazy="raise")


class JsonArrayContains(sa.ColumnElement[bool]):
    """`value` is one of the strings of a JSON array column."""

    type = sa.Boolean()
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's own attribute, a list by contract
        ("column", InternalTraversal.dp_clauseelement),
        ("value", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: Any, value: str) -> None:
        self.column = column
        self.value = sa.bindparam(None, value, type_=sa.String(), unique=True)


@compiles(JsonArrayContains)
def _contains_sqlite(element: JsonArrayContains, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    value = compiler.process(element.value, **kw)
    return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = {value})"


@compiles(JsonArrayContains, "postgresql")
def _contains_postgresql(element: JsonArrayContains, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    value = compiler.process(element.value, **kw)
    return f"({column} @> jsonb_build_array(CAST({value} AS TEXT)))"
