"""Two editors writing the same item at the same moment: one wins, the other gets 412."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient

from service import create_app, db
from service.admin import items, keys
from service.admin.audit import SYSTEM
from service.admin.bundle import import_bundle
from service.admin.models import Role
from service.config import Settings
from tests.admin.conftest import client_with
from tests.conftest import alembic_config


@pytest.fixture
def live_app(
    app: Flask, make_database_url: Any, seed_bundle: dict[str, Any]
) -> Iterator[tuple[Flask, str]]:
    """An app on a database of its own whose requests really commit, and an editor key."""
    url = make_database_url()
    command.upgrade(alembic_config(url), "head")
    settings: Settings = app.config["SETTINGS"]
    live = create_app(dataclasses.replace(settings, database_url=url))
    with live.app_context():
        session = db.session()
        import_bundle(session, {"sources": seed_bundle["sources"], "faqs": seed_bundle["faqs"]})
        _key, secret = keys.create_key(session, name="racer", role=Role.EDITOR, actor=SYSTEM)
        session.commit()
    try:
        yield live, secret
    finally:
        live.extensions["db"].dispose()


@pytest.mark.postgres_only
def test_simultaneous_writes_with_the_same_etag_never_both_succeed(
    live_app: tuple[Flask, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    live, secret = live_app
    first, second = client_with(live, secret), client_with(live, secret)
    slug = "how-to-stretch-safely"
    etag = first.get(f"/v1/admin/faqs/{slug}").headers["ETag"]

    # The first writer pauses after its ETag check, holding the row, so the second one's
    # request arrives while the first has not committed yet.
    checked = threading.Event()
    real_update = items.update_item

    def slow_update(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "first":
            checked.set()
            time.sleep(0.5)
        return real_update(*args, **kwargs)

    monkeypatch.setattr(items, "update_item", slow_update)
    results: dict[str, Any] = {}

    def patch(client: FlaskClient, answer: str) -> None:
        results[threading.current_thread().name] = client.patch(
            f"/v1/admin/faqs/{slug}", json={"answer": answer}, headers={"If-Match": etag}
        )

    one = threading.Thread(target=patch, args=(first, "First."), name="first")
    one.start()
    assert checked.wait(5)
    two = threading.Thread(target=patch, args=(second, "Second."), name="second")
    two.start()
    one.join(10)
    two.join(10)
    assert results["first"].status_code == HTTPStatus.OK
    assert results["second"].status_code == HTTPStatus.PRECONDITION_FAILED
    assert first.get(f"/v1/admin/faqs/{slug}").json["item"]["answer"] == "First."
