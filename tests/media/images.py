"""Real pictures for the media tests, made with Pillow, each carrying what a rule is about."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

from tests.toolkit.pictures import picture

__all__ = ["bomb_png", "jpeg_with_gps", "picture", "png_with_alpha_and_text", "svg", "truncated"]

SECRET = "Jo Bloggs at 12 High Street"


def jpeg_with_gps(width: int = 800, height: int = 600) -> bytes:
    """A JPEG whose EXIF holds a GPS position, an author and orientation 6 (turn 90 degrees)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Artist] = SECRET
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    return picture(width, height, "JPEG", exif=exif.tobytes())


def png_with_alpha_and_text() -> bytes:
    info = PngInfo()
    info.add_text("Author", SECRET)
    info.add_itxt("XML:com.adobe.xmp", f"<x:xmpmeta>{SECRET}</x:xmpmeta>")
    return picture(700, 350, "PNG", mode="RGBA", colour=(20, 120, 200, 128), pnginfo=info)


def svg() -> bytes:
    return (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
    )


def truncated() -> bytes:
    whole = picture(800, 600, "JPEG")
    return whole[: len(whole) // 2]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 60000, height: int = 60000) -> bytes:
    """A small PNG whose header claims width x height pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + 3 * width) * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
