"""How an item shows a picture: link objects naming a media asset, with a role and an order.

Stretches, exercises and routines each keep their own link table (`stretch_media`...); what
the tables share is written once here. The asset is named by string: the media domain does
not import the items that show its pictures, nor they its model.
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from service.content.models import str_enum


class MediaRole(enum.StrEnum):
    ILLUSTRATION = "illustration"  # the movement as a whole
    STEP = "step"  # one step of it
    THUMBNAIL = "thumbnail"  # the small picture of a list


class MediaLinkMixin:
    """One picture an item shows; `position` (from 1) is its order among the item's pictures.

    The item's own key column (`stretch_id`...) comes first, in the class. An asset that an
    item shows cannot be deleted from under it (RESTRICT; the admin API answers 409 first).
    """

    __versioned__: ClassVar[bool] = True

    position: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(
        sa.ForeignKey("media_assets.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[MediaRole] = mapped_column(str_enum(MediaRole))

    @declared_attr
    def asset(cls) -> Mapped[Any]:
        return relationship("MediaAsset", lazy="joined", innerjoin=True)

    @property
    def order(self) -> int:
        return self.position
