"""The service through PgBouncer in transaction pooling mode, both real, on loopback.

Two instances of two workers each share a pool of two server connections, so consecutive
transactions of one worker run on different server connections: prepared statements and a
session-level LISTEN would break there. With DATABASE_POOLER=transaction the service prepares
nothing and polls the content version instead of listening for it.
"""

from __future__ import annotations

import json
import time

import pytest

from service.listener import POLL_SECONDS
from tests.helpers import call
from tests.reliability.servers import gunicorn, pgbouncer, prepare_database
from tests.toolkit.database import MakeDatabaseUrl

pytestmark = pytest.mark.postgres_only
SLUG = "how-to-stretch-safely"


def test_reads_writes_sync_and_new_versions_work_through_a_transaction_pooler(
    make_database_url: MakeDatabaseUrl,
) -> None:
    direct = make_database_url()
    secret = prepare_database(direct)
    auth = {"Authorization": f"Bearer {secret}"}
    with pgbouncer(direct, pool_size=2) as pooler:
        env = {"DATABASE_POOLER": "transaction", "RATELIMIT_ENABLED": "false"}
        url = pooler.url(direct)
        with gunicorn(url, workers=2, **env) as one, gunicorn(url, workers=2, **env) as two:
            # More reads than psycopg's prepare threshold (5) on every worker.
            for _ in range(12):
                for base in (one.url, two.url):
                    assert call(base + "/v1/faqs?page_size=5")[0] == 200
                    assert call(f"{base}/v1/faqs/{SLUG}")[0] == 200
                    assert call(base + "/v1/stretches?q=cat")[0] == 200
            status, _h, body = call(
                two.url + "/v1/recommendations", "POST", {"symptoms": ["stiffness"]}
            )
            assert status == 200, body
            _s, before, _b = call(f"{two.url}/v1/faqs/{SLUG}")
            cursor = json.loads(call(two.url + "/v1/sync?limit=1000")[2])["cursor"]
            _s, headers, _b = call(f"{one.url}/v1/admin/faqs/{SLUG}", headers=auth)
            status, _h, body = call(
                f"{one.url}/v1/admin/faqs/{SLUG}",
                "PATCH",
                {"answer": "Written through the pooler."},
                {**auth, "If-Match": headers["ETag"]},
            )
            assert status == 200, body
            # Instance two learns of the new version within one poll, on both its workers.
            time.sleep(POLL_SECONDS + 0.5)
            for _ in range(6):
                status, headers, body = call(
                    f"{two.url}/v1/faqs/{SLUG}", headers={"If-None-Match": before["ETag"]}
                )
                assert status == 200, "a stale 304 after the write"
                assert json.loads(body)["answer"] == "Written through the pooler."
            changes = json.loads(call(f"{two.url}/v1/sync?since={cursor}")[2])
            assert [item["slug"] for item in changes["items"]] == [SLUG]
            # A bad write changes nothing and is a problem, not a 500, through the pooler too.
            status, headers, _b = call(
                f"{one.url}/v1/admin/faqs/{SLUG}",
                "PATCH",
                {"answer": ""},
                {**auth, "If-Match": '"stale"'},
            )
            assert 400 <= status < 500 and "problem+json" in headers["Content-Type"]
            for server in (one, two):
                log = server.log_text()
                assert "prepared statement" not in log and "Traceback" not in log, log
