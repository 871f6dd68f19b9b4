"""Assertions and requests several test modules share."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from werkzeug.test import TestResponse

from tests.toolkit.clients import Client


def assert_problem(response: TestResponse, status: int, *fragments: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with `status`, naming each fragment in it."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json(force=True)
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    text = response.get_data(as_text=True)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text}"
    return body


def all_items(client: Client, collection: str, query: str = "") -> list[dict[str, Any]]:
    """Every item of a list endpoint, following the pages."""
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        separator = "&" if query else ""
        response = client.get(f"/v1/{collection}?{query}{separator}page={page}&page_size=100")
        assert response.status_code == 200, response.get_data(as_text=True)
        items.extend(response.json["items"])
        if page >= response.json["pages"]:
            return items
        page += 1


def call(
    url: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Send a request to a served instance: its status, headers and body, errors included."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
