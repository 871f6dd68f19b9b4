"""Renditions: the widths and types made, served for good with ETags, rebuilt when missing."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest

from service.media import files
from service.media import images as media_images
from tests.helpers import assert_problem
from tests.media import images
from tests.media.conftest import Publish, Stored, Upload
from tests.toolkit.clients import Client

IMMUTABLE = "public, max-age=31536000, immutable"


def test_a_wide_picture_gets_three_widths_in_webp_and_jpeg(
    upload: Upload, stored: Stored, client: Client
) -> None:
    item = upload(images.picture(2000, 1000, "JPEG")).json["item"]
    sha = item["sha256"]
    expected = {
        "original.jpg": ("image/jpeg", 2000, 1000),
        "320w.webp": ("image/webp", 320, 160),
        "320w.jpg": ("image/jpeg", 320, 160),
        "640w.webp": ("image/webp", 640, 320),
        "640w.jpg": ("image/jpeg", 640, 320),
        "1280w.webp": ("image/webp", 1280, 640),
        "1280w.jpg": ("image/jpeg", 1280, 640),
    }
    assert sorted(stored.files()) == sorted(f"{sha}/{name}" for name in expected)
    for name, (mime, width, height) in expected.items():
        response = client.get(f"/v1/media/files/{sha}/{name}")
        assert response.status_code == HTTPStatus.OK, name
        assert response.mimetype == mime
        assert images.open_image(response.data).size == (width, height), name
        assert response.headers["Cache-Control"] == IMMUTABLE


def test_a_narrow_picture_is_never_enlarged(upload: Upload, local: Stored, client: Client) -> None:
    sha = upload(images.picture(500, 250, "JPEG")).json["item"]["sha256"]
    names = sorted(key.split("/", 1)[1] for key in local.files())
    assert names == ["320w.jpg", "320w.webp", "500w.jpg", "500w.webp", "original.jpg"]
    for name in ("640w.webp", "1280w.jpg"):
        assert_problem(client.get(f"/v1/media/files/{sha}/{name}"), HTTPStatus.NOT_FOUND, name)


def test_files_have_a_strong_etag_and_answer_304(
    upload: Upload, local: Stored, client: Client
) -> None:
    sha = upload(images.picture(700, 500, "PNG")).json["item"]["sha256"]
    first = client.get(f"/v1/media/files/{sha}/640w.webp")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get(f"/v1/media/files/{sha}/640w.webp", headers={"If-None-Match": etag})
    assert again.status_code == HTTPStatus.NOT_MODIFIED and again.data == b""
    assert again.headers["Cache-Control"] == IMMUTABLE
    other = client.get(f"/v1/media/files/{sha}/320w.webp", headers={"If-None-Match": etag})
    assert other.status_code == HTTPStatus.OK


def test_a_missing_rendition_is_made_again_byte_for_byte(
    upload: Upload, stored: Stored, client: Client
) -> None:
    sha = upload(images.picture(1500, 900, "JPEG")).json["item"]["sha256"]
    key = f"{sha}/640w.webp"
    before = stored.storage.get(key)
    stored.remove(key)
    assert key not in stored.files()
    served = client.get(f"/v1/media/files/{sha}/640w.webp")
    assert served.status_code == HTTPStatus.OK
    assert served.data == before
    assert stored.storage.get(key) == before


def test_unknown_pictures_and_names_are_404_problems(
    upload: Upload, local: Stored, client: Client
) -> None:
    sha = upload(images.picture(400, 400, "PNG")).json["item"]["sha256"]
    for path in (
        f"/v1/media/files/{'0' * 64}/320w.webp",
        f"/v1/media/files/{sha}/320w.gif",
        f"/v1/media/files/{sha}/..%2F..%2Fsecret",
        f"/v1/media/files/{sha.upper()}/320w.webp",
    ):
        assert_problem(client.get(path), HTTPStatus.NOT_FOUND)


def test_a_published_asset_lists_its_variants_with_their_urls(
    publish: Publish, local: Stored, client: Client
) -> None:
    view = publish(images.picture(1000, 800, "JPEG"), "side-plank")
    sha = view["item"]["sha256"]
    detail = client.get("/v1/media/side-plank")
    assert detail.status_code == HTTPStatus.OK
    variants = detail.json["variants"]
    assert {
        "name": "640w.webp",
        "url": f"/v1/media/files/{sha}/640w.webp",
        "width": 640,
        "height": 512,
        "type": "image/webp",
    } in variants
    for variant in variants:
        served = client.get(variant["url"])
        assert served.status_code == HTTPStatus.OK and served.mimetype == variant["type"]
        assert images.open_image(served.data).size == (variant["width"], variant["height"])


def test_a_draft_asset_is_not_public(upload: Upload, local: Stored, client: Client) -> None:
    upload(images.picture(300, 300, "PNG"), slug="draft-picture", alt="Alt")
    assert_problem(client.get("/v1/media/draft-picture"), HTTPStatus.NOT_FOUND)
    listed = client.get("/v1/media?page_size=100").json["items"]
    assert "draft-picture" not in {item["slug"] for item in listed}


def test_a_name_the_picture_does_not_have_is_404_without_reading_its_original(
    upload: Upload, local: Stored, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    png = upload(images.picture(700, 500, "PNG")).json["item"]["sha256"]
    jpeg = upload(images.picture(2000, 1000, "JPEG")).json["item"]["sha256"]

    def never(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the original was read")

    monkeypatch.setattr(files, "find_original", never)
    monkeypatch.setattr(media_images, "pixels_of", never)
    for sha, name in (
        (png, "1w.webp"),
        (png, "2w.png"),
        (png, "original.jpg"),
        (png, "700w.png"),
        (png, "1280w.webp"),
        (jpeg, "999999w.jpg"),
        (jpeg, "2000w.webp"),
        (jpeg, "1280w.png"),
        ("0" * 64, "320w.webp"),
    ):
        assert_problem(client.get(f"/v1/media/files/{sha}/{name}"), HTTPStatus.NOT_FOUND, name)


def test_if_none_match_star_is_304_only_for_a_file_that_is(
    upload: Upload, local: Stored, client: Client
) -> None:
    sha = upload(images.picture(700, 500, "PNG")).json["item"]["sha256"]
    star = {"If-None-Match": "*"}
    kept = client.get(f"/v1/media/files/{sha}/640w.webp", headers=star)
    assert kept.status_code == HTTPStatus.NOT_MODIFIED
    for path in (f"{'0' * 64}/640w.webp", f"{sha}/1w.webp", f"{sha}/original.jpg"):
        assert_problem(client.get(f"/v1/media/files/{path}", headers=star), HTTPStatus.NOT_FOUND)
