"""Uploads: the type comes from the bytes, limits hold, metadata goes, one picture one asset."""

from __future__ import annotations

import io
import time
from http import HTTPStatus
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from PIL import ExifTags, Image
from sqlalchemy.orm import Session

from service.media.images import Limits
from service.media.models import MediaAsset
from service.media_api.archive import import_files
from tests.helpers import assert_problem
from tests.media import images
from tests.media.conftest import Stored, Upload
from tests.toolkit.clients import Client
from tests.toolkit.pictures import seed_pictures


def assets(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(MediaAsset)) or 0


def test_a_jpeg_is_stored_upright_without_exif_or_gps(
    upload: Upload, stored: Stored, editor: Client
) -> None:
    original = images.jpeg_with_gps(800, 600)
    assert images.open_image(original).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    response = upload(original, "holiday.jpg")
    assert response.status_code == HTTPStatus.CREATED, response.get_data(as_text=True)
    item = response.json["item"]
    # Orientation 6: the stored picture is turned, so 800 x 600 becomes 600 x 800.
    assert (item["format"], item["width"], item["height"]) == ("jpeg", 600, 800)
    kept = stored.storage.get(f"{item['sha256']}/original.jpg")
    assert kept is not None
    assert images.SECRET.encode() not in kept and b"Exif" not in kept
    assert not images.open_image(kept).getexif()
    assert item["byte_size"] == len(kept)
    # Every rendition is as clean.
    for key in stored.files():
        data = stored.storage.get(key)
        assert data is not None and images.SECRET.encode() not in data, key


def test_a_png_keeps_its_transparency_and_loses_its_text_chunks(
    upload: Upload, stored: Stored
) -> None:
    response = upload(images.png_with_alpha_and_text(), "logo.png")
    assert response.status_code == HTTPStatus.CREATED, response.get_data(as_text=True)
    item = response.json["item"]
    assert (item["format"], item["transparent"]) == ("png", True)
    kept = stored.storage.get(f"{item['sha256']}/original.png")
    assert kept is not None and images.SECRET.encode() not in kept
    image = images.open_image(kept)
    assert image.mode == "RGBA" and not getattr(image, "text", {})
    # Without WebP a transparent picture falls back to PNG, never JPEG; 700 px wide, it is
    # never enlarged to 1280 but served at its own width.
    names = {key.split("/", 1)[1] for key in stored.files()}
    assert names == {
        "original.png",
        *(f"{width}w.{kind}" for width in (320, 640, 700) for kind in ("webp", "png")),
    }


def test_webp_is_taken(upload: Upload, local: Stored) -> None:
    response = upload(images.picture(400, 300, "WEBP"), "x.webp")
    assert response.status_code == HTTPStatus.CREATED
    assert response.json["item"]["format"] == "webp"


def test_the_type_comes_from_the_bytes_not_the_name(upload: Upload, local: Stored) -> None:
    response = upload(images.picture(300, 200, "PNG"), "photo.jpg")
    assert response.status_code == HTTPStatus.CREATED
    assert response.json["item"]["format"] == "png"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (images.svg(), "drawing.svg"),
        (b"just some text, not a picture", "picture.png"),
        (images.picture(100, 100, "GIF"), "animation.gif"),
        (images.picture(100, 100, "BMP"), "picture.jpg"),
    ],
    ids=["svg", "text", "gif", "bmp"],
)
def test_anything_but_jpeg_png_and_webp_is_415_and_stores_nothing(
    upload: Upload, local: Stored, session: Session, data: bytes, filename: str
) -> None:
    before = assets(session)
    response = upload(data, filename)
    assert_problem(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "JPEG, PNG or WebP")
    assert local.files() == [] and assets(session) == before


def test_a_damaged_picture_is_422_and_stores_nothing(
    upload: Upload, local: Stored, session: Session
) -> None:
    before = assets(session)
    assert_problem(upload(images.truncated()), HTTPStatus.UNPROCESSABLE_ENTITY, "damaged")
    assert local.files() == [] and assets(session) == before


def test_a_decompression_bomb_is_refused_at_once_from_its_header(
    upload: Upload, local: Stored
) -> None:
    bomb = images.bomb_png()
    assert len(bomb) < 100_000  # small on the wire, 3.6 billion pixels once decoded
    started = time.monotonic()
    response = upload(bomb, "bomb.png")
    assert time.monotonic() - started < 2
    assert_problem(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "pixels")
    assert local.files() == []


def test_media_max_pixels_and_max_bytes_are_413(
    app: Flask, upload: Upload, local: Stored, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.extensions["media"], "limits", Limits(20_000, 100 * 100))
    wide = upload(images.picture(101, 100, "PNG"))
    assert_problem(wide, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "MEDIA_MAX_PIXELS", "10000")
    noisy = images.picture(100, 100, "PNG", mode="RGB", compress_level=0)
    assert len(noisy) > 20_000
    big = upload(noisy)
    assert_problem(big, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "MEDIA_MAX_BYTES", "20000")
    assert upload(images.picture(100, 100, "PNG")).status_code == HTTPStatus.CREATED


def test_the_same_picture_twice_is_one_asset(
    upload: Upload, stored: Stored, session: Session
) -> None:
    data = images.picture(640, 480, "JPEG")
    first = upload(data, "a.jpg", alt="First")
    assert first.status_code == HTTPStatus.CREATED
    assert first.headers["Location"] == f"/v1/admin/media/{first.json['slug']}"
    before, keys = assets(session), stored.files()
    second = upload(data, "b.jpg", alt="Second", slug="another-slug")
    assert second.status_code == HTTPStatus.OK
    assert second.json["slug"] == first.json["slug"]
    assert second.json["item"]["alt"] == "First"
    assert assets(session) == before and stored.files() == keys


def test_the_asset_is_named_by_its_sha256_unless_given_a_slug(
    upload: Upload, local: Stored
) -> None:
    plain = upload(images.picture(300, 300, "PNG"))
    assert plain.json["slug"] == plain.json["item"]["sha256"]
    named = upload(images.picture(300, 301, "PNG"), slug="bird-dog-start", alt="Start")
    assert named.status_code == HTTPStatus.CREATED
    item = named.json["item"]
    assert (named.json["slug"], item["alt"], item["status"]) == ("bird-dog-start", "Start", "draft")


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"licence": "free-for-all"}, "form.licence"),
        ({"focal_x": "1.5"}, "form.focal_x"),
        ({"focal_y": "middle"}, "form.focal_y"),
        ({"source_url": "javascript:alert(1)"}, "form.source_url"),
        ({"slug": "Not A Slug"}, "form.slug"),
        ({"colour": "blue"}, "form.colour"),
    ],
)
def test_bad_fields_are_422_naming_them_and_store_nothing(
    upload: Upload, local: Stored, fields: dict[str, str], path: str
) -> None:
    body = assert_problem(
        upload(images.picture(200, 200, "PNG"), **fields), HTTPStatus.UNPROCESSABLE_ENTITY
    )
    assert set(body["errors"]) == {path}
    assert local.files() == []


def test_an_upload_needs_a_file_sent_as_a_form(editor: Client, local: Stored) -> None:
    missing = editor.post(
        "/v1/admin/media-uploads", data={"alt": "x"}, content_type="multipart/form-data"
    )
    assert_problem(missing, HTTPStatus.UNPROCESSABLE_ENTITY, "file")
    as_json = editor.post("/v1/admin/media-uploads", json={"file": "x"})
    assert_problem(as_json, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "multipart/form-data")


def test_uploads_need_an_editor_key(client: Client, local: Stored) -> None:
    import io

    response = client.post(
        "/v1/admin/media-uploads",
        data={"file": (io.BytesIO(images.picture(10, 10, "PNG")), "x.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert local.files() == []


def _noise(width: int, height: int) -> bytes:
    import io
    import random

    from PIL import Image

    pixels = random.Random(width).randbytes(width * height * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(out, "PNG", compress_level=0)
    return out.getvalue()


def test_uploads_may_exceed_the_json_body_limit_up_to_media_max_bytes(
    upload: Upload, local: Stored
) -> None:
    # MAX_CONTENT_LENGTH (1 MiB) bounds JSON bodies; a picture may be up to MEDIA_MAX_BYTES.
    three_mib = _noise(1000, 1000)
    assert 1_048_576 < len(three_mib) < 10 * 1_048_576
    assert upload(three_mib, "noise.png").status_code == HTTPStatus.CREATED
    eleven_mib = _noise(1900, 1900)
    assert len(eleven_mib) > 10 * 1_048_576
    assert_problem(
        upload(eleven_mib, "big.png"), HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "MEDIA_MAX_BYTES"
    )


def _kept(stored: Stored) -> dict[str, bytes]:
    found = {key: stored.storage.get(key) for key in stored.files()}
    return {key: data for key, data in found.items() if data is not None}


@pytest.mark.parametrize(
    ("width", "height", "fmt"),
    [(1000, 20000, "JPEG"), (1, 40000, "PNG"), (16384, 1, "PNG")],
    ids=["tall-jpeg", "one-pixel-wide-png", "wide-png"],
)
def test_a_side_past_webps_limit_is_422_and_stores_nothing(
    upload: Upload, local: Stored, session: Session, width: int, height: int, fmt: str
) -> None:
    before = assets(session)
    response = upload(images.picture(width, height, fmt))
    assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "16383")
    assert local.files() == [] and assets(session) == before


def test_a_side_of_16383_pixels_is_taken(upload: Upload, local: Stored) -> None:
    response = upload(images.picture(2, 16383, "PNG"))
    assert response.status_code == HTTPStatus.CREATED, response.get_data(as_text=True)


def test_an_upload_that_fails_after_storing_removes_every_file(
    upload: Upload, stored: Stored, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.errors import InvalidInput
    from service.media import images as media_images

    real = media_images.render

    def failing(pixels: Any, rendition: media_images.Rendition) -> bytes:
        if rendition.width == 1280:
            raise InvalidInput("The 1280 px rendition cannot be made.")
        return real(pixels, rendition)

    monkeypatch.setattr(media_images, "render", failing)
    before = assets(session)
    response = upload(images.picture(2000, 1000, "JPEG"))
    assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "1280")
    assert stored.files() == [] and assets(session) == before


def test_a_create_that_fails_removes_the_stored_files(
    upload: Upload, local: Stored, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.admin import items
    from service.errors import InvalidInput

    def refused(*_args: Any, **_kwargs: Any) -> Any:
        raise InvalidInput("Refused.")

    monkeypatch.setattr(items, "create_item", refused)
    before = assets(session)
    assert_problem(upload(images.picture(700, 500, "JPEG")), HTTPStatus.UNPROCESSABLE_ENTITY)
    assert local.files() == [] and assets(session) == before


def _mpo(width: int, height: int) -> bytes:
    out = io.BytesIO()
    first, second = Image.new("RGB", (width, height), (10, 200, 10)), Image.new("RGB", (8, 8))
    first.save(out, "MPO", save_all=True, append_images=[second])
    return out.getvalue()


def test_a_multi_picture_jpeg_is_taken_as_a_jpeg_of_its_first_picture(
    upload: Upload, local: Stored
) -> None:
    data = _mpo(85, 60)
    assert Image.open(io.BytesIO(data)).format == "MPO"
    response = upload(data, "camera.jpg")
    assert response.status_code == HTTPStatus.CREATED, response.get_data(as_text=True)
    item = response.json["item"]
    assert (item["format"], item["width"], item["height"]) == ("jpeg", 85, 60)
    kept = local.storage.get(f"{item['sha256']}/original.jpg")
    assert kept is not None
    image = images.open_image(kept)
    assert image.format == "JPEG" and image.getpixel((40, 30)) == pytest.approx(
        (10, 200, 10), abs=3
    )


def test_jpeg_comments_do_not_survive(upload: Upload, stored: Stored) -> None:
    secret = images.SECRET.encode()
    response = upload(images.picture(800, 600, "JPEG", comment=secret))
    assert response.status_code == HTTPStatus.CREATED, response.get_data(as_text=True)
    kept = _kept(stored)
    assert len(kept) == 7
    for key, data in kept.items():
        assert secret not in data, key
        assert "comment" not in images.open_image(data).info, key


def _icc() -> bytes:
    from PIL import ImageCms

    profile: bytes = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return profile


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_icc_profiles_do_not_survive(upload: Upload, local: Stored, fmt: str) -> None:
    response = upload(images.picture(700, 500, fmt, icc_profile=_icc()))
    assert response.status_code == HTTPStatus.CREATED, response.get_data(as_text=True)
    for key, data in _kept(local).items():
        assert "icc_profile" not in images.open_image(data).info, key


def test_an_uploaded_png_with_an_icc_profile_goes_through_the_archive(
    app: Flask, upload: Upload, local: Stored, editor: Client
) -> None:
    # The seed's pictures are in the database: the export needs their files too.
    import_files(local.storage, seed_pictures(), app.extensions["media"]["limits"])
    response = upload(images.picture(82, 60, "PNG", icc_profile=_icc()))
    assert response.status_code == HTTPStatus.CREATED, response.get_data(as_text=True)
    tar = editor.get("/v1/admin/media-archive")
    assert tar.status_code == HTTPStatus.OK, tar.get_data(as_text=True)
    again = editor.post("/v1/admin/media-archive", data=tar.data, content_type="application/x-tar")
    assert again.status_code == HTTPStatus.OK, again.get_data(as_text=True)
    assert again.json == {"stored": 0, "unchanged": 1 + len(seed_pictures())}


def _palette_png(transparency: int, used: int) -> bytes:
    image = Image.new("P", (120, 80), 0)
    image.putpalette([10, 20, 30] * 255 + [200, 0, 0])
    image.paste(used, (0, 0, 10, 10))
    out = io.BytesIO()
    image.save(out, "PNG", transparency=transparency)
    return out.getvalue()


@pytest.mark.parametrize(
    ("transparency", "used", "transparent"),
    [(5, 0, False), (5, 5, True)],
    ids=["transparent-index-unused", "transparent-index-used"],
)
def test_a_palette_png_is_transparent_only_where_a_pixel_is(
    upload: Upload, local: Stored, transparency: int, used: int, transparent: bool
) -> None:
    response = upload(_palette_png(transparency, used), "gif-like.png")
    assert response.status_code == HTTPStatus.CREATED, response.get_data(as_text=True)
    item = response.json["item"]
    assert (item["format"], item["transparent"]) == ("png", transparent)
    kept = local.storage.get(f"{item['sha256']}/original.png")
    assert kept is not None
    assert images.open_image(kept).mode == ("RGBA" if transparent else "RGB")


def _form(*parts: tuple[bytes, bytes]) -> tuple[bytes, str]:
    body = b""
    for headers, content in parts:
        body += b"--XyZ\r\n" + headers + b"\r\n\r\n" + content + b"\r\n"
    return body + b"--XyZ--\r\n", "multipart/form-data; boundary=XyZ"


def _file_part(data: bytes) -> tuple[bytes, bytes]:
    disposition = b'Content-Disposition: form-data; name="file"; filename="p.jpg"'
    return disposition + b"\r\nContent-Type: image/jpeg", data


def _field(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    return b'Content-Disposition: form-data; name="' + name + b'"', value


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (b"alt", b"a\x00b"),
        (b"slug", b"x\x00y"),
        (b"caption", b"caf\xe9"),
        (b"attribution", b"\xff\xfe"),
    ],
    ids=["nul-alt", "nul-slug", "latin-1", "not-utf-8"],
)
def test_form_fields_are_strict_utf_8_without_nul_and_store_nothing(
    editor: Client, local: Stored, session: Session, name: bytes, value: bytes
) -> None:
    before = assets(session)
    body, content_type = _form(_file_part(images.picture(64, 45, "JPEG")), _field(name, value))
    response = editor.post("/v1/admin/media-uploads", data=body, content_type=content_type)
    problem = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY)
    assert set(problem["errors"]) == {f"form.{name.decode()}"}
    assert local.files() == [] and assets(session) == before


def test_two_files_are_422(editor: Client, local: Stored, session: Session) -> None:
    before = assets(session)
    body, content_type = _form(
        _file_part(images.picture(64, 45, "JPEG")), _file_part(images.picture(65, 45, "JPEG"))
    )
    response = editor.post("/v1/admin/media-uploads", data=body, content_type=content_type)
    problem = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "one")
    assert set(problem["errors"]) == {"form.file"}
    assert local.files() == [] and assets(session) == before


def test_an_empty_file_is_422(upload: Upload, local: Stored) -> None:
    problem = assert_problem(upload(b""), HTTPStatus.UNPROCESSABLE_ENTITY, "empty")
    assert set(problem["errors"]) == {"form.file"}
    assert local.files() == []


def test_an_upload_retried_after_a_lost_race_is_created(
    upload: Upload, local: Stored, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.admin import items

    real = items.create_item
    calls: list[int] = []

    def lost_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise sa.exc.IntegrityError("INSERT", {}, Exception("a lost race"))
        return real(*args, **kwargs)

    monkeypatch.setattr(items, "create_item", lost_once)
    before = assets(session)
    response = upload(images.picture(71, 52, "JPEG"), alt="Retried")
    assert response.status_code == HTTPStatus.CREATED, response.get_data(as_text=True)
    assert len(calls) == 2 and assets(session) == before + 1
    assert response.json["item"]["alt"] == "Retried"
    assert len(local.files()) == 3  # 71 px wide: its original and 71w in WebP and JPEG


def test_past_pillows_own_pixel_limit_is_413_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.media import images as media_images

    data = images.picture(100, 100, "PNG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(media_images.ImageTooLarge):
        media_images.pixels_of(data)
