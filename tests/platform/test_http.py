"""What every response carries: request ids, security headers, CORS, gzip, rate limits, metrics."""

from __future__ import annotations

import gzip
import json
import logging
from http import HTTPStatus

import pytest

from service.observability import JsonFormatter
from tests.helpers import assert_problem
from tests.toolkit.clients import Client, client_with
from tests.toolkit.live import MakeApp


def test_request_id_is_generated_and_returned(client: Client) -> None:
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert first and second and first != second


def test_callers_request_id_is_kept_when_plain_and_replaced_when_not(client: Client) -> None:
    kept = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert kept.headers["X-Request-ID"] == "abc-123"
    forged = client.get("/healthz", headers={"X-Request-ID": "x {fake log}"})
    assert forged.headers["X-Request-ID"] != "x {fake log}"


def test_one_json_log_line_per_request(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="backcare.access"):
        client.get("/v1/faqs?page_size=2", headers={"X-Request-ID": "trace-me"})
    records = [r for r in caplog.records if r.name == "backcare.access"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["method"] == "GET"
    assert line["path"] == "/v1/faqs"
    assert line["status"] == 200
    assert line["request_id"] == "trace-me"
    assert line["duration_ms"] >= 0


def test_security_headers_on_api_and_docs(client: Client) -> None:
    for path in ("/v1/faqs", "/v1/faqs/nope", "/docs"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in client.get("/docs").headers["Content-Security-Policy"]


def test_cors_only_for_configured_origins(make_app: MakeApp) -> None:
    client = client_with(make_app(cors_origins=("https://app.example",)))
    allowed = client.get("/v1/faqs", headers={"Origin": "https://app.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "ETag" in allowed.headers["Access-Control-Expose-Headers"]
    other = client.get("/v1/faqs", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options(
        "/v1/recommendations",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_no_cors_headers_without_configured_origins(client: Client) -> None:
    response = client.get("/v1/faqs", headers={"Origin": "https://app.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_large_responses_are_gzipped_when_accepted(client: Client) -> None:
    plain = client.get("/v1/symptoms?page_size=100")
    zipped = client.get("/v1/symptoms?page_size=100", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert len(zipped.data) < len(plain.data)
    assert json.loads(gzip.decompress(zipped.data)) == plain.json


def test_small_responses_are_not_gzipped(client: Client) -> None:
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers


def test_rate_limit_answers_429_problem_with_retry_after(make_app: MakeApp) -> None:
    client = client_with(make_app(ratelimit_enabled=True, ratelimit_public="3/minute"))
    statuses = [client.get("/v1/faqs").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = client.get("/v1/stretches")  # the budget is per client, across endpoints
    assert_problem(response, HTTPStatus.TOO_MANY_REQUESTS, "3 per 1 minute")
    assert int(response.headers["Retry-After"]) > 0
    assert client.get("/healthz").status_code == 200  # probes are never limited


def test_rate_limits_can_be_switched_off(make_app: MakeApp) -> None:
    client = client_with(make_app(ratelimit_enabled=False, ratelimit_public="1/minute"))
    assert [client.get("/v1/faqs").status_code for _ in range(5)] == [200] * 5


def test_metrics_count_requests_per_endpoint(client: Client) -> None:
    client.get("/v1/faqs")
    client.get("/v1/faqs/no-such-faq")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'backcare_http_requests_total{endpoint="/v1/faqs",method="GET",status="200"}' in text
    assert (
        'backcare_http_requests_total{endpoint="/v1/faqs/<string:slug>",method="GET",status="404"}'
        in text
    )
    assert "backcare_http_request_duration_seconds_bucket" in text
    assert "backcare_db_pool_checked_out" in text
