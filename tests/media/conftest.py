"""Fixtures of the media tests: a storage of the test's own (local disk, or a prefix in the
SeaweedFS bucket), and uploads through the admin API."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from service.db import Database
from service.media import files
from service.media.storage import LocalStorage, S3Storage, Storage
from tests.toolkit.clients import Client, Response
from tests.toolkit.seaweedfs import S3Server


class Stored(Protocol):
    """The storage a test's app writes to, and the keys it holds."""

    @property
    def storage(self) -> Storage: ...

    def files(self) -> list[str]: ...

    def remove(self, key: str) -> None: ...


class _Local:
    def __init__(self, root: Path) -> None:
        self.storage = LocalStorage(root)

    def files(self) -> list[str]:
        # Every file on disk, temporary ones included: nothing may be left behind.
        root = self.storage.root
        if not root.is_dir():
            return []
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())

    def remove(self, key: str) -> None:
        (self.storage.root / key).unlink()


class _Bucket:
    def __init__(self, server: S3Server) -> None:
        self.server = server
        self.prefix = server.new_prefix()
        self.storage = S3Storage(server.bucket, self.prefix, client=server.client())

    def files(self) -> list[str]:
        return [k.removeprefix(f"{self.prefix}/") for k in self.server.keys(f"{self.prefix}/")]

    def remove(self, key: str) -> None:
        self.server.client().delete_object(Bucket=self.server.bucket, Key=f"{self.prefix}/{key}")


def use_storage(app: Flask, storage: Storage) -> Storage:
    """Point the app at `storage`; returns the storage it had."""
    media: dict[str, Any] = app.extensions["media"]
    before: Storage = media["storage"]
    media["storage"] = storage
    database: Database = app.extensions["db"]
    files.attach(database.sessionmaker, storage)
    return before


@pytest.fixture(params=["local", "s3"])
def stored(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> Iterator[Stored]:
    """The test's own storage, on local disk and (a second run) in a SeaweedFS bucket."""
    chosen: Stored
    if request.param == "local":
        chosen = _Local(tmp_path / "media")
    else:
        chosen = _Bucket(request.getfixturevalue("s3_server"))
    before = use_storage(app, chosen.storage)
    try:
        yield chosen
    finally:
        use_storage(app, before)


@pytest.fixture
def local(app: Flask, tmp_path: Path) -> Iterator[Stored]:
    """The test's own storage on local disk (for rules that do not depend on the storage)."""
    chosen = _Local(tmp_path / "media")
    before = use_storage(app, chosen.storage)
    try:
        yield chosen
    finally:
        use_storage(app, before)


Upload = Callable[..., Response]
Publish = Callable[..., dict[str, Any]]


@pytest.fixture
def upload(editor: Client) -> Upload:
    """POST /v1/admin/media-uploads with `data` as the file and the other fields as given."""

    def send(data: bytes, filename: str = "picture.jpg", **fields: Any) -> Response:
        form: MultiDict[str, Any] = MultiDict({k: str(v) for k, v in fields.items()})
        form.add("file", FileStorage(io.BytesIO(data), filename=filename))
        # Encoded in memory: the test client would spool a large body to a file it never
        # closes, where a real server reads the socket.
        boundary, body = encode_multipart(form)
        return editor.post(
            "/v1/admin/media-uploads",
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )

    return send


@pytest.fixture
def publish(editor: Client, upload: Upload) -> Publish:
    """Upload a picture, give it alt text and a review, publish it: its admin view."""

    def make(data: bytes, slug: str, alt: str = "A person doing the stretch.") -> dict[str, Any]:
        created = upload(data, slug=slug, alt=alt)
        assert created.status_code == 201, created.get_data(as_text=True)
        review = {
            "last_reviewed": "2026-12-01",
            "reviewed_by": "Physio",
            "sources": ["backcare-editorial"],
        }
        patched = editor.patch(
            f"/v1/admin/media/{slug}", json=review, headers={"If-Match": created.headers["ETag"]}
        )
        assert patched.status_code == 200, patched.get_data(as_text=True)
        published = editor.post(f"/v1/admin/media/{slug}/publish")
        assert published.status_code == 200, published.get_data(as_text=True)
        view: dict[str, Any] = published.json
        return view

    return make
