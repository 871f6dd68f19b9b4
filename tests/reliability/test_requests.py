"""Attacks on what a request may carry, in-process: bodies in other encodings or cut at the
limit, datetimes that do not exist in UTC, budgets spent on unknown paths, metrics labels a
client chooses, and redirects to a host a client chooses.

Each case checks what a client sees (a 4xx problem) and that nothing changed; the rules are
checked across methods, endpoints and encodings rather than for one example each.
"""

from __future__ import annotations

import random
import re
from http import HTTPStatus
from pathlib import Path

import pytest
from flask import Flask

from service.observability import KNOWN_METHODS
from tests.helpers import assert_problem
from tests.toolkit.clients import Client, client_with
from tests.toolkit.live import MakeApp

SOURCE = "article-back-pain-after-stretching"
FAQ_SLUG = "how-to-stretch-safely"


# Budgets and metrics


def test_unknown_paths_and_methods_spend_the_budget(make_app: MakeApp) -> None:
    client = client_with(make_app(ratelimit_enabled=True, ratelimit_public="6/minute"))
    answers = [
        client.open("/v1/no-such-thing", method="GET"),
        client.open("/v1/faqs", method="BREW"),
        client.open("/metrics-but-not-quite", method="GET"),
        client.open("/docs/not-the-docs", method="POST"),
        client.open("/v1/faqs", method="DELETE"),
        client.open("/healthzz", method="GET"),
    ]
    assert [a.status_code for a in answers] == [404, 405, 404, 404, 405, 404]
    assert_problem(client.get("/v1/faqs"), HTTPStatus.TOO_MANY_REQUESTS)
    assert_problem(client.open("/v1/elsewhere", method="PROPFIND"), HTTPStatus.TOO_MANY_REQUESTS)
    # Probes and the metrics scrape stay exempt.
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 200


def test_apps_sharing_a_counters_file_share_one_budget(make_app: MakeApp, tmp_path: Path) -> None:
    """What gunicorn's workers do: each process its own app, one file of counters."""
    shared = {"ratelimit_enabled": True, "ratelimit_public": "4/minute"}
    path = str(tmp_path / "counters.sqlite")
    one = client_with(make_app(**shared, ratelimit_file=path))
    two = client_with(make_app(**shared, ratelimit_file=path))
    statuses = [client.get("/v1/faqs").status_code for client in (one, two) * 3]
    assert statuses == [200] * 4 + [429] * 2
    # A separate file is a separate budget (another instance, counted on its own).
    other = make_app(**shared, ratelimit_file=str(tmp_path / "other.sqlite"))
    assert client_with(other).get("/v1/faqs").status_code == 200


_SERIES = re.compile(r'^backcare_http_requests_total\{endpoint="([^"]*)",method="([^"]*)",status')


def _series(client: Client) -> set[tuple[str, str]]:
    text = client.get("/metrics").get_data(as_text=True)
    return {m.groups() for m in map(_SERIES.match, text.splitlines()) if m}  # type: ignore[misc]


def test_metrics_labels_never_take_a_value_a_client_chose(app: Flask, client: Client) -> None:
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    rng = random.Random(12)
    # The registry is the process's: other tests' apps (with routes of their own) count too.
    before = _series(client)
    for n in range(300):
        method = rng.choice([f"X{rng.getrandbits(32):x}", "GET", "PURGE", "get", "M-SEARCH"])
        path = rng.choice([f"/v1/{rng.getrandbits(48):x}", f"/x/{n}", "/v1/faqs", "/%ff%00"])
        client.open(path, method=method)
    series = _series(client)
    added = series - before
    assert ("unmatched", "other") in series, "the scrape holds the request counter"
    assert {endpoint for endpoint, _m in added} <= rules | {"unmatched"}
    assert {method for _e, method in added} <= KNOWN_METHODS | {"other"}
    # A second storm of new names adds no series at all.
    for _ in range(100):
        client.open(f"/v1/{rng.getrandbits(64):x}", method=f"Y{rng.getrandbits(32):x}")
    assert _series(client) == series


# Redirects

HOSTS = ["evil.example", "evil.example:8443", "[::1]:1", "xn--80ak6aa92e.com"]


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize(
    "path",
    [
        "/v1//stretches",
        "/v1///faqs",
        f"/v1//faqs/{FAQ_SLUG}",
        "/v1//stretches?page=2&lang=es",
        "/v1/faqs//",
        "/docs//assets//swagger-ui.css",
        "/v1/admin//faqs",
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "DELETE", "OPTIONS"])
def test_no_redirect_or_location_takes_its_host_from_the_request(
    method: str, path: str, host: str, client: Client
) -> None:
    response = client.open(
        path,
        method=method,
        headers={
            "Host": host,
            "X-Forwarded-Host": "evil.example",
            "X-Forwarded-Proto": "https",
            "Forwarded": "host=evil.example",
        },
    )
    assert response.status_code < 500
    location = response.headers.get("Location")
    if location is not None:
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
        assert "evil" not in location and host not in location
    if 300 <= response.status_code < 400:
        assert location is not None
        assert response.mimetype == "application/problem+json"
        assert "evil" not in response.get_data(as_text=True)


def test_a_merged_path_still_redirects_to_the_right_place(client: Client) -> None:
    response = client.get("/v1//faqs?page_size=1", headers={"Host": "evil.example"})
    assert response.status_code == HTTPStatus.PERMANENT_REDIRECT
    assert response.headers["Location"] == "/v1/faqs?page_size=1"
    assert client.get(response.headers["Location"]).status_code == 200
