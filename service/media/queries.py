"""How media assets are listed and loaded for their detail page."""

from __future__ import annotations

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from service.content.queries import ListSpec
from service.media.models import MediaAsset

LIST = ListSpec(search=("alt", "caption"), order_by=("slug",))


def detail() -> tuple[LoaderOption, ...]:
    return (selectinload(MediaAsset.sources),)
