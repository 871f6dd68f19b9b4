"""The archive of originals: a tar with one member per stored picture, `<sha256>.<ext>`.

A bundle names each asset's file by its sha256; the archive carries the files. Export is the
originals of every asset, drafts included; import checks the whole archive (each member's
name is the sha256 of its bytes, and it is a cleaned original within the limits, laid out as
the service itself writes them) before it stores anything, then stores each picture with its
renditions, made again from the original: the same bytes as on the instance that exported it.
If storing fails part way, what the import stored is removed again: all or nothing.
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

from service.errors import Conflict, InvalidInput, ServiceError
from service.media import files, images
from service.media.models import MediaAsset
from service.media.storage import Storage

MEMBER = re.compile(r"^([0-9a-f]{64})\.(jpg|png|webp)$")
MAX_PROBLEMS = 100
# Past these an archive is refused before any picture is decoded. Checking and rendering take
# about 3 s per 40 million pixels, so 5 pictures at MEDIA_MAX_PIXELS stay well inside a
# worker's 30 s; a larger catalogue travels in several archives.
MAX_MEMBERS = 1000
MAX_PIXELS_FACTOR = 5


class ArchiveTooLarge(ServiceError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


def export_archive(session: Session, storage: Storage) -> bytes:
    """A tar of the originals of every asset, in sha256 order, with fixed times and owners."""
    out = io.BytesIO()
    shas = sorted(set(session.scalars(sa.select(MediaAsset.sha256))))
    missing: list[str] = []
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for sha256 in shas:
            found = files.find_original(storage, sha256)
            if found is None:
                missing.append(sha256)
                continue
            name, data = found
            member = tarfile.TarInfo(f"{sha256}.{name.rsplit('.', 1)[1]}")
            member.size, member.mtime, member.mode = len(data), 0, 0o644
            tar.addfile(member, io.BytesIO(data))
    if missing:
        slugs = session.scalars(
            sa.select(MediaAsset.slug)
            .where(MediaAsset.sha256.in_(missing))
            .order_by(MediaAsset.slug)
            .limit(MAX_PROBLEMS)
        )
        raise Conflict(
            f"{len(missing)} picture(s) have no stored original, so the archive would be "
            f"incomplete: {', '.join(missing[:MAX_PROBLEMS])} (assets {', '.join(slugs)}). "
            "Upload those pictures again, or delete their assets, then export."
        )
    return out.getvalue()


@dataclass(frozen=True)
class ArchiveResult:
    stored: list[str]
    unchanged: list[str]

    def summary(self) -> dict[str, object]:
        return {"stored": len(self.stored), "unchanged": len(self.unchanged)}


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
    sized: dict[str, int] = {}
    for name, content in found.items():
        try:
            sized[name] = _pixels_claimed(name, content, limits)
        except ServiceError as error:
            problems[name] = [error.detail]
    total, most = sum(sized.values()), MAX_PIXELS_FACTOR * limits.max_pixels
    if total > most:
        raise ArchiveTooLarge(
            f"The archive's pictures have {total} pixels in all; the limit is {most} "
            f"({MAX_PIXELS_FACTOR} x MEDIA_MAX_PIXELS): send them in several archives."
        )
    pictures: dict[str, images.Cleaned] = {}
    for name in sized:
        try:
            pictures[name] = _decoded(name, found[name], limits)
        except ServiceError as error:
            problems[name] = [error.detail]
    if problems:
        raise _refused(problems)
    return _store_all(storage, pictures)


def _refused(problems: dict[str, list[str]]) -> InvalidInput:
    listed = dict(sorted(problems.items())[:MAX_PROBLEMS])
    return InvalidInput(
        f"The archive has {len(problems)} problem(s); nothing was stored.",
        errors=listed,
        extensions={"error_count": len(problems)},
    )


def _pixels_claimed(name: str, data: bytes, limits: images.Limits) -> int:
    """What can be checked without decoding: the name, the sha256, the layout, the header."""
    match = MEMBER.match(name)
    if match is None:
        raise InvalidInput("Not a picture's name: <sha256>.jpg, .png or .webp.")
    sha256, extension = match.groups()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise InvalidInput("The sha256 of the bytes is not the one in the name.")
    fmt = _format_of(data)
    if fmt is not None:
        if images.EXTENSIONS[fmt] != extension:
            raise InvalidInput(f"The bytes are {fmt}, not what .{extension} says.")
        problem = LAYOUTS[fmt](data)
        if problem is not None:
            raise InvalidInput(
                f"{problem}: not a cleaned original as the service stores them (they carry "
                "no metadata and nothing else but the picture)."
            )
    width, height = images.size_of(data, limits)
    return width * height


def _decoded(name: str, data: bytes, limits: images.Limits) -> images.Cleaned:
    if name.endswith(".png"):
        # Cleaning a cleaned PNG gives it back byte for byte (not so the lossy JPEG and WebP,
        # which their layout check stands in for), so this takes exactly what clean() writes.
        cleaned = images.clean(data, limits)
        if cleaned.data != data:
            raise InvalidInput(
                "The PNG is not encoded as the service encodes it: not a cleaned original."
            )
        return cleaned
    return images.described(data, limits)


def _store_all(storage: Storage, pictures: dict[str, images.Cleaned]) -> ArchiveResult:
    stored: list[str] = []
    unchanged: list[str] = []
    try:
        for name, picture in pictures.items():
            if files.find_original(storage, picture.sha256) is not None:
                unchanged.append(picture.sha256)
                continue
            # Noted first, so that a picture stored in part is removed too.
            stored.append(picture.sha256)
            _store(storage, name, picture)
    except BaseException:
        for sha256 in stored:
            storage.delete_prefix(f"{sha256}/")
        raise
    return ArchiveResult(stored, unchanged)


def _store(storage: Storage, name: str, picture: images.Cleaned) -> None:
    """Every rendition made before the first is stored, then the original last (as
    files.store does): a picture whose original is stored has all its files."""
    renditions = images.renditions(
        picture.width, picture.height, picture.format, picture.transparent
    )
    try:
        pixels = images.pixels_of(picture.data)
        made = [(r, images.render(pixels, r)) for r in renditions[1:]]
    except (OSError, ValueError) as error:
        raise _refused({name: [f"Its renditions cannot be made: {error}."]}) from None
    for rendition, data in made:
        storage.put(files.key(picture.sha256, rendition.name), data, rendition.mime)
    original = renditions[0]
    storage.put(files.key(picture.sha256, original.name), picture.data, original.mime)


def _format_of(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


# JPEG: SOI, JFIF, quantisation and Huffman tables, a frame, restart interval, scans, EOI.
SOI, EOI, APP0, DQT, DHT, DRI, SOS = 0xD8, 0xD9, 0xE0, 0xDB, 0xC4, 0xDD, 0xDA
SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
RESTARTS = range(0xD0, 0xD8)


def _jpeg_layout(data: bytes) -> str | None:
    """What in a JPEG the service never writes (None if nothing)."""
    at = 2
    while True:
        if at + 2 > len(data) or data[at] != 0xFF:
            return f"Bytes the JPEG format does not expect at offset {at}"
        marker = data[at + 1]
        if marker == EOI:
            return None if at + 2 == len(data) else "Bytes after the end of the picture (EOI)"
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        payload = data[at + 4 : at + 2 + length]
        if length < 2 or len(payload) != length - 2:
            return f"A segment cut short at offset {at}"
        if not _jpeg_segment_as_written(marker, payload, first=at == 2):
            return f"A JPEG segment 0x{marker:02X} (APPn, COM or other) at offset {at}"
        at += 2 + length
        if marker == SOS:
            at = _end_of_scan(data, at)


def _jpeg_segment_as_written(marker: int, payload: bytes, first: bool) -> bool:
    if marker == APP0:
        # JFIF without a thumbnail, and only as the first segment.
        return first and len(payload) == 14 and payload[:5] == b"JFIF\0" and payload[12:] == b"\0\0"
    if marker == DQT:
        at = 0
        while at < len(payload):
            at += 1 + 64 * (1 + (payload[at] >> 4))
        return at == len(payload) and len(payload) > 0
    if marker == DHT:
        at = 0
        while at + 17 <= len(payload):
            at += 17 + sum(payload[at + 1 : at + 17])
        return at == len(payload) and len(payload) > 0
    if marker in SOF:
        return len(payload) >= 6 and len(payload) == 6 + 3 * payload[5]
    if marker == DRI:
        return len(payload) == 2
    if marker == SOS:
        return len(payload) >= 1 and len(payload) == 4 + 2 * payload[0]
    return False


def _end_of_scan(data: bytes, at: int) -> int:
    """Where the entropy-coded data that starts at `at` ends: the next marker that is not a
    stuffed 0xFF or a restart."""
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= len(data):
            return len(data)
        if data[at + 1] == 0 or data[at + 1] in RESTARTS:
            at += 2
        else:
            return at


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_CHUNKS = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


def _png_layout(data: bytes) -> str | None:
    at, kinds = len(PNG_SIGNATURE), []
    while at + 12 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        if kind not in PNG_CHUNKS:
            return f"A PNG chunk {kind!r}"
        kinds.append(kind)
        at += 12 + length
        if kind == b"IEND":
            break
    if not kinds or kinds[0] != b"IHDR" or kinds[-1] != b"IEND" or at > len(data):
        return "A PNG cut short"
    return None if at == len(data) else "Bytes after the end of the picture (IEND)"


# Only the alpha flag of VP8X: no ICC profile, EXIF, XMP or animation.
VP8X_ALPHA = 0x10
WEBP_LAYOUTS = (
    [b"VP8 "],
    [b"VP8L"],
    [b"VP8X", b"VP8 "],
    [b"VP8X", b"ALPH", b"VP8 "],
    [b"VP8X", b"VP8L"],
)


def _webp_layout(data: bytes) -> str | None:
    if int.from_bytes(data[4:8], "little") + 8 != len(data):
        return "A RIFF size that is not the file's"
    at, kinds = 12, []
    while at < len(data):
        kind = data[at : at + 4]
        length = int.from_bytes(data[at + 4 : at + 8], "little")
        payload = data[at + 8 : at + 8 + length]
        padding = data[at + 8 + length : at + 8 + length + (length & 1)]
        if len(payload) != length or padding.strip(b"\0"):
            return f"A WebP chunk {kind!r} cut short or padded with data"
        if kind == b"VP8X" and (
            length != 10 or payload[0] & ~VP8X_ALPHA or payload[1:4].strip(b"\0")
        ):
            return "A VP8X header that announces an ICC profile, EXIF, XMP or animation"
        kinds.append(kind)
        at += 8 + length + (length & 1)
    if kinds not in WEBP_LAYOUTS:
        return f"WebP chunks {b', '.join(kinds)!r}"
    return None


LAYOUTS = {"jpeg": _jpeg_layout, "png": _png_layout, "webp": _webp_layout}
