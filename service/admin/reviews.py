"""Clinical review: the rule that published content must have been reviewed, and what is due."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.catalogue import COLLECTIONS
from service.content.models import ContentMixin, Status
from service.content.queries import paginate

NEEDS_REVIEW = (
    "Publishing needs a clinical review: set last_reviewed and reviewed_by, "
    "or keep the item a draft."
)


def review_problem(data: Mapping[str, Any], *, before: Any | None) -> str | None:
    """Why this write may not happen, if the item would be published without a review.

    An item cannot become published without `last_reviewed`, and a published item cannot
    lose it. Items published before the rule existed (no review date yet) can still be
    edited, so that the rule does not freeze the catalogue until everything is reviewed.
    """
    if data.get("status") is not Status.PUBLISHED or data.get("last_reviewed") is not None:
        return None
    if before is not None and before.status is Status.PUBLISHED and before.last_reviewed is None:
        return None
    return NEEDS_REVIEW


@dataclass(frozen=True)
class Due:
    collection: str
    slug: str
    status: Status
    last_reviewed: date | None
    next_review: date | None
    reviewed_by: str | None
    reason: str


def _reason(last_reviewed: date | None, next_review: date | None, today: date) -> str:
    if last_reviewed is None:
        return "never_reviewed"
    if next_review is None:
        return "unscheduled"
    return "overdue" if next_review < today else "due_soon"


def due(
    session: Session,
    *,
    today: date,
    within_days: int,
    collection: str | None,
    page: int,
    page_size: int,
) -> tuple[list[Due], int]:
    """Items whose review is overdue, due within `within_days`, or was never scheduled.

    Never-reviewed and unscheduled items come first: they are the most overdue of all.
    """
    horizon = today + timedelta(days=within_days)
    selects = []
    for candidate in COLLECTIONS:
        model = candidate.model
        if not issubclass(model, ContentMixin):
            continue
        if collection is not None and candidate.name != collection:
            continue
        selects.append(
            sa.select(
                sa.literal(candidate.name, sa.String()).label("collection"),
                model.slug.label("slug"),
                model.status.label("status"),
                model.last_reviewed.label("last_reviewed"),
                model.next_review.label("next_review"),
                model.reviewed_by.label("reviewed_by"),
            ).where(sa.or_(model.next_review.is_(None), model.next_review <= horizon))
        )
    union = sa.union_all(*selects).subquery()
    order = (
        sa.case((union.c.last_reviewed.is_(None), 0), else_=1),
        sa.case((union.c.next_review.is_(None), 0), else_=1),
        union.c.next_review,
        union.c.collection,
        union.c.slug,
    )
    rows, total = paginate(session, sa.select(union), order, page, page_size)
    items = [
        Due(
            collection=row.collection,
            slug=row.slug,
            status=Status(row.status),
            last_reviewed=row.last_reviewed,
            next_review=row.next_review,
            reviewed_by=row.reviewed_by,
            reason=_reason(row.last_reviewed, row.next_review, today),
        )
        for row in rows
    ]
    return items, total
