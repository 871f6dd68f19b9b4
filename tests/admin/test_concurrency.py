"""Two editors writing the same item at the same moment: one wins, the other gets 412."""

from __future__ import annotations

import threading
import time
from http import HTTPStatus
from typing import Any

import pytest

from service.admin import items
from tests.toolkit.clients import Client, client_with
from tests.toolkit.live import LiveAdmin


@pytest.mark.postgres_only
def test_simultaneous_writes_with_the_same_etag_never_both_succeed(
    live_admin: LiveAdmin, monkeypatch: pytest.MonkeyPatch
) -> None:
    live, secret = live_admin.app, live_admin.editor_key
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

    def patch(client: Client, answer: str) -> None:
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
