"""The files of pictures: storing an upload's renditions, serving one, removing them.

No Flask here: each function takes the storage it works on. The session that holds a
deleted asset knows its storage (`attach`), and the asset's files go once its deletion has
committed and no other asset shows the same file: never before (a rolled-back delete keeps
them), never left behind (no orphans).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from service.errors import NotFound
from service.media import images
from service.media.models import MediaAsset
from service.media.storage import Storage, StorageUnavailable

log = logging.getLogger(__name__)

STORAGE_KEY = "media.storage"
_GONE_KEY = "media.gone"
_DELETE_KEY = "media.delete"


def key(sha256: str, name: str) -> str:
    return f"{sha256}/{name}"


def attach(factory: sessionmaker[Session], storage: Storage) -> None:
    """Sessions made by `factory` remove the files of the assets they delete, on commit."""
    info = dict(factory.kw.get("info") or {})
    info[STORAGE_KEY] = storage
    factory.configure(info=info)


def storage_of(session: Session) -> Storage | None:
    storage: Storage | None = session.info.get(STORAGE_KEY)
    return storage


def check_stored(
    session: Session, assets: Sequence[Mapping[str, Any]]
) -> list[tuple[int, str, list[str]]]:
    """Each asset names a stored picture, and says what that file is (its format, size...).

    Checked where the session knows its storage (every app's session does).
    """
    storage = storage_of(session)
    if storage is None:
        return []
    facts: dict[str, dict[str, Any] | None] = {}
    problems: list[tuple[int, str, list[str]]] = []
    for index, asset in enumerate(assets):
        sha256 = asset["sha256"]
        if sha256 not in facts:
            facts[sha256] = _facts(storage, sha256)
        found = facts[sha256]
        if found is None:
            problems.append(
                (
                    index,
                    "sha256",
                    [
                        "No stored picture has this sha256: upload the picture, or import the "
                        "media archive before the bundle."
                    ],
                )
            )
            continue
        for name, value in found.items():
            if asset.get(name) != value:
                problems.append((index, name, [f"Must be {value!r}, as the stored file is."]))
    return problems


def _facts(storage: Storage, sha256: str) -> dict[str, Any] | None:
    found = find_original(storage, sha256)
    if found is None:
        return None
    pixels, fmt = images.stored_original(found[1])
    return {
        "format": fmt,
        "width": pixels.width,
        "height": pixels.height,
        "byte_size": len(found[1]),
        "transparent": pixels.mode == "RGBA",
    }


def original_name(cleaned: images.Cleaned) -> str:
    return f"original.{images.EXTENSIONS[cleaned.format]}"


def store(storage: Storage, cleaned: images.Cleaned) -> None:
    """Keep the cleaned original and every rendition of it, made from one decode."""
    renditions = images.renditions(
        cleaned.width, cleaned.height, cleaned.format, cleaned.transparent
    )
    pixels = images.pixels_of(cleaned.data)
    for rendition in renditions[1:]:
        name = key(cleaned.sha256, rendition.name)
        storage.put(name, images.render(pixels, rendition), rendition.mime)
    # The original last: a picture whose original is stored has all its files.
    storage.put(key(cleaned.sha256, renditions[0].name), cleaned.data, renditions[0].mime)


def find_original(storage: Storage, sha256: str) -> tuple[str, bytes] | None:
    for extension in images.EXTENSIONS.values():
        name = f"original.{extension}"
        data = storage.get(key(sha256, name))
        if data is not None:
            return name, data
    return None


def rendition_file(storage: Storage, sha256: str, name: str) -> tuple[bytes, str]:
    """The bytes and type of one file of a stored picture. A stored file is served as it is;
    a missing rendition is made again from the original (the same bytes as at upload),
    stored, and served."""
    mime = images.MIME.get(_FORMAT_OF_EXTENSION.get(name.rsplit(".", 1)[-1], ""))
    if mime is not None:
        data = storage.get(key(sha256, name))
        if data is not None:
            return data, mime
    found = find_original(storage, sha256)
    if found is None:
        raise NotFound(f"No stored picture has the sha256 {sha256!r}.")
    pixels, fmt = images.stored_original(found[1])
    wanted = {
        r.name: r
        for r in images.renditions(pixels.width, pixels.height, fmt, pixels.mode == "RGBA")
    }
    rendition = wanted.get(name)
    if rendition is None:
        raise NotFound(
            f"The picture {sha256} has no file {name!r}; it has {', '.join(sorted(wanted))}."
        )
    data = images.render(pixels, rendition)
    storage.put(key(sha256, name), data, rendition.mime)
    return data, rendition.mime


_FORMAT_OF_EXTENSION = {extension: fmt for fmt, extension in images.EXTENSIONS.items()}


@event.listens_for(Session, "after_flush")
def _note_deleted(session: Session, _context: Any) -> None:
    if STORAGE_KEY not in session.info:
        return
    gone = {obj.sha256 for obj in session.deleted if isinstance(obj, MediaAsset)}
    # An asset pointed at another picture: the one it named before may be unused now.
    for obj in session.dirty:
        if isinstance(obj, MediaAsset):
            gone.update(sa.inspect(obj).attrs.sha256.history.deleted or ())
    if gone:
        session.info.setdefault(_GONE_KEY, set()).update(gone)


@event.listens_for(Session, "before_commit")
def _unused_files(session: Session) -> None:
    if not session.info.get(_GONE_KEY):
        return
    session.flush()
    gone: set[str] = session.info.pop(_GONE_KEY, set())
    kept = set(session.scalars(sa.select(MediaAsset.sha256).where(MediaAsset.sha256.in_(gone))))
    session.info[_DELETE_KEY] = gone - kept


@event.listens_for(Session, "after_commit")
def _remove_files(session: Session) -> None:
    unused: set[str] = session.info.pop(_DELETE_KEY, set())
    storage = storage_of(session)
    if storage is None:
        return
    for sha256 in sorted(unused):
        try:
            storage.delete_prefix(f"{sha256}/")
        except StorageUnavailable:
            # The change is committed; the files stay until a later delete finds the store.
            log.warning("picture %s: files not removed, the store is unavailable", sha256)


@event.listens_for(Session, "after_soft_rollback")
def _keep_files(session: Session, _previous: Any) -> None:
    session.info.pop(_GONE_KEY, None)
    session.info.pop(_DELETE_KEY, None)
