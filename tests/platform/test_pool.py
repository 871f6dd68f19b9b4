"""When every database connection is busy: a short wait, then 503 with Retry-After, never a
500; and requests that miss the recommendation rules together load them once."""

from __future__ import annotations

import threading
import time
from http import HTTPStatus
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.content.cache import LRU
from service.db import Database
from service.recommendations import services
from service.recommendations.engine import Rules
from tests.helpers import assert_problem
from tests.toolkit.live import MakeApp


def test_a_request_that_finds_no_free_connection_is_503_with_retry_after(
    make_app: MakeApp,
) -> None:
    app = make_app(database_pool_size=1, database_pool_timeout=1)
    database: Database = app.extensions["db"]
    held = [database.engine.connect() for _ in range(2)]  # the pool and its overflow
    try:
        assert database.engine.pool.checkedout() == 2  # type: ignore[attr-defined]
        started = time.monotonic()
        response = app.test_client().post(
            "/v1/recommendations",
            json={"symptoms": ["stiffness"], "hours_since_onset": 30, "minutes_available": 10},
        )
        waited = time.monotonic() - started
    finally:
        for connection in held:
            connection.close()
    body = assert_problem(response, HTTPStatus.SERVICE_UNAVAILABLE, "busy")
    assert response.headers["Retry-After"] == "1"
    assert "QueuePool" not in body["detail"]
    assert 0.9 <= waited < 5
    # Once a connection is free again, the same request is answered.
    again = app.test_client().post(
        "/v1/recommendations",
        json={"symptoms": ["stiffness"], "hours_since_onset": 30, "minutes_available": 10},
    )
    assert again.status_code == HTTPStatus.OK, again.get_data(as_text=True)


def test_requests_that_miss_the_rules_together_load_them_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    requests = 8
    loads: list[int] = []
    rules: Any = object()

    def slow_load(_session: Session) -> Rules:
        loads.append(1)
        time.sleep(0.2)  # a large catalogue
        result: Rules = rules
        return result

    monkeypatch.setattr(services, "load_rules", slow_load)
    cache, loading = LRU(4), threading.Lock()
    start = threading.Barrier(requests)
    got: list[object] = []

    def request() -> None:
        start.wait(5)
        got.append(services.current_rules(7, sa.orm.Session(), cache, loading))

    threads = [threading.Thread(target=request) for _ in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(got) == requests and all(item is rules for item in got)
    assert len(loads) == 1
    # A new content version is loaded again, once.
    services.current_rules(8, sa.orm.Session(), cache, loading)
    assert len(loads) == 2
