"""The MediaAsset model: one picture, named by the sha256 of its cleaned bytes."""

from __future__ import annotations

from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.content.models import ContentMixin
from service.db import Base
from service.media import images


class MediaAsset(ContentMixin, Base):
    __tablename__ = "media_assets"
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("alt", "caption")

    # The stored original: the uploaded picture re-encoded without its metadata. Several
    # assets may show one file (another alt text for another use); an upload of a file
    # already stored answers with the asset that has it.
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    format: Mapped[str] = mapped_column(sa.String(8))  # jpeg, png or webp
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]
    transparent: Mapped[bool] = mapped_column(default=False)
    # Text for people who cannot see the picture: needed before the asset is published.
    alt: Mapped[str | None] = mapped_column(sa.String(500))
    caption: Mapped[str | None] = mapped_column(sa.String(1000))
    licence: Mapped[str] = mapped_column(sa.String(64))
    attribution: Mapped[str | None] = mapped_column(sa.String(300))
    source_url: Mapped[str | None] = mapped_column(sa.String(500))
    # The point crops keep in view, as fractions of the width and height from the top left.
    focal_x: Mapped[float] = mapped_column(default=0.5)
    focal_y: Mapped[float] = mapped_column(default=0.5)

    @property
    def variants(self) -> list[dict[str, object]]:
        return variants(self)


# Where the files of a picture are served; a rendition's URL is this, its sha256 and its name.
FILES_PATH = "/v1/media/files"


def _renditions(asset: MediaAsset) -> list[images.Rendition]:
    return images.renditions(asset.width, asset.height, asset.format, asset.transparent)


def variants(asset: MediaAsset) -> list[dict[str, object]]:
    """The files of an asset as the public API lists them: URL, size and type of each."""
    return [
        {
            "name": rendition.name,
            "url": f"{FILES_PATH}/{asset.sha256}/{rendition.name}",
            "width": rendition.width,
            "height": rendition.height,
            "type": rendition.mime,
        }
        for rendition in _renditions(asset)
    ]
