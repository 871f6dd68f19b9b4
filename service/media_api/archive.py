"""The archive of originals: a tar with one member per stored picture, `<sha256>.<ext>`.

A bundle names each asset's file by its sha256; the archive carries the files. Export is the
originals of every asset, drafts included; import checks the whole archive (each member's
name is the sha256 of its bytes, and it is a clean JPEG, PNG or WebP within the limits)
before it stores anything, then stores each picture with its renditions, made again from the
original: the same bytes as on the instance that exported it.
"""

from __future__ import annotations

import hashlib
import io
import re
import tarfile
from dataclasses import dataclass
from http import HTTPStatus

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.errors import InvalidInput, ServiceError
from service.media import files, images
from service.media.models import MediaAsset
from service.media.storage import Storage

MEMBER = re.compile(r"^([0-9a-f]{64})\.(jpg|png|webp)$")
# What a cleaned original never carries (the upload re-encodes it without them).
METADATA = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile")
MAX_PROBLEMS = 100
# Past this an archive is refused before its members are read; a larger catalogue travels in
# several archives.
MAX_MEMBERS = 1000


class ArchiveTooLarge(ServiceError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


def export_archive(session: Session, storage: Storage) -> bytes:
    """A tar of the originals of every asset, in sha256 order, with fixed times and owners."""
    out = io.BytesIO()
    shas = sorted(set(session.scalars(sa.select(MediaAsset.sha256))))
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for sha256 in shas:
            found = files.find_original(storage, sha256)
            if found is None:
                continue
            name, data = found
            member = tarfile.TarInfo(f"{sha256}.{name.rsplit('.', 1)[1]}")
            member.size, member.mtime, member.mode = len(data), 0, 0o644
            tar.addfile(member, io.BytesIO(data))
    return out.getvalue()


@dataclass(frozen=True)
class ArchiveResult:
    stored: list[str]
    unchanged: list[str]

    def summary(self) -> dict[str, object]:
        return {"stored": len(self.stored), "unchanged": len(self.unchanged)}


def _check(name: str, data: bytes, limits: images.Limits) -> tuple[images.Cleaned | None, str]:
    match = MEMBER.match(name)
    if match is None:
        return None, "Not a picture's name: <sha256>.jpg, .png or .webp."
    sha256, extension = match.groups()
    if hashlib.sha256(data).hexdigest() != sha256:
        return None, "The sha256 of the bytes is not the one in the name."
    try:
        image = images.open_checked(data, limits)
    except Exception as error:
        return None, str(getattr(error, "detail", error))
    fmt = images.FORMATS[str(image.format)]
    if images.EXTENSIONS[fmt] != extension:
        return None, f"The bytes are {fmt}, not what .{extension} says."
    if any(key in image.info for key in METADATA) or getattr(image, "text", None):
        return None, "The picture carries metadata (EXIF, XMP, text): not a cleaned original."
    pixels = images.pixels_of(data)
    return (
        images.Cleaned(
            data=data,
            sha256=sha256,
            format=fmt,
            width=pixels.width,
            height=pixels.height,
            transparent=pixels.mode == "RGBA",
        ),
        "",
    )


def import_archive(storage: Storage, data: bytes, limits: images.Limits) -> ArchiveResult:
    """Check every member, then store the pictures not stored yet; all or nothing."""
    found, problems = _read_members(data, limits)
    return import_files(storage, found, limits, problems)


def _read_members(
    data: bytes, limits: images.Limits
) -> tuple[dict[str, bytes], dict[str, list[str]]]:
    """The regular members' bytes by name, and what is wrong with the others; a member is
    read only once its header says it is a plain file within MEDIA_MAX_BYTES."""
    found: dict[str, bytes] = {}
    problems: dict[str, list[str]] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            for count, member in enumerate(tar, start=1):
                _check_count(count)
                if not member.isfile():
                    problems[member.name] = ["Only regular files are taken."]
                elif member.sparse is not None:
                    # Its few stored bytes would expand to member.size when read.
                    problems[member.name] = ["A sparse file is not taken: store it whole."]
                elif member.size > limits.max_bytes:
                    problems[member.name] = [
                        f"The file has {member.size} bytes; the limit is {limits.max_bytes} "
                        "(MEDIA_MAX_BYTES)."
                    ]
                elif member.name in found:
                    problems[member.name] = ["The archive holds this name twice."]
                else:
                    extracted = tar.extractfile(member)
                    found[member.name] = extracted.read() if extracted is not None else b""
    # tarfile lets a malformed PAX header (a sparse map, a size) escape as a ValueError.
    except (tarfile.TarError, EOFError, ValueError) as error:
        raise InvalidInput(f"The body is not a tar archive: {error}.") from None
    return found, problems


def _check_count(count: int) -> None:
    if count > MAX_MEMBERS:
        raise ArchiveTooLarge(
            f"The archive has more than {MAX_MEMBERS} members; send the pictures in several "
            "archives."
        )


def import_files(
    storage: Storage,
    found: dict[str, bytes],
    limits: images.Limits,
    problems: dict[str, list[str]] | None = None,
) -> ArchiveResult:
    """Check every file (`<sha256>.<ext>`: its bytes), then store those not stored yet."""
    problems = dict(problems or {})
    _check_count(len(found) + len(problems))
    pictures: list[images.Cleaned] = []
    for name, content in found.items():
        picture, problem = _check(name, content, limits)
        if picture is None:
            problems[name] = [problem]
        else:
            pictures.append(picture)
    if problems:
        listed = dict(sorted(problems.items())[:MAX_PROBLEMS])
        raise InvalidInput(
            f"The archive has {len(problems)} problem(s); nothing was stored.",
            errors=listed,
            extensions={"error_count": len(problems)},
        )
    stored, unchanged = [], []
    for picture in pictures:
        if files.find_original(storage, picture.sha256) is not None:
            unchanged.append(picture.sha256)
            continue
        files.store(storage, picture)
        stored.append(picture.sha256)
    return ArchiveResult(stored, unchanged)
