"""An upload becomes an asset: cleaned, stored with its renditions, then created as a draft.

Plain functions that take a session and a storage (no Flask): the route parses the form and
commits. The files are stored before the asset that names them is created, so that no asset
ever names a file that is not there; an upload that fails after storing them removes them
again unless another asset shows the same picture.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.admin import items
from service.admin.audit import Actor
from service.admin.writes import take_turn
from service.catalogue import BY_NAME
from service.content.models import Status
from service.errors import Conflict
from service.media import files, images
from service.media.models import MediaAsset
from service.media.storage import Storage

MEDIA = BY_NAME["media"]
log = logging.getLogger(__name__)


def upload(
    session: Session,
    storage: Storage,
    data: bytes,
    fields: dict[str, Any],
    actor: Actor,
    limits: images.Limits,
) -> tuple[Any, bool]:
    """(the asset, whether it is new): a picture already stored answers with its asset."""
    cleaned = images.clean(data, limits)
    take_turn(session)
    existing = session.scalar(
        sa.select(MediaAsset.slug)
        .where(MediaAsset.sha256 == cleaned.sha256)
        .order_by(MediaAsset.id)
        .limit(1)
    )
    if existing is not None:
        return items.get_item(session, MEDIA, existing), False
    slug = fields.get("slug") or cleaned.sha256
    if session.scalar(sa.select(MediaAsset.id).where(MediaAsset.slug == slug)) is not None:
        raise Conflict(f"A media item with the slug {slug!r} exists already; choose another.")
    raw = {
        **{name: value for name, value in fields.items() if name != "slug"},
        "slug": slug,
        "status": Status.DRAFT.value,
        "sha256": cleaned.sha256,
        "format": cleaned.format,
        "width": cleaned.width,
        "height": cleaned.height,
        "byte_size": len(cleaned.data),
        "transparent": cleaned.transparent,
    }
    # Files already there (an imported archive) stay if this upload fails.
    stored_before = any(
        storage.exists(files.key(cleaned.sha256, f"original.{extension}"))
        for extension in images.EXTENSIONS.values()
    )
    try:
        files.store(storage, cleaned)
        row = items.create_item(session, MEDIA, raw, actor)
    except BaseException:
        if not stored_before:
            remove_unless_shown(session, storage, cleaned.sha256)
        raise
    return row, True


def remove_unless_shown(session: Session, storage: Storage, sha256: str) -> None:
    """Remove the files of `sha256` after a failed write, unless a committed asset shows them.

    The failed write is rolled back first: on PostgreSQL a failed statement leaves the
    transaction unable to answer anything else.
    """
    try:
        session.rollback()
        shown = session.scalar(sa.select(MediaAsset.id).where(MediaAsset.sha256 == sha256))
    except sa.exc.SQLAlchemyError:
        log.warning("kept the files of %s: could not tell whether an asset shows them", sha256)
        return
    if shown is None:
        storage.delete_prefix(f"{sha256}/")
