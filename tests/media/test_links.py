"""Items that show pictures: embeds in public details, the alt text rule, delete rules, sync."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from flask import Flask

from service.media_api.archive import import_files
from tests.helpers import assert_problem
from tests.media import images
from tests.media.conftest import Publish, Stored, Upload
from tests.sync.helpers import OfflineCopy
from tests.toolkit.clients import Client
from tests.toolkit.pictures import seed_pictures


def change(editor: Client, path: str, body: dict[str, Any]) -> Any:
    etag = editor.get(path).headers["ETag"]
    return editor.patch(path, json=body, headers={"If-Match": etag})


def show(editor: Client, path: str, *links: tuple[str, str]) -> None:
    media = [{"asset": asset, "role": role} for asset, role in links]
    response = change(editor, path, {"media": media})
    assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/stretches/cat-cow",
        "/v1/exercises/bird-dog",
        "/v1/routines/suggested-stretching-routine",
    ],
)
def test_details_embed_their_published_pictures_in_order(
    publish: Publish, upload: Upload, local: Stored, editor: Client, client: Client, path: str
) -> None:
    start = publish(images.picture(1200, 800, "JPEG"), "move-start", alt="Starting position.")
    end = publish(images.picture(1200, 801, "JPEG"), "move-end", alt="End position.")
    upload(images.picture(1200, 802, "JPEG"), slug="move-draft", alt="Not reviewed yet.")
    admin = path.replace("/v1/", "/v1/admin/")
    show(editor, admin, ("move-end", "thumbnail"), ("move-draft", "step"), ("move-start", "step"))
    media = client.get(path).json["media"]
    # The draft is never shown; the others keep their order among the item's pictures.
    assert [(m["role"], m["order"], m["asset"]["slug"]) for m in media] == [
        ("thumbnail", 1, "move-end"),
        ("step", 3, "move-start"),
    ]
    first = media[0]["asset"]
    assert first["alt"] == "End position."
    sha = end["item"]["sha256"]
    assert f"/v1/media/files/{sha}/640w.webp" in {v["url"] for v in first["variants"]}
    assert start["item"]["sha256"] != sha


def test_a_routine_picture_can_show_one_of_its_steps(
    publish: Publish, local: Stored, editor: Client, client: Client
) -> None:
    publish(images.picture(800, 600, "JPEG"), "second-step")
    admin = "/v1/admin/routines/suggested-stretching-routine"
    shown = change(editor, admin, {"media": [{"asset": "second-step", "role": "step", "step": 2}]})
    assert shown.status_code == HTTPStatus.OK, shown.get_data(as_text=True)
    media = client.get("/v1/routines/suggested-stretching-routine").json["media"]
    assert [(m["step"], m["asset"]["slug"]) for m in media] == [(2, "second-step")]
    too_far = change(
        editor, admin, {"media": [{"asset": "second-step", "role": "step", "step": 9}]}
    )
    assert_problem(too_far, HTTPStatus.UNPROCESSABLE_ENTITY, "json.media.0.step")


def test_links_name_real_assets_and_roles(editor: Client, local: Stored) -> None:
    unknown = change(
        editor, "/v1/admin/stretches/cat-cow", {"media": [{"asset": "nope", "role": "step"}]}
    )
    assert_problem(unknown, HTTPStatus.UNPROCESSABLE_ENTITY, "json.media.0.asset", "nope")
    role = change(
        editor,
        "/v1/admin/stretches/cat-cow",
        {"media": [{"asset": "cat-cow-round-back", "role": "poster"}]},
    )
    assert_problem(role, HTTPStatus.UNPROCESSABLE_ENTITY, "json.media.0.role")


def test_a_picture_without_alt_text_cannot_be_published_by_any_path(
    upload: Upload, local: Stored, editor: Client
) -> None:
    created = upload(images.picture(500, 500, "PNG"), slug="no-alt")
    review = {
        "last_reviewed": "2026-12-01",
        "reviewed_by": "Physio",
        "sources": ["backcare-editorial"],
    }
    assert change(editor, "/v1/admin/media/no-alt", review).status_code == HTTPStatus.OK
    # publish
    assert_problem(
        editor.post("/v1/admin/media/no-alt/publish"), HTTPStatus.UNPROCESSABLE_ENTITY, "alt"
    )
    # PATCH and PUT
    item = editor.get("/v1/admin/media/no-alt").json["item"]
    patched = change(editor, "/v1/admin/media/no-alt", {"status": "published"})
    assert_problem(patched, HTTPStatus.UNPROCESSABLE_ENTITY, "json.alt")
    etag = editor.get("/v1/admin/media/no-alt").headers["ETag"]
    put = editor.put(
        "/v1/admin/media/no-alt", json={**item, "status": "published"}, headers={"If-Match": etag}
    )
    assert_problem(put, HTTPStatus.UNPROCESSABLE_ENTITY, "json.alt")
    # bundle import
    imported = editor.post("/v1/admin/import", json={"media": [{**item, "status": "published"}]})
    body = assert_problem(imported, HTTPStatus.UNPROCESSABLE_ENTITY, "media.0.alt")
    assert "nothing was written" in body["detail"]
    assert editor.get("/v1/admin/media/no-alt").json["item"]["status"] == "draft"
    assert created.json["item"]["alt"] is None
    # A published picture cannot lose its alt text either.
    seeded = change(editor, "/v1/admin/media/cat-cow-round-back", {"alt": None})
    assert_problem(seeded, HTTPStatus.UNPROCESSABLE_ENTITY, "json.alt")


def test_a_published_picture_cites_a_source(upload: Upload, local: Stored, editor: Client) -> None:
    upload(images.picture(500, 500, "PNG"), slug="no-source", alt="Alt text")
    review = {"last_reviewed": "2026-12-01", "reviewed_by": "Physio"}
    assert change(editor, "/v1/admin/media/no-source", review).status_code == HTTPStatus.OK
    refused = editor.post("/v1/admin/media/no-source/publish")
    body = assert_problem(refused, HTTPStatus.UNPROCESSABLE_ENTITY, "backcare-editorial")
    assert set(body["errors"]) == {"item.sources"}
    cited = change(editor, "/v1/admin/media/no-source", {"sources": ["backcare-editorial"]})
    assert cited.status_code == HTTPStatus.OK
    assert editor.post("/v1/admin/media/no-source/publish").status_code == HTTPStatus.OK


def test_an_asset_in_use_cannot_be_deleted_and_says_who_uses_it(
    publish: Publish, stored: Stored, editor: Client
) -> None:
    publish(images.picture(900, 600, "JPEG"), "in-use")
    show(editor, "/v1/admin/stretches/cat-cow", ("in-use", "illustration"))
    show(editor, "/v1/admin/exercises/plank", ("in-use", "thumbnail"))
    files = stored.files()
    etag = editor.get("/v1/admin/media/in-use").headers["ETag"]
    refused = editor.delete("/v1/admin/media/in-use", headers={"If-Match": etag})
    assert_problem(refused, HTTPStatus.CONFLICT, "stretches 'cat-cow'", "exercises 'plank'")
    assert stored.files() == files and len(files) == 7


def test_an_unused_asset_is_deleted_with_its_files(
    upload: Upload, stored: Stored, editor: Client
) -> None:
    kept = upload(images.picture(800, 600, "JPEG"), slug="kept").json["item"]["sha256"]
    gone = upload(images.picture(801, 600, "JPEG"), slug="gone").json["item"]["sha256"]
    assert len([k for k in stored.files() if k.startswith(gone)]) == 7
    etag = editor.get("/v1/admin/media/gone").headers["ETag"]
    deleted = editor.delete("/v1/admin/media/gone", headers={"If-Match": etag})
    assert deleted.status_code == HTTPStatus.NO_CONTENT
    assert [k for k in stored.files() if not k.startswith(kept)] == []
    assert len(stored.files()) == 7


def test_a_file_two_assets_show_stays_until_the_last_goes(
    upload: Upload, local: Stored, editor: Client
) -> None:
    first = upload(images.picture(640, 480, "JPEG"), slug="first").json["item"]
    second = editor.post("/v1/admin/media", json={**first, "slug": "second"})
    assert second.status_code == HTTPStatus.CREATED, second.get_data(as_text=True)
    # 640 px wide: the original, and 320 and 640 in WebP and JPEG.
    for slug, left in (("first", 5), ("second", 0)):
        etag = editor.get(f"/v1/admin/media/{slug}").headers["ETag"]
        assert (
            editor.delete(f"/v1/admin/media/{slug}", headers={"If-Match": etag}).status_code == 204
        )
        assert len(local.files()) == left


def test_sync_sends_again_the_items_that_show_a_changed_picture(
    publish: Publish, local: Stored, editor: Client, client: Client
) -> None:
    publish(images.picture(800, 600, "JPEG"), "synced")
    show(editor, "/v1/admin/stretches/cat-cow", ("synced", "illustration"))
    copy = OfflineCopy(client)
    copy.sync()
    assert copy.items["stretches", "cat-cow"]["media"][0]["asset"]["caption"] is None
    assert change(editor, "/v1/admin/media/synced", {"caption": "Slowly."}).status_code == 200
    before = dict(copy.items)
    copy.sync()
    assert copy.items["stretches", "cat-cow"]["media"][0]["asset"]["caption"] == "Slowly."
    assert copy.items["media", "synced"]["caption"] == "Slowly."
    assert copy.items != before
    # Unpublished, the picture leaves the stretch's embedded data too.
    assert editor.post("/v1/admin/media/synced/unpublish").status_code == 200
    copy.sync()
    assert copy.items["stretches", "cat-cow"]["media"] == []
    assert ("media", "synced") not in copy.items


def test_an_import_that_prunes_a_picture_removes_its_files_and_one_refused_keeps_them(
    upload: Upload, local: Stored, editor: Client, app: Flask
) -> None:
    import_files(local.storage, seed_pictures(), app.extensions["media"]["limits"])
    seeded = local.files()
    upload(images.picture(800, 500, "JPEG"), slug="pruned")
    bundle = editor.get("/v1/admin/export").json
    kept = [item for item in bundle["media"] if item["slug"] != "pruned"]
    # Refused as a whole (a bad item beside the prune): nothing is deleted, no file goes.
    refused = editor.post(
        "/v1/admin/import?prune=true", json={"media": [*kept, {"slug": "Not a slug"}]}
    )
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert len(local.files()) == len(seeded) + 7
    pruned = editor.post("/v1/admin/import?prune=true", json={"media": kept})
    assert pruned.status_code == HTTPStatus.OK, pruned.get_data(as_text=True)
    assert pruned.json["collections"]["media"]["deleted"] == 1
    assert local.files() == seeded


def test_an_asset_pointed_at_another_picture_takes_the_old_files_with_it(
    upload: Upload, stored: Stored, editor: Client
) -> None:
    first = upload(images.picture(800, 600, "JPEG"), slug="first").json["item"]
    second = upload(images.picture(801, 600, "JPEG"), slug="second").json["item"]
    picture = {k: second[k] for k in ("sha256", "format", "width", "height", "byte_size")}
    moved = change(editor, "/v1/admin/media/first", {**picture, "transparent": False})
    assert moved.status_code == HTTPStatus.OK, moved.get_data(as_text=True)
    # Nothing names the first picture any more: its files are gone, the second's stay.
    assert [k for k in stored.files() if k.startswith(first["sha256"])] == []
    assert len([k for k in stored.files() if k.startswith(second["sha256"])]) == 7
