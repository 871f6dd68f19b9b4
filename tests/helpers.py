"""Assertions several test modules share."""

from __future__ import annotations

from typing import Any

from werkzeug.test import TestResponse


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


def all_items(client: Any, collection: str, query: str = "") -> list[dict[str, Any]]:
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
