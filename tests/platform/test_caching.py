"""HTTP caching: strong ETags, cheap 304s, and an editor's write visible at once."""

from __future__ import annotations

import copy
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from service.admin.bundle import import_bundle
from tests.toolkit.clients import Client
from tests.toolkit.queries import count_statements


def test_public_get_has_a_strong_etag_and_cache_control(client: Client) -> None:
    response = client.get("/v1/stretches")
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "public" in response.headers["Cache-Control"]
    assert "max-age=" in response.headers["Cache-Control"]
    assert client.get("/v1/stretches").headers["ETag"] == etag


def test_if_none_match_gives_304_without_a_body(client: Client) -> None:
    etag = client.get("/v1/stretches/cat-cow").headers["ETag"]
    response = client.get("/v1/stretches/cat-cow", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    stale = client.get("/v1/stretches/cat-cow", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_304_is_answered_with_one_small_query(
    app: Flask, client: Client, connection: sa.Connection
) -> None:
    etag = client.get("/v1/stretches?page_size=20").headers["ETag"]
    with count_statements(app, connection) as statements:
        response = client.get("/v1/stretches?page_size=20", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert len(statements) == 1 and "content_state" in statements[0]


def test_repeated_get_is_served_without_requerying(
    app: Flask, client: Client, connection: sa.Connection
) -> None:
    first = client.get("/v1/stretches?page_size=20")
    with count_statements(app, connection) as statements:
        second = client.get("/v1/stretches?page_size=20")
    assert second.json == first.json
    assert len(statements) == 1


def test_gzipped_copy_has_its_own_etag_and_revalidates(client: Client) -> None:
    plain = client.get("/v1/symptoms?page_size=100")
    zipped = client.get("/v1/symptoms?page_size=100", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    again = client.get(
        "/v1/symptoms?page_size=100",
        headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]},
    )
    assert again.status_code == 304


def test_language_changes_the_etag(client: Client) -> None:
    english = client.get("/v1/faqs", headers={"Accept-Language": "en"}).headers["ETag"]
    spanish = client.get("/v1/faqs", headers={"Accept-Language": "es"}).headers["ETag"]
    assert english != spanish
    assert "Accept-Language" in client.get("/v1/faqs").headers["Vary"]


def test_a_write_changes_etags_and_content_at_once(
    client: Client, session: Session, seed_bundle: dict[str, Any]
) -> None:
    before = client.get("/v1/faqs/hydration-flexibility-and-back-pain")
    listing = client.get("/v1/faqs")
    faq = copy.deepcopy(
        next(f for f in seed_bundle["faqs"] if f["slug"] == "hydration-flexibility-and-back-pain")
    )
    faq["answer"] = "Drink water through the day."
    import_bundle(session, {"faqs": [faq]})
    session.commit()
    after = client.get(
        "/v1/faqs/hydration-flexibility-and-back-pain",
        headers={"If-None-Match": before.headers["ETag"]},
    )
    assert after.status_code == 200
    assert after.json["answer"] == "Drink water through the day."
    assert client.get("/v1/faqs").headers["ETag"] != listing.headers["ETag"]


def test_unchanged_import_keeps_etags(
    client: Client, session: Session, seed_bundle: dict[str, Any]
) -> None:
    etag = client.get("/v1/faqs").headers["ETag"]
    import_bundle(session, seed_bundle)
    session.commit()
    assert client.get("/v1/faqs").headers["ETag"] == etag


def test_recommendations_are_not_cached_by_http(client: Client) -> None:
    response = client.post("/v1/recommendations", json={"symptoms": ["stiffness"]})
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_errors_are_not_cached(client: Client) -> None:
    response = client.get("/v1/stretches/no-such-stretch")
    assert response.status_code == 404
    assert "ETag" not in response.headers
