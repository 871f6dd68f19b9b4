"""Where the files are kept: a folder on local disk, or an S3-compatible bucket.

Keys are `<sha256>/<name>` (`<sha256>/original.jpg`, `<sha256>/640w.webp`): one folder, or
prefix, per picture, so that a picture's files are found and removed together.
`MEDIA_STORAGE=s3://bucket/prefix` stores them in a bucket (boto3, with the endpoint and
credentials boto3 reads from the environment: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_REGION), so that every instance serves the same files.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from service.errors import ServiceError

Result = TypeVar("Result")


class StorageUnavailable(ServiceError):
    """The object store did not answer, or refused what it should have taken: a 503."""

    status = HTTPStatus.SERVICE_UNAVAILABLE
    retry_after = 5


UNAVAILABLE = "The picture store is unavailable; try again shortly."


def _answered(method: Callable[..., Result]) -> Callable[..., Result]:
    """The object store's failures (unreachable, timed out, refused) as StorageUnavailable."""

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Result:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return method(*args, **kwargs)
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(UNAVAILABLE) from error

    return call


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def exists(self, key: str) -> bool: ...

    def keys(self, prefix: str = "") -> list[str]: ...

    def delete_prefix(self, prefix: str) -> None: ...


class LocalStorage:
    """Files under one folder; each is written to a temporary name, then renamed into place."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def keys(self, prefix: str = "") -> list[str]:
        if not self.root.is_dir():
            return []
        found = [
            path.relative_to(self.root).as_posix()
            for path in self.root.rglob("*")
            if path.is_file() and not path.name.startswith(".incoming-")
        ]
        return sorted(key for key in found if key.startswith(prefix))

    def delete_prefix(self, prefix: str) -> None:
        for key in self.keys(prefix):
            self._path(key).unlink(missing_ok=True)
        folder = self._path(prefix.rstrip("/"))
        if prefix and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


class S3Storage:
    """Objects in a bucket, under a prefix."""

    def __init__(self, bucket: str, prefix: str, client: Any = None) -> None:
        if client is None:
            import boto3
            from botocore.config import Config

            # A store that does not answer must not hold a request past the worker's timeout.
            config = Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 2})
            client = boto3.client("s3", config=config)
        self.client = client
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""

    @_answered
    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self.prefix + key, Body=data, ContentType=content_type
        )

    @_answered
    def get(self, key: str) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except self.client.exceptions.NoSuchKey:
            return None
        body: bytes = answer["Body"].read()
        return body

    @_answered
    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    @_answered
    def keys(self, prefix: str = "") -> list[str]:
        found: list[str] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            found += [entry["Key"][len(self.prefix) :] for entry in page.get("Contents", [])]
        return sorted(found)

    @_answered
    def delete_prefix(self, prefix: str) -> None:
        keys = self.keys(prefix)
        for start in range(0, len(keys), 1000):
            chunk = keys[start : start + 1000]
            self.client.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": self.prefix + key} for key in chunk]},
            )


def storage_for(url: str | None, root: Path) -> Storage:
    """The storage MEDIA_STORAGE names: `s3://bucket/prefix`, or local disk under `root`."""
    if not url:
        return LocalStorage(root)
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"MEDIA_STORAGE must be s3://bucket/prefix, got {url!r}")
    return S3Storage(parts.netloc, parts.path)
