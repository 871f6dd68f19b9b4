"""Helpers for the search tests: asking the search endpoint, writing items through the admin API."""

from __future__ import annotations

from datetime import date, timedelta
from http import HTTPStatus
from typing import Any

from tests.toolkit.clients import Client

REVIEW = {
    "last_reviewed": str(date.today() - timedelta(days=1)),
    "next_review": str(date.today() + timedelta(days=364)),
    "reviewed_by": "Dr Test",
}


def search(client: Client, q: str, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/search", query_string={"q": q, **params})
    assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)
    body: dict[str, Any] = response.json
    return body


def slugs(body: dict[str, Any]) -> list[str]:
    return [f"{hit['collection']}/{hit['slug']}" for hit in body["items"]]


def faq(slug: str, question: str, answer: str, *points: str, **fields: Any) -> dict[str, Any]:
    """A published FAQ: its question is the name, its answer the summary, its points the body."""
    return {
        "slug": slug,
        "question": question,
        "answer": answer,
        "key_points": list(points),
        "sources": ["article-back-pain-after-stretching"],
        "status": "published",
        **REVIEW,
        **fields,
    }


def create(editor: Client, collection: str, item: dict[str, Any]) -> None:
    response = editor.post(f"/v1/admin/{collection}", json=item)
    assert response.status_code == HTTPStatus.CREATED, response.get_data(as_text=True)


def etag_of(editor: Client, collection: str, slug: str) -> str:
    response = editor.get(f"/v1/admin/{collection}/{slug}")
    assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)
    return str(response.headers["ETag"])
