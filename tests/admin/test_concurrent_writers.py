"""Admin writers at the same moment: each gets an answer (2xx, 409, 412, 422, or 503 with
Retry-After), never a 500, and the catalogue stays consistent.

The apps here run on databases of their own and really commit, so every request is a
transaction of its own on a connection of its own, as under gunicorn. Hooks pause one writer
at the point where the race used to break it, so that the other one runs right then.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from service import db
from service.admin import bundle, items
from service.admin.models import AuditEntry
from tests.toolkit.clients import Client, client_with
from tests.toolkit.live import LiveAdmin, MakeLiveAdmin

SOURCE = "article-back-pain-after-stretching"
REVIEW = {"last_reviewed": "2026-11-01", "next_review": "2027-11-01", "reviewed_by": "Dr Race"}


def faq(slug: str, *, cites: str = SOURCE, answer: str = "An answer.") -> dict[str, Any]:
    return {
        "slug": slug,
        "question": f"What about {slug}?",
        "answer": answer,
        "sources": [cites],
        "status": "published",
        **REVIEW,
    }


def source(slug: str) -> dict[str, Any]:
    return {"slug": slug, "title": f"Source {slug}", "url": None, "publisher": None}


class Pause:
    """Wraps a function so that, in the thread named `who`, it signals `reached` once it has
    run and then waits (at most `hold` seconds) for `release`."""

    def __init__(self, who: str, hold: float = 1.5) -> None:
        self.who, self.hold = who, hold
        self.reached, self.release = threading.Event(), threading.Event()

    def around(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def paused(*args: Any, **kwargs: Any) -> Any:
            result = real(*args, **kwargs)
            if threading.current_thread().name == self.who and not self.reached.is_set():
                self.reached.set()
                self.release.wait(self.hold)
            return result

        return paused


def run_threads(*targets: tuple[str, Callable[[], None]]) -> None:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as error:  # surfaced below, in the test's thread
                errors.append(error)

        return run

    threads = [threading.Thread(target=guarded(t), name=name) for name, t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    assert errors == []


def assert_answer(response: Any, *allowed: int) -> None:
    """An allowed status; a refusal is problem+json; a 503 says when to come back."""
    text = response.get_data(as_text=True)
    assert response.status_code in allowed, f"{response.status_code}: {text[:500]}"
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json", text[:500]
    if response.status_code == HTTPStatus.SERVICE_UNAVAILABLE:
        assert response.headers.get("Retry-After"), text[:500]


def audit_actions(app: Flask, collection: str, slug: str) -> list[str]:
    with app.app_context():
        return [
            str(action)
            for action in db.session().scalars(
                sa.select(AuditEntry.action)
                .where(AuditEntry.collection == collection, AuditEntry.slug == slug)
                .order_by(AuditEntry.id)
            )
        ]


def test_an_import_racing_the_delete_of_an_item_it_cites_never_fails_with_500(
    live_admin: LiveAdmin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import has checked its references when the item it cites is deleted."""
    app, secret = live_admin.app, live_admin.editor_key
    editor = client_with(app, secret)
    assert editor.post("/v1/admin/sources", json=source("racing-source")).status_code == 201
    etag = editor.get("/v1/admin/sources/racing-source").headers["ETag"]
    pause = Pause("import")
    monkeypatch.setattr(bundle, "_plan", pause.around(bundle._plan))
    answers: dict[str, Any] = {}

    def importer() -> None:
        bundle_ = {"faqs": [faq("cites-the-racing-source", cites="racing-source")]}
        answers["import"] = client_with(app, secret).post("/v1/admin/import", json=bundle_)

    def deleter() -> None:
        assert pause.reached.wait(10)
        answers["delete"] = client_with(app, secret).delete(
            "/v1/admin/sources/racing-source", headers={"If-Match": etag}
        )
        pause.release.set()

    run_threads(("import", importer), ("delete", deleter))
    assert_answer(answers["import"], 200, 422)
    assert_answer(answers["delete"], 204, 409)
    # Exactly one of them won, and the loser was told why.
    deleted = answers["delete"].status_code == 204
    assert (answers["import"].status_code == 422) == deleted
    assert (editor.get("/v1/admin/sources/racing-source").status_code == 404) == deleted
    faq_status = editor.get("/v1/admin/faqs/cites-the-racing-source").status_code
    assert faq_status == (404 if deleted else 200)


def test_a_delete_racing_an_import_that_cites_the_item_is_not_a_deadlock(
    live_admin: LiveAdmin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The delete holds the item when the import starts writing links to it."""
    app, secret = live_admin.app, live_admin.editor_key
    editor = client_with(app, secret)
    assert editor.post("/v1/admin/sources", json=source("held-source")).status_code == 201
    etag = editor.get("/v1/admin/sources/held-source").headers["ETag"]
    locked = threading.Event()
    real_delete = items.delete_item

    def slow_delete(*args: Any, **kwargs: Any) -> Any:
        # The item is locked (its ETag was checked); let the import run into it first.
        locked.set()
        time.sleep(0.8)
        return real_delete(*args, **kwargs)

    monkeypatch.setattr(items, "delete_item", slow_delete)
    answers: dict[str, Any] = {}

    def deleter() -> None:
        answers["delete"] = client_with(app, secret).delete(
            "/v1/admin/sources/held-source", headers={"If-Match": etag}
        )

    def importer() -> None:
        assert locked.wait(10)
        bundle_ = {"faqs": [faq("cites-the-held-source", cites="held-source")]}
        answers["import"] = client_with(app, secret).post("/v1/admin/import", json=bundle_)

    run_threads(("delete", deleter), ("import", importer))
    assert_answer(answers["delete"], 204, 409)
    assert_answer(answers["import"], 200, 422)
    deleted = answers["delete"].status_code == 204
    assert (answers["import"].status_code == 422) == deleted
    if deleted:
        assert "held-source" in answers["import"].get_data(as_text=True)


def test_two_imports_creating_the_same_new_items_both_succeed_once(
    live_admin: LiveAdmin, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, secret = live_admin.app, live_admin.editor_key
    new = {"faqs": [faq(f"twin-{n}") for n in range(5)]}
    pause = Pause("first")
    monkeypatch.setattr(bundle, "_plan", pause.around(bundle._plan))
    answers: dict[str, Any] = {}

    def first() -> None:
        answers["first"] = client_with(app, secret).post("/v1/admin/import", json=new)

    def second() -> None:
        assert pause.reached.wait(10)
        answers["second"] = client_with(app, secret).post("/v1/admin/import", json=new)
        pause.release.set()

    run_threads(("first", first), ("second", second))
    assert_answer(answers["first"], 200)
    assert_answer(answers["second"], 200)
    plans = sorted(
        (answers[name].json["collections"]["faqs"]["created"] for name in ("first", "second")),
        reverse=True,
    )
    # One created them; the other found them there, unchanged.
    assert plans == [5, 0]
    for n in range(5):
        assert audit_actions(app, "faqs", f"twin-{n}") == ["create"]


def test_creates_updates_and_deletes_at_once_never_fail_with_500(
    live_admin: LiveAdmin,
) -> None:
    """Editors and imports hammer a few items at once, in every admin write there is."""
    app, secret, admin = live_admin.app, live_admin.editor_key, live_admin.admin_key
    setup = client_with(app, secret)
    assert setup.post("/v1/admin/sources", json=source("shared-source")).status_code == 201
    rounds, seen = 6, []
    lock = threading.Lock()

    def record(response: Any) -> Any:
        with lock:
            seen.append(response)
        return response

    def etag_of(client: Client, path: str) -> str:
        response = client.get(path)
        return response.headers.get("ETag", '"none"')

    def writer(number: int, barrier: threading.Barrier) -> Callable[[], None]:
        def run() -> None:
            rng = random.Random(number)
            client = client_with(app, admin if number % 4 == 3 else secret)
            for round_ in range(rounds):
                barrier.wait(30)
                what = (number + round_) % 7
                slug = f"hammered-{round_ % 2}"
                body: dict[str, Any]
                if what == 0:
                    body = {"faqs": [faq(slug, cites="shared-source", answer=f"by {number}")]}
                    record(client.post("/v1/admin/import", json=body))
                elif what == 1:
                    etag = etag_of(client, "/v1/admin/sources/shared-source")
                    record(
                        client.delete("/v1/admin/sources/shared-source", headers={"If-Match": etag})
                    )
                    record(client.post("/v1/admin/sources", json=source("shared-source")))
                elif what == 2:
                    record(client.post("/v1/admin/faqs", json=faq(slug, cites="shared-source")))
                elif what == 3:
                    path = f"/v1/admin/faqs/{slug}"
                    etag = etag_of(client, path)
                    change = {"answer": f"patched by {number}"}
                    record(client.patch(path, json=change, headers={"If-Match": etag}))
                elif what == 4:
                    path = f"/v1/admin/faqs/{slug}"
                    record(client.post(f"{path}/{rng.choice(['publish', 'unpublish'])}"))
                elif what == 5:
                    path = f"/v1/admin/faqs/{slug}"
                    record(client.delete(path, headers={"If-Match": etag_of(client, path)}))
                else:
                    body = {"faqs": [faq(slug, cites="shared-source")], "prune": False}
                    record(client.post("/v1/admin/import?dry_run=true", json=body))
                    keys = client_with(app, admin)
                    made = record(keys.post("/v1/admin/keys", json={"name": "k", "role": "editor"}))
                    if made.status_code == 201:
                        record(keys.post(f"/v1/admin/keys/{made.json['id']}/revoke"))

        return run

    writers = 8
    barrier = threading.Barrier(writers)
    run_threads(*((f"writer-{n}", writer(n, barrier)) for n in range(writers)))
    assert len(seen) >= writers * rounds
    for response in seen:
        assert_answer(response, 200, 201, 204, 404, 409, 412, 422)


WRITES = {
    "import": ("POST", "/v1/admin/import", {"faqs": [faq("waits-its-turn")]}),
    "create": ("POST", "/v1/admin/faqs", faq("waits-its-turn")),
    "patch": ("PATCH", "/v1/admin/faqs/how-to-stretch-safely", {"answer": "Waited."}),
    "delete": ("DELETE", "/v1/admin/faqs/how-to-stretch-safely", None),
    "unpublish": ("POST", "/v1/admin/faqs/how-to-stretch-safely/unpublish", None),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_write_kept_waiting_too_long_is_told_to_retry(
    make_live_admin: MakeLiveAdmin, write: str
) -> None:
    """Another transaction holds the writers' lock: the write waits LOCK_TIMEOUT_MS, then
    gets a 503 problem with Retry-After (not a hang into the worker timeout, not a 500)."""
    live = make_live_admin(lock_timeout_ms=300)
    client = client_with(live.app, live.editor_key)
    method, path, body = WRITES[write]
    headers = {}
    if method in ("PATCH", "DELETE"):
        headers["If-Match"] = client.get(path).headers["ETag"]
    engine = live.app.extensions["db"].engine
    with engine.connect() as holder:
        holder.execute(sa.text("UPDATE content_state SET version = version WHERE id = 1"))
        started = time.monotonic()
        response = client.open(path, method=method, json=body, headers=headers)
        waited = time.monotonic() - started
        holder.rollback()
    assert_answer(response, 503)
    assert "Another write is in progress" in response.json["detail"]
    assert waited < 3
    # Once the other write is over, the same request goes through.
    assert client.open(path, method=method, json=body, headers=headers).status_code < 300


def test_editors_changing_items_that_share_what_embeds_them_never_deadlock(
    live_admin: LiveAdmin,
) -> None:
    """Each rename re-sends the causes and routines that show the stretch: writers that stamp
    the same rows at once each wait their turn, and an app syncing afterwards misses nothing."""
    app, secret = live_admin.app, live_admin.editor_key
    reader = client_with(app)
    cursor = reader.get("/v1/sync?limit=1000").json["cursor"]
    stretches = [s["slug"] for s in reader.get("/v1/stretches?page_size=100").json["items"]]
    causes = [c["slug"] for c in reader.get("/v1/causes?page_size=100").json["items"]]
    seen: list[Any] = []
    lock = threading.Lock()

    def writer(number: int, barrier: threading.Barrier) -> Callable[[], None]:
        def run() -> None:
            client = client_with(app, secret)
            for round_ in range(4):
                barrier.wait(30)
                collection, pool = (
                    ("causes", causes) if number % 3 == 2 else ("stretches", stretches)
                )
                path = f"/v1/admin/{collection}/{pool[(number + round_) % len(pool)]}"
                etag = client.get(path).headers.get("ETag", '"none"')
                change = {"name": f"Renamed by {number} in round {round_}"}
                response = client.patch(path, json=change, headers={"If-Match": etag})
                with lock:
                    seen.append(response)

        return run

    writers = 6
    barrier = threading.Barrier(writers)
    run_threads(*((f"writer-{n}", writer(n, barrier)) for n in range(writers)))
    for response in seen:
        assert_answer(response, 200, 412, 503)
    assert any(response.status_code == HTTPStatus.OK for response in seen)

    held: dict[tuple[str, str], Any] = {}
    while True:
        body = reader.get(f"/v1/sync?limit=1000&since={cursor}").json
        held.update(((i["collection"], i["slug"]), i["data"]) for i in body["items"])
        cursor = body["cursor"]
        if not body["has_more"]:
            break
    for (collection, slug), data in held.items():
        assert data == reader.get(f"/v1/{collection}/{slug}").json, (collection, slug)
    # Every cause a renamed stretch helps with came again, with the new name.
    for (collection, slug), data in held.items():
        if collection == "stretches":
            for cause in data["helps_with"]:
                shown = {s["slug"]: s["name"] for s in held["causes", cause["slug"]]["stretches"]}
                assert shown[slug] == data["name"], (cause["slug"], slug)
