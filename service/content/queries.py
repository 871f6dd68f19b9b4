"""Reading published content: filtered, searched, paginated lists and details by slug."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import LoaderOption

from service.content.models import ContentMixin, JsonArrayContains, Status
from service.content.schemas import page_count
from service.db import Base
from service.errors import InvalidInput, NotFound

T = TypeVar("T", bound=ContentMixin)
Filter = Callable[[Any], sa.ColumnElement[bool]]


@dataclass(frozen=True)
class ListSpec:
    """What a collection's list endpoint filters, searches and sorts by."""

    filters: Mapping[str, Filter] = field(default_factory=dict)
    # Arguments whose value must be the slug of an existing item of that model (or of the
    # model of that name, for another domain's model that the collection does not import).
    references: Mapping[str, type[ContentMixin] | str] = field(default_factory=dict)
    search: Sequence[str] = ("name", "summary")
    order_by: Sequence[str] = ("name",)
    # What a page loads with each item; a function, called at first use (the mapper resolves
    # relationships named by string only once every model is imported).
    options: Callable[[], Sequence[LoaderOption]] = lambda: ()


@dataclass
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.page_size)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def check_references(
    session: Session,
    args: Mapping[str, Any],
    references: Mapping[str, type[ContentMixin] | str],
) -> None:
    """A filter naming an unknown item is an error, not an empty or unfiltered answer.

    A draft is unknown too: the answer must not tell that it exists.
    """
    errors: dict[str, list[str]] = {}
    for name, reference in references.items():
        value = args.get(name)
        if value is None:
            continue
        model = model_named(reference) if isinstance(reference, str) else reference
        found = session.scalar(
            sa.select(model.id).where(model.slug == value, model.status == Status.PUBLISHED)
        )
        if found is None:
            errors[f"query.{name}"] = [f"No {model.__tablename__} item has the slug {value!r}."]
    if errors:
        raise InvalidInput("Unknown slug in a filter: " + ", ".join(sorted(errors)), errors=errors)


def list_page(session: Session, model: type[T], args: Mapping[str, Any], spec: ListSpec) -> Page[T]:
    check_references(session, args, spec.references)
    stmt = sa.select(model).where(model.status == Status.PUBLISHED)
    if args.get("q"):
        pattern = _like_pattern(args["q"])
        stmt = stmt.where(
            sa.or_(*(getattr(model, name).ilike(pattern, escape="\\") for name in spec.search))
        )
    if args.get("tag"):
        stmt = stmt.where(JsonArrayContains(model.tags, args["tag"]))
    for name, build in spec.filters.items():
        value = args.get(name)
        if value is not None:
            stmt = stmt.where(build(value))
    page, page_size = args["page"], args["page_size"]
    order = [getattr(model, name) for name in spec.order_by]
    result, total = paginate(
        session, stmt, (*order, model.id), page, page_size, options=spec.options()
    )
    return Page(items=result.scalars().all(), total=total, page=page, page_size=page_size)


def paginate(
    session: Session,
    stmt: sa.Select[Any],
    order_by: Sequence[Any],
    page: int,
    page_size: int,
    *,
    options: Sequence[LoaderOption] = (),
) -> tuple[sa.Result[Any], int]:
    """One page of `stmt` in `order_by` order (1-based), and how many rows all pages hold."""
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    result = session.execute(
        stmt.order_by(*order_by).limit(page_size).offset((page - 1) * page_size).options(*options)
    )
    return result, total


def get_published(
    session: Session, model: type[T], slug: str, options: Sequence[LoaderOption] = ()
) -> T:
    item = session.scalar(
        sa.select(model)
        .where(model.slug == slug, model.status == Status.PUBLISHED)
        .options(*options)
    )
    if item is None:
        raise NotFound(f"No published {model.__tablename__} item has the slug {slug!r}.")
    return item


def model_named(name: str) -> Any:
    """The mapped class of that name (another domain's model, named by string)."""
    for mapper in Base.registry.mappers:
        if mapper.class_.__name__ == name:
            return mapper.class_
    raise LookupError(f"no model is named {name!r}")


def target(relationship: Any) -> Any:
    """The model at the other end of a relationship, as the mapper resolved it."""
    return relationship.property.mapper.class_


def published(relationship: Any) -> Any:
    """A relationship to content items, limited to the published ones (for a loader)."""
    return relationship.and_(target(relationship).status == Status.PUBLISHED)


def published_links(links: Any, end: str) -> Any:
    """A relationship to link objects, limited to those whose item at `end` is published."""
    far = getattr(target(links), end)
    model = target(far)
    (column,) = far.property.local_columns
    return links.and_(column.in_(sa.select(model.id).where(model.status == Status.PUBLISHED)))
