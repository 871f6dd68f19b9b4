"""Every error is application/problem+json with a useful detail, and nothing leaks."""

from __future__ import annotations

from http import HTTPStatus

from flask import Flask

from service import create_app
from tests.helpers import assert_problem
from tests.toolkit.clients import Client


def test_unknown_route_is_404_problem(client: Client) -> None:
    assert_problem(client.get("/v1/no-such-collection"), HTTPStatus.NOT_FOUND)


def test_wrong_method_is_405_problem_with_allow(client: Client) -> None:
    response = client.delete("/v1/stretches")
    assert_problem(response, HTTPStatus.METHOD_NOT_ALLOWED)
    assert "GET" in response.headers["Allow"]


def test_validation_error_names_each_field(client: Client) -> None:
    body = assert_problem(
        client.get("/v1/stretches?page_size=500&intensity=wild"),
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "page_size",
        "intensity",
    )
    assert set(body["errors"]) == {"query.page_size", "query.intensity"}


def test_unexpected_error_is_500_problem_without_internals(app: Flask) -> None:
    fresh = create_app(app.config["SETTINGS"])

    @fresh.get("/_test/boom")
    def _boom() -> str:
        raise RuntimeError("secret at /srv/app.py line 3: SELECT password FROM users")

    response = fresh.test_client().get("/_test/boom")
    body = assert_problem(response, HTTPStatus.INTERNAL_SERVER_ERROR)
    text = response.get_data(as_text=True)
    for leak in ("secret", "SELECT", "/srv/app.py", "Traceback"):
        assert leak not in text
    assert body["detail"] == "An unexpected error occurred."


def test_health_and_readiness(client: Client) -> None:
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").json == {"status": "ok"}
