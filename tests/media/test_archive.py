"""The archive of originals: export then import (archive, then bundle) gives the same catalogue
and the same files; an archive is checked whole before anything is stored."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import random
import struct
import tarfile
import tracemalloc
import zlib
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from PIL import Image

from service import create_app, db
from service.admin import keys
from service.admin.audit import SYSTEM
from service.admin.models import Role
from service.config import Settings
from service.media.images import EXTENSIONS, Limits, clean
from service.media.storage import LocalStorage
from service.media_api.archive import MAX_MEMBERS, MAX_PIXELS_FACTOR, import_files
from tests.helpers import assert_problem
from tests.media import images
from tests.media.conftest import Publish, Stored, Upload
from tests.toolkit.clients import Client, client_with
from tests.toolkit.database import MakeDatabaseUrl
from tests.toolkit.pictures import seed_pictures, tar_of
from tests.toolkit.repository import alembic_config

TAR = "application/x-tar"


def members(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        found = {}
        for member in tar.getmembers():
            extracted = tar.extractfile(member)
            assert extracted is not None
            found[member.name] = extracted.read()
        return found


@pytest.fixture
def empty(
    app: Flask, make_database_url: MakeDatabaseUrl, tmp_path: Path
) -> Iterator[tuple[Client, LocalStorage]]:
    """A second instance on an empty database with storage of its own, and its editor."""
    url = make_database_url()
    command.upgrade(alembic_config(url), "head")
    settings: Settings = app.config["SETTINGS"]
    other = create_app(
        dataclasses.replace(settings, database_url=url, media_root=str(tmp_path / "other"))
    )
    try:
        with other.app_context():
            session = db.session()
            _key, secret = keys.create_key(session, name="migrator", role=Role.EDITOR, actor=SYSTEM)
            session.commit()
        storage = other.extensions["media"]["storage"]
        assert isinstance(storage, LocalStorage)
        yield client_with(other, secret), storage
    finally:
        other.extensions["db"].dispose()


def test_export_then_import_gives_the_same_catalogue_and_the_same_files(
    publish: Publish,
    upload: Upload,
    editor: Client,
    client: Client,
    empty: tuple[Client, LocalStorage],
    local: Stored,
    app: Flask,
) -> None:
    # This instance has the seed's picture, as `flask seed` left it, and three uploads.
    import_files(local.storage, seed_pictures(), app.extensions["media"]["limits"])
    publish(images.picture(1400, 900, "JPEG"), "plank-side")
    publish(images.png_with_alpha_and_text(), "plank-diagram")
    upload(images.picture(600, 600, "WEBP"), slug="plank-draft")
    etag = editor.get("/v1/admin/stretches/cat-cow").headers["ETag"]
    media = [{"asset": "plank-side", "role": "illustration"}]
    editor.patch("/v1/admin/stretches/cat-cow", json={"media": media}, headers={"If-Match": etag})

    archive = editor.get("/v1/admin/media-archive")
    assert archive.status_code == HTTPStatus.OK and archive.mimetype == TAR
    originals = members(archive.data)
    for name, data in originals.items():
        assert name.startswith(hashlib.sha256(data).hexdigest())
    bundle = editor.get("/v1/admin/export").json
    assert {name.split(".")[0] for name in originals} == {i["sha256"] for i in bundle["media"]}
    assert len(originals) == 4

    other, other_storage = empty
    # The bundle first is refused: it names pictures the instance does not have.
    early = other.post("/v1/admin/import", json=bundle)
    body = assert_problem(early, HTTPStatus.UNPROCESSABLE_ENTITY, "media archive")
    assert {path for path in body["errors"] if path.startswith("media.")} == {
        f"media.{index}.sha256" for index in range(4)
    }

    imported = other.post("/v1/admin/media-archive", data=archive.data, content_type=TAR)
    assert imported.status_code == HTTPStatus.OK, imported.get_data(as_text=True)
    assert imported.json == {"stored": 4, "unchanged": 0}
    again = other.post("/v1/admin/media-archive", data=archive.data, content_type=TAR)
    assert again.json == {"stored": 0, "unchanged": 4}
    loaded = other.post("/v1/admin/import", json=bundle)
    assert loaded.status_code == HTTPStatus.OK, loaded.get_data(as_text=True)
    assert other.get("/v1/admin/export").json == bundle
    assert other.get("/v1/admin/media-archive").data == archive.data
    # Every rendition is the same, byte for byte, and so is what the public API says.
    assert sorted(other_storage.keys()) == sorted(local.files())
    for key in local.files():
        assert other_storage.get(key) == local.storage.get(key), key
    assert (
        other.get("/v1/stretches/cat-cow").json["media"]
        == (client.get("/v1/stretches/cat-cow").json["media"])
    )


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({f"{'0' * 64}.jpg": images.picture(100, 100, "JPEG")}, "sha256"),
        ({"notes.txt": b"hello"}, "name"),
        ({"x": images.svg()}, "name"),
    ],
    ids=["wrong-sha256", "not-a-picture-name", "svg"],
)
def test_a_bad_member_refuses_the_whole_archive(
    editor: Client, stored: Stored, files: dict[str, bytes], problem: str
) -> None:
    good = clean(images.picture(300, 200, "PNG"), Limits()).data
    upload_good = {f"{hashlib.sha256(good).hexdigest()}.png": good}
    response = editor.post(
        "/v1/admin/media-archive", data=tar_of({**upload_good, **files}), content_type=TAR
    )
    body = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "nothing was stored")
    assert set(body["errors"]) == set(files)
    assert problem in str(body["errors"])
    assert stored.files() == []


def test_an_archive_member_must_be_clean_and_within_the_limits(
    editor: Client, local: Stored
) -> None:
    dirty = images.jpeg_with_gps(200, 100)
    bomb = images.bomb_png()
    files = {
        f"{hashlib.sha256(dirty).hexdigest()}.jpg": dirty,
        f"{hashlib.sha256(bomb).hexdigest()}.png": bomb,
    }
    response = editor.post("/v1/admin/media-archive", data=tar_of(files), content_type=TAR)
    body = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY)
    assert body["error_count"] == 2
    assert "metadata" in str(body["errors"]) and "pixels" in str(body["errors"])
    assert local.files() == []


def test_an_archive_is_a_tar(editor: Client, local: Stored) -> None:
    assert_problem(
        editor.post("/v1/admin/media-archive", data=b"not a tar", content_type=TAR),
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "tar",
    )
    assert_problem(
        editor.post("/v1/admin/media-archive", json={"a": 1}),
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        TAR,
    )


def test_the_seed_pictures_load_into_a_storage(app: Flask, tmp_path: Path) -> None:
    """What `flask seed` does with seed/pictures/: each file checked and stored."""
    storage = LocalStorage(tmp_path / "seeded")
    pictures = seed_pictures()
    result = import_files(storage, pictures, app.extensions["media"]["limits"])
    assert len(result.stored) == len(pictures) >= 1
    for name in pictures:
        assert storage.exists(f"{name.split('.')[0]}/original.png")


def test_an_asset_says_what_its_stored_file_is(
    upload: Upload, local: Stored, editor: Client
) -> None:
    created = upload(images.picture(640, 480, "JPEG"), slug="measured")
    item = created.json["item"]
    etag = created.headers["ETag"]
    wrong = {**item, "width": 9999, "format": "png"}
    put = editor.put("/v1/admin/media/measured", json=wrong, headers={"If-Match": etag})
    body = assert_problem(put, HTTPStatus.UNPROCESSABLE_ENTITY, "as the stored file is")
    assert set(body["errors"]) == {"json.width", "json.format"}
    elsewhere = {**item, "slug": "elsewhere", "sha256": "0" * 64}
    created_elsewhere = editor.post("/v1/admin/media", json=elsewhere)
    assert_problem(created_elsewhere, HTTPStatus.UNPROCESSABLE_ENTITY, "json.sha256")


def named(data: bytes, extension: str) -> dict[str, bytes]:
    return {f"{hashlib.sha256(data).hexdigest()}.{extension}": data}


def pax_tar(pax: dict[str, str], data: bytes = b"x", name: str = f"{'a' * 64}.png") -> bytes:
    """A PAX tar of one member with these extended headers (sparse maps, sizes)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        member = tarfile.TarInfo(name)
        member.size = len(data)
        member.pax_headers = pax
        tar.addfile(member, io.BytesIO(data))
    return out.getvalue()


def test_a_sparse_member_is_refused_before_it_is_read(editor: Client, local: Stored) -> None:
    # 10 KB of tar that expands to 50 MB when read.
    body = pax_tar({"GNU.sparse.map": "49999999,1", "GNU.sparse.size": "50000000"})
    tracemalloc.start()
    try:
        response = editor.post("/v1/admin/media-archive", data=body, content_type=TAR)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    body_ = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "nothing was stored")
    assert "sparse" in str(body_["errors"])
    assert peak < 20_000_000
    assert local.files() == []


@pytest.mark.parametrize(
    "pax",
    [
        {"GNU.sparse.map": "a,b", "GNU.sparse.size": "10"},
        {"GNU.sparse.map": "0,1", "GNU.sparse.size": "zz"},
        {"GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.realsize": "10"},
    ],
    ids=["map-not-numbers", "size-not-a-number", "version-1-without-map"],
)
def test_a_malformed_sparse_header_is_422(
    editor: Client, local: Stored, pax: dict[str, str]
) -> None:
    response = editor.post("/v1/admin/media-archive", data=pax_tar(pax), content_type=TAR)
    assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "tar")
    assert local.files() == []


def noise(width: int, height: int, seed: int) -> bytes:
    """A PNG of random pixels: it does not compress, so a few make megabytes."""
    pixels = random.Random(seed).randbytes(width * height * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(out, "PNG")
    return out.getvalue()


def test_an_export_over_the_usual_body_limit_imports(
    upload: Upload, editor: Client, empty: tuple[Client, LocalStorage], local: Stored, app: Flask
) -> None:
    import_files(local.storage, seed_pictures(), app.extensions["media"]["limits"])
    for seed in range(3):
        assert upload(noise(600, 600, seed), filename="noise.png").status_code == 201
    archive = editor.get("/v1/admin/media-archive")
    assert len(archive.data) > app.config["MAX_CONTENT_LENGTH"]
    other, other_storage = empty
    imported = other.post("/v1/admin/media-archive", data=archive.data, content_type=TAR)
    assert imported.status_code == HTTPStatus.OK, imported.get_data(as_text=True)
    assert imported.json == {"stored": 4, "unchanged": 0}
    assert sorted(other_storage.keys()) == local.files()


def test_an_archive_that_fails_while_storing_leaves_nothing(editor: Client, stored: Stored) -> None:
    # The second picture is too tall for WebP renditions: nothing of the first stays either.
    # Both are encoded as clean() encodes PNGs (made without it: it may refuse the tall one).
    fine = images.picture(50, 40, "PNG", optimize=True)
    tall = images.picture(1000, 20000, "PNG", optimize=True)
    assert clean(fine, Limits()).data == fine
    response = editor.post(
        "/v1/admin/media-archive",
        data=tar_of({**named(fine, "png"), **named(tall, "png")}),
        content_type=TAR,
    )
    assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "nothing was stored")
    assert stored.files() == []


class FailingStorage(LocalStorage):
    """Local storage whose disk fills up after a number of files."""

    def __init__(self, root: Path, puts: int) -> None:
        super().__init__(root)
        self.puts = puts

    def put(self, key: str, data: bytes, content_type: str) -> None:
        if self.puts == 0:
            raise OSError(28, "No space left on device")
        self.puts -= 1
        super().put(key, data, content_type)


def test_a_storage_failure_removes_what_the_archive_stored(app: Flask, tmp_path: Path) -> None:
    storage = FailingStorage(tmp_path / "full", puts=5)
    limits = app.extensions["media"]["limits"]
    pictures = {
        **named(clean(images.picture(50, 40, "PNG"), limits).data, "png"),
        **named(clean(images.picture(60, 40, "PNG", colour=(1, 2, 3)), limits).data, "png"),
    }
    with pytest.raises(OSError, match="No space"):
        import_files(storage, pictures, limits)
    assert storage.keys() == []


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _riff(*chunks: tuple[bytes, bytes]) -> bytes:
    body = b"WEBP" + b"".join(
        kind + struct.pack("<I", len(data)) + data + b"\0" * (len(data) & 1)
        for kind, data in chunks
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _webp_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    found, at = [], 12
    while at < len(data):
        size = struct.unpack("<I", data[at + 4 : at + 8])[0]
        found.append((data[at : at + 4], data[at + 8 : at + 8 + size]))
        at += 8 + size + (size & 1)
    return found


def _not_as_stored() -> dict[str, bytes]:
    jpeg = images.picture(50, 40, "JPEG")
    png = images.picture(51, 40, "PNG")
    webp = images.picture(52, 40, "WEBP")
    secret = images.SECRET.encode()
    (vp8,) = _webp_chunks(webp)
    vp8x = struct.pack("<I", 0x08) + (51).to_bytes(3, "little") + (39).to_bytes(3, "little")
    return {
        "jpeg-trailer": jpeg + b"<html><script>alert(1)</script></html>PK\x03\x04",
        "jpeg-photoshop": jpeg[:2]
        + b"\xff\xed"
        + struct.pack(">H", 2 + 14 + len(secret))
        + b"Photoshop 3.0\x00"
        + secret
        + jpeg[2:],
        "jpeg-app1": jpeg[:2]
        + b"\xff\xe1"
        + struct.pack(">H", 2 + len(secret))
        + secret
        + jpeg[2:],
        "jpeg-comment": jpeg[:2]
        + b"\xff\xfe"
        + struct.pack(">H", 2 + len(secret))
        + secret
        + jpeg[2:],
        "png-private-chunk": png[:33] + _chunk(b"prVt", secret) + png[33:],
        "png-after-iend": png + secret,
        "webp-trailer": webp + secret,
        "webp-exif-chunk": _riff((b"VP8X", vp8x), vp8, (b"EXIF", secret)),
    }


@pytest.mark.parametrize("case", list(_not_as_stored()))
def test_a_member_must_be_laid_out_as_the_service_stores_pictures(
    editor: Client, local: Stored, case: str
) -> None:
    data = _not_as_stored()[case]
    extension = {"jpeg": "jpg", "png": "png", "webp": "webp"}[case.split("-")[0]]
    files = named(data, extension)
    response = editor.post("/v1/admin/media-archive", data=tar_of(files), content_type=TAR)
    body = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "nothing was stored")
    assert set(body["errors"]) == set(files)
    assert "cleaned original" in str(body["errors"])
    assert local.files() == []


def test_what_the_service_stores_is_taken_back(app: Flask, tmp_path: Path) -> None:
    """Each kind of cleaned original an upload keeps passes the archive's checks."""
    limits = app.extensions["media"]["limits"]
    kinds = [
        images.picture(300, 200, "JPEG"),
        images.picture(300, 200, "PNG"),
        images.picture(300, 200, "PNG", mode="RGBA", colour=(1, 2, 3, 128)),
        images.picture(300, 200, "WEBP"),
        images.picture(300, 200, "WEBP", mode="RGBA", colour=(1, 2, 3, 128)),
    ]
    pictures: dict[str, bytes] = {}
    for kind in kinds:
        cleaned = clean(kind, limits)
        pictures.update(named(cleaned.data, EXTENSIONS[cleaned.format]))
    result = import_files(LocalStorage(tmp_path / "kinds"), pictures, limits)
    assert len(result.stored) == len(kinds)


def test_too_many_members_is_413(editor: Client, local: Stored) -> None:
    files = {f"note-{index}.txt": b"x" for index in range(MAX_MEMBERS + 1)}
    response = editor.post("/v1/admin/media-archive", data=tar_of(files), content_type=TAR)
    assert_problem(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, str(MAX_MEMBERS))
    assert local.files() == []


def test_too_many_pixels_in_all_is_413_before_decoding(
    editor: Client, local: Stored, app: Flask
) -> None:
    limits = app.extensions["media"]["limits"]
    # Headers that claim nearly the most pixels a picture may have, over the archive's total.
    side = int(limits.max_pixels**0.5)
    count = MAX_PIXELS_FACTOR + 1
    files: dict[str, bytes] = {}
    for index in range(count):
        files.update(named(images.bomb_png(side - index, side), "png"))
    response = editor.post("/v1/admin/media-archive", data=tar_of(files), content_type=TAR)
    assert_problem(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "pixels")
    assert local.files() == []


def test_an_mpo_member_is_422(editor: Client, local: Stored) -> None:
    out = io.BytesIO()
    second = Image.new("RGB", (85, 60), (9, 9, 9))
    Image.new("RGB", (85, 60), (1, 2, 3)).save(out, "MPO", save_all=True, append_images=[second])
    files = named(out.getvalue(), "jpg")
    response = editor.post("/v1/admin/media-archive", data=tar_of(files), content_type=TAR)
    body = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "nothing was stored")
    assert set(body["errors"]) == set(files)
    assert local.files() == []


def test_an_export_with_a_missing_original_is_409_naming_it(
    upload: Upload, editor: Client, local: Stored
) -> None:
    created = upload(images.picture(120, 80, "JPEG"), slug="lost")
    sha256 = created.json["item"]["sha256"]
    local.remove(f"{sha256}/original.jpg")
    response = editor.get("/v1/admin/media-archive")
    body = assert_problem(response, HTTPStatus.CONFLICT, sha256)
    assert "lost" in body["detail"]
