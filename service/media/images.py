"""Pictures in, safe pictures out: the type read from the bytes, limits, cleaning, renditions.

Plain functions on bytes, no Flask and no database. The type of an upload is what Pillow
finds in its bytes, never its name or Content-Type: JPEG, PNG and WebP are taken, anything
else (SVG included: it can carry scripts) is refused. The pixel count is read from the header
before anything is decoded, so that a small file claiming 60000 x 60000 pixels (a
decompression bomb) is refused at once. The picture is then decoded once, turned the way its
EXIF orientation says, and re-encoded: EXIF (GPS included), XMP, ICC profiles, comments and
PNG text chunks do not survive. Its identity is the sha256 of those cleaned bytes.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from http import HTTPStatus

from PIL import Image, ImageOps, UnidentifiedImageError

from service.errors import InvalidInput, ServiceError

# Pillow's format name -> ours (file extension, and what the API calls it).
FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp"}
# What Pillow may say it opened: a multi-picture JPEG (cameras, phones) is taken as a JPEG of
# its first picture.
OPENED = {**FORMATS, "MPO": "jpeg"}
MIME = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}
# Widths of the renditions; a narrower picture gets those below its width and its own.
WIDTHS = (320, 640, 1280)
# The longest side WebP can hold: every picture gets WebP renditions, so none may be longer.
MAX_SIDE = 16383
JPEG_QUALITY = 85
WEBP_QUALITY = 80


class UnsupportedImage(ServiceError):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


class ImageTooLarge(ServiceError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000


@dataclass(frozen=True)
class Cleaned:
    """A picture as the service keeps it: cleaned bytes and what they are."""

    data: bytes
    sha256: str
    format: str
    width: int
    height: int
    transparent: bool


@dataclass(frozen=True)
class Rendition:
    name: str  # as in its URL: "640w.webp", "original.png"
    width: int
    height: int
    format: str

    @property
    def mime(self) -> str:
        return MIME[self.format]


def _open(data: bytes, limits: Limits) -> Image.Image:
    if len(data) > limits.max_bytes:
        raise ImageTooLarge(
            f"The file has {len(data)} bytes; the limit is {limits.max_bytes} (MEDIA_MAX_BYTES)."
        )
    try:
        with warnings.catch_warnings():
            # Pillow warns (then raises) past its own bomb limit: ours is checked below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except UnidentifiedImageError:
        raise UnsupportedImage(
            "The file is not a JPEG, PNG or WebP picture (its bytes say so, whatever its name "
            "or Content-Type); SVG and other formats are not accepted."
        ) from None
    except Image.DecompressionBombError:
        raise ImageTooLarge("The picture has too many pixels (MEDIA_MAX_PIXELS).") from None
    except (OSError, ValueError, SyntaxError) as error:
        raise InvalidInput(f"The picture is damaged and cannot be read: {error}.") from None
    width, height = image.size
    if width < 1 or height < 1 or width * height > limits.max_pixels:
        raise ImageTooLarge(
            f"The picture is {width} x {height} pixels; the limit is {limits.max_pixels} "
            "pixels (MEDIA_MAX_PIXELS)."
        )
    if max(width, height) > MAX_SIDE:
        raise InvalidInput(
            f"The picture is {width} x {height} pixels; no side may be longer than "
            f"{MAX_SIDE} pixels (the most a WebP rendition can have)."
        )
    return image


def _decode(image: Image.Image) -> Image.Image:
    try:
        image.load()
        return ImageOps.exif_transpose(image)
    except Image.DecompressionBombError:
        raise ImageTooLarge("The picture has too many pixels (MEDIA_MAX_PIXELS).") from None
    except (OSError, ValueError, SyntaxError) as error:
        raise InvalidInput(f"The picture is damaged and cannot be read: {error}.") from None


def _pixels(image: Image.Image) -> tuple[Image.Image, bool]:
    """A new RGB picture, or RGBA when at least one pixel is not opaque once converted (a
    palette's transparent index that no pixel uses is opaque), and whether it is RGBA. It
    carries no metadata (comments, ICC profile, EXIF...), so that none is saved with it."""
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        low, _high = rgba.getchannel("A").getextrema()
        if isinstance(low, int | float) and low < 255:
            rgba.info = {}
            return rgba, True
        plain = rgba.convert("RGB")
    else:
        plain = image.convert("RGB")
    plain.info = {}
    return plain, False


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    # Pillow saves what the picture's info holds (a JPEG comment, an ICC profile...).
    image.info = {}
    if fmt == "jpeg":
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif fmt == "png":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def clean(data: bytes, limits: Limits) -> Cleaned:
    """The picture re-encoded without its metadata, turned as its EXIF orientation says."""
    opened = _open(data, limits)
    fmt = OPENED[str(opened.format)]
    pixels, transparent = _pixels(_decode(opened))
    # A transparent JPEG cannot be: the original keeps its format, with alpha where it has it.
    cleaned = _encode(pixels, fmt)
    return Cleaned(
        data=cleaned,
        sha256=hashlib.sha256(cleaned).hexdigest(),
        format=fmt,
        width=pixels.width,
        height=pixels.height,
        transparent=transparent,
    )


def fallback_format(transparent: bool) -> str:
    """What a client without WebP gets: PNG when the picture has transparency, JPEG if not."""
    return "png" if transparent else "jpeg"


def renditions(width: int, height: int, fmt: str, transparent: bool) -> list[Rendition]:
    """Every file a picture is served as: its original, then each width in WebP and fallback."""
    found = [Rendition(f"original.{EXTENSIONS[fmt]}", width, height, fmt)]
    for target in sorted({min(w, width) for w in WIDTHS}):
        tall = max(1, round(height * target / width))
        for kind in ("webp", fallback_format(transparent)):
            found.append(Rendition(f"{target}w.{EXTENSIONS[kind]}", target, tall, kind))
    return found


def render(pixels: Image.Image, rendition: Rendition) -> bytes:
    """One rendition's bytes; the same pixels always give the same bytes."""
    if (pixels.width, pixels.height) != (rendition.width, rendition.height):
        pixels = pixels.resize((rendition.width, rendition.height), Image.Resampling.LANCZOS)
    return _encode(pixels, rendition.format)


def pixels_of(original: bytes) -> Image.Image:
    """The pixels of a cleaned original, which every rendition is made from: at upload (one
    decode for them all) and again for a rendition whose stored file is missing, so that the
    rebuilt file is the same, byte for byte."""
    return stored_original(original)[0]


def stored_original(original: bytes) -> tuple[Image.Image, str]:
    """The pixels of a cleaned original (as `pixels_of`) and its format, from one decode."""
    try:
        with warnings.catch_warnings():
            # A stored original is within MEDIA_MAX_PIXELS, which may be above Pillow's limit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(original), formats=list(FORMATS))
            image.load()
    except Image.DecompressionBombError:
        raise ImageTooLarge("The picture has too many pixels (MEDIA_MAX_PIXELS).") from None
    return _pixels(image)[0], OPENED[str(image.format)]


def size_of(data: bytes, limits: Limits) -> tuple[int, int]:
    """Width and height as the header says, within the limits; nothing is decoded."""
    width, height = _open(data, limits).size
    return width, height


def described(data: bytes, limits: Limits) -> Cleaned:
    """A stored original as it is (its bytes kept), decoded once within the limits to say
    what it is: the same facts as `clean` gives for the upload it was made from."""
    opened = _open(data, limits)
    fmt = FORMATS.get(str(opened.format))
    if fmt is None:
        raise UnsupportedImage(f"The file is {opened.format}, not a JPEG, PNG or WebP picture.")
    decoded = _decode(opened)
    return Cleaned(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        width=decoded.width,
        height=decoded.height,
        transparent=_pixels(decoded)[1],
    )
