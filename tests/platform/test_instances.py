"""Two instances behind one database and one Redis, run for real with gunicorn on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.helpers import call
from tests.reliability.servers import gunicorn, prepare_database
from tests.toolkit.database import MakeDatabaseUrl

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
pytestmark = pytest.mark.postgres_only


@contextmanager
def instance(
    env: dict[str, str], workers: int = 1
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """One instance of the service under gunicorn, on the shared database of `env`."""
    settings = {k: v for k, v in env.items() if k != "DATABASE_URL"}
    with gunicorn(env["DATABASE_URL"], workers=workers, **settings) as server:
        yield server.url, server.process


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"Redis at {REDIS_URL} is unreachable: {error}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {error}")
    return REDIS_URL


@pytest.fixture
def shared(make_database_url: MakeDatabaseUrl) -> tuple[str, str]:
    """A seeded database of its own, and an editor key for it."""
    url = make_database_url()
    return url, prepare_database(url)


def test_a_rate_limit_holds_across_instances(shared: tuple[str, str], redis_url: str) -> None:
    url, _secret = shared
    env = {
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "RATELIMIT_ENABLED": "true",
        "RATELIMIT_PUBLIC": "6/minute",
        "RATELIMIT_ADMIN": "100/minute",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    with instance(env) as (one, _p1), instance(env) as (two, _p2):
        # Three requests on each instance spend the budget of 6 shared through Redis.
        for base in (one, two, one, two, one, two):
            assert call(base + "/v1/faqs")[0] == 200
        status, headers, _body = call(two + "/v1/faqs")
        assert status == 429
        assert headers["Content-Type"] == "application/problem+json"
        assert int(headers["Retry-After"]) > 0
        assert call(one + "/v1/stretches")[0] == 429


def test_a_write_through_one_instance_is_seen_through_the_other_at_once(
    shared: tuple[str, str],
) -> None:
    url, secret = shared
    env = {"DATABASE_URL": url, "RATELIMIT_ENABLED": "false"}
    auth = {"Authorization": f"Bearer {secret}"}
    slug = "how-to-stretch-safely"
    with instance(env, workers=2) as (one, _p1), instance(env, workers=2) as (two, _p2):
        _s, listing_headers, _b = call(two + "/v1/faqs")
        _s, detail_headers, _b = call(f"{two}/v1/faqs/{slug}")
        cursor = json.loads(call(two + "/v1/sync?limit=1000")[2])["cursor"]
        status, headers, _b = call(f"{one}/v1/admin/faqs/{slug}", headers=auth)
        status, _h, _b = call(
            f"{one}/v1/admin/faqs/{slug}",
            "PATCH",
            {"answer": "Written through instance one."},
            {**auth, "If-Match": headers["ETag"]},
        )
        assert status == 200
        # Every worker of instance two, at once: several requests land on both workers.
        for _ in range(6):
            status, headers, body = call(
                f"{two}/v1/faqs/{slug}", headers={"If-None-Match": detail_headers["ETag"]}
            )
            assert status == 200, "a stale 304 after the write"
            assert json.loads(body)["answer"] == "Written through instance one."
            assert headers["ETag"] != detail_headers["ETag"]
            assert call(two + "/v1/faqs")[1]["ETag"] != listing_headers["ETag"]
        changes = json.loads(call(f"{two}/v1/sync?since={cursor}")[2])
        assert [i["slug"] for i in changes["items"]] == [slug]
        assert changes["cursor"] != cursor


def test_sigterm_lets_an_in_flight_import_finish(shared: tuple[str, str]) -> None:
    url, secret = shared
    bundle = {
        "faqs": [
            {
                "slug": f"graceful-{n}",
                "question": f"Question {n}?",
                "answer": "An answer.",
                "position": 100 + n,
                "status": "draft",
                "sources": ["article-back-pain-after-stretching"],
            }
            for n in range(3000)
        ]
    }
    env = {"DATABASE_URL": url, "RATELIMIT_ENABLED": "false"}
    auth = {"Authorization": f"Bearer {secret}"}
    result: dict[str, Any] = {}
    with instance(env) as (base, process):
        request = threading.Thread(
            target=lambda: result.update(
                answer=call(base + "/v1/admin/import", "POST", bundle, auth)
            )
        )
        request.start()
        time.sleep(0.3)  # the import is under way
        process.send_signal(signal.SIGTERM)
        request.join(60)
        process.wait(60)
    status, _headers, body = result["answer"]
    assert status == 200, body
    assert json.loads(body)["collections"]["faqs"]["created"] == 3000


def test_metrics_add_up_every_worker(shared: tuple[str, str]) -> None:
    url, _secret = shared
    env = {"DATABASE_URL": url, "RATELIMIT_ENABLED": "false"}
    line = 'backcare_http_requests_total{endpoint="/v1/faqs",method="GET",status="200"}'
    with instance(env, workers=3) as (base, _process):
        for _ in range(30):
            assert call(base + "/v1/faqs")[0] == 200
        # Whichever worker answers the scrape, it reports the requests of all three.
        for _ in range(6):
            text = call(base + "/metrics")[2].decode()
            counted = next(row for row in text.splitlines() if row.startswith(line))
            assert float(counted.rsplit(" ", 1)[1]) == 30.0
