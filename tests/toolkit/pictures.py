"""Pictures for tests: the seed's files, real images made with Pillow, tar archives of them."""

from __future__ import annotations

import io
import tarfile

from PIL import Image

from tests.toolkit.repository import SEED

PICTURES = SEED / "pictures"


def seed_pictures() -> dict[str, bytes]:
    """The seed's pictures by file name (`<sha256>.<ext>`), as `flask seed` stores them."""
    return {path.name: path.read_bytes() for path in sorted(PICTURES.iterdir())}


def tar_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return out.getvalue()


def picture(
    width: int = 800,
    height: int = 600,
    fmt: str = "JPEG",
    *,
    mode: str = "RGB",
    colour: tuple[int, ...] = (200, 80, 40),
    **save: object,
) -> bytes:
    """A real picture in `fmt`, with a stripe so that resizing has something to keep."""
    image = Image.new(mode, (width, height), colour)
    stripe = Image.new(mode, (max(1, width // 4), height), tuple(255 - c for c in colour))
    image.paste(stripe, (width // 3, 0))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()
