"""Storage that scales out: instances on one bucket serve what any of them stored."""

from __future__ import annotations

import io
from collections.abc import Iterator
from http import HTTPStatus

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from service import create_app
from service.config import ConfigError, Settings
from service.db import Database
from service.media.images import EXTENSIONS
from service.media.models import MediaAsset
from service.media.storage import S3Storage
from tests.helpers import assert_problem
from tests.media import images
from tests.media.conftest import Upload, use_storage
from tests.reliability.servers import free_port
from tests.toolkit.clients import Client, client_with
from tests.toolkit.live import MakeLiveAdmin
from tests.toolkit.seaweedfs import S3Server


def test_an_upload_through_one_instance_is_served_by_another(
    s3_server: S3Server, make_live_admin: MakeLiveAdmin, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in s3_server.environment.items():
        monkeypatch.setenv(name, value)
    prefix = s3_server.new_prefix()
    live = make_live_admin(media_storage=f"s3://{s3_server.bucket}/{prefix}")
    other = create_app(live.app.config["SETTINGS"])
    try:
        assert isinstance(other.extensions["media"]["storage"], S3Storage)
        one, two = client_with(live.app, live.editor_key), client_with(other)
        form = {"file": (io.BytesIO(images.picture(1300, 700, "JPEG")), "x.jpg"), "alt": "A"}
        uploaded = one.post(
            "/v1/admin/media-uploads", data=form, content_type="multipart/form-data"
        )
        assert uploaded.status_code == HTTPStatus.CREATED, uploaded.get_data(as_text=True)
        sha = uploaded.json["item"]["sha256"]
        keys = s3_server.keys(f"{prefix}/")
        assert len(keys) == 7 and all(key.startswith(f"{prefix}/{sha}/") for key in keys)
        for name in ("original.jpg", "1280w.webp", "320w.jpg"):
            served = two.get(f"/v1/media/files/{sha}/{name}")
            assert served.status_code == HTTPStatus.OK, name
            assert served.data == one.get(f"/v1/media/files/{sha}/{name}").data
        # Deleted through the second instance, the files go from the bucket.
        editor = client_with(other, live.editor_key)
        etag = editor.get(f"/v1/admin/media/{sha}").headers["ETag"]
        deleted = editor.delete(f"/v1/admin/media/{sha}", headers={"If-Match": etag})
        assert deleted.status_code == HTTPStatus.NO_CONTENT
        assert s3_server.keys(f"{prefix}/") == []
    finally:
        database: Database = other.extensions["db"]
        database.dispose()


@pytest.mark.parametrize("value", ["s3://", "https://bucket/x", "bucket/prefix"])
def test_media_storage_must_name_a_bucket(value: str) -> None:
    with pytest.raises(ConfigError, match="MEDIA_STORAGE"):
        Settings.from_env({"MEDIA_STORAGE": value})


def test_media_limits_are_read_and_checked() -> None:
    settings = Settings.from_env({"MEDIA_MAX_BYTES": "2048", "MEDIA_MAX_PIXELS": "5000"})
    assert (settings.media_max_bytes, settings.media_max_pixels) == (2048, 5000)
    with pytest.raises(ConfigError, match="MEDIA_MAX_BYTES"):
        Settings.from_env({"MEDIA_MAX_BYTES": "lots"})


@pytest.fixture
def unreachable(app: Flask) -> Iterator[None]:
    """The app's pictures in a bucket whose server does not answer (nothing listens)."""
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{free_port()}",
        aws_access_key_id="backcare",
        aws_secret_access_key="backcare",
        region_name="us-east-1",
        config=Config(connect_timeout=1, read_timeout=1, retries={"max_attempts": 1}),
    )
    before = use_storage(app, S3Storage("pictures", "test", client=client))
    try:
        yield
    finally:
        use_storage(app, before)


def test_a_store_that_does_not_answer_is_a_503_and_stores_nothing(
    unreachable: None, upload: Upload, client: Client, editor: Client, session: Session
) -> None:
    refused = upload(images.picture(320, 240, "JPEG"), slug="not-stored")
    assert_problem(refused, HTTPStatus.SERVICE_UNAVAILABLE, "picture store")
    assert refused.headers["Retry-After"] == "5"
    assert editor.get("/v1/admin/media/not-stored").status_code == HTTPStatus.NOT_FOUND
    # A file of a picture an asset shows (a seeded one): its name is known, the store is asked.
    sha256, fmt = session.execute(
        sa.select(MediaAsset.sha256, MediaAsset.format).order_by(MediaAsset.id).limit(1)
    ).one()
    served = client.get(f"/v1/media/files/{sha256}/original.{EXTENSIONS[fmt]}")
    assert_problem(served, HTTPStatus.SERVICE_UNAVAILABLE, "picture store")
