"""Delta sync: everything once, then only what changed, deletions included, in order."""

from __future__ import annotations

import copy
import random
import threading
from http import HTTPStatus
from typing import Any

import pytest
from sqlalchemy.orm import Session

from service import db
from service.admin.bundle import import_bundle
from service.catalogue import COLLECTIONS
from tests.helpers import all_items, assert_problem
from tests.toolkit.clients import Client, client_with
from tests.toolkit.live import LiveAdmin

PUBLIC = [c.name for c in COLLECTIONS if c.public is not None]


def sync_all(client: Client, since: str | None = None, limit: int = 1000) -> dict[str, Any]:
    """Follow has_more to the end; return everything received and the last cursor."""
    items: list[dict[str, Any]] = []
    deleted: list[dict[str, Any]] = []
    cursor = since
    while True:
        query = f"limit={limit}" + (f"&since={cursor}" if cursor else "")
        body = client.get(f"/v1/sync?{query}").json
        items += body["items"]
        deleted += body["deleted"]
        cursor = body["cursor"]
        if not body["has_more"]:
            return {"items": items, "deleted": deleted, "cursor": cursor}


def edit_faq(session: Session, seed: dict[str, Any], slug: str, **changes: Any) -> None:
    faq = copy.deepcopy(next(f for f in seed["faqs"] if f["slug"] == slug))
    faq.update(changes)
    import_bundle(session, {"faqs": [faq]})
    session.commit()


def test_first_sync_returns_every_published_item_as_its_detail(client: Client) -> None:
    result = sync_all(client)
    expected = {(name, i["slug"]) for name in PUBLIC for i in all_items(client, name)}
    received = [(i["collection"], i["slug"]) for i in result["items"]]
    assert sorted(received) == sorted(expected)
    assert result["deleted"] == []
    for item in result["items"][:10]:
        detail = client.get(f"/v1/{item['collection']}/{item['slug']}").json
        assert item["data"] == detail


def test_small_pages_cover_everything_once(client: Client) -> None:
    whole = sync_all(client)
    paged = sync_all(client, limit=7)
    keys = [(i["collection"], i["slug"]) for i in paged["items"]]
    assert len(keys) == len(set(keys))
    assert sorted(keys) == sorted((i["collection"], i["slug"]) for i in whole["items"])
    versions = [i["version"] for i in paged["items"]]
    assert versions == sorted(versions)


def test_after_a_sync_only_changes_come_back(
    client: Client, session: Session, seed_bundle: dict[str, Any]
) -> None:
    cursor = sync_all(client)["cursor"]
    assert sync_all(client, cursor)["items"] == []
    edit_faq(session, seed_bundle, "how-to-stretch-safely", answer="Warm up, then go slowly.")
    changed = sync_all(client, cursor)
    assert [(i["collection"], i["slug"]) for i in changed["items"]] == [
        ("faqs", "how-to-stretch-safely")
    ]
    assert changed["items"][0]["data"]["answer"] == "Warm up, then go slowly."
    assert sync_all(client, changed["cursor"])["items"] == []


def test_unpublished_and_deleted_items_come_back_as_deletions(
    client: Client, session: Session, seed_bundle: dict[str, Any]
) -> None:
    cursor = sync_all(client)["cursor"]
    keep = [f for f in seed_bundle["faqs"] if f["slug"] != "hydration-flexibility-and-back-pain"]
    import_bundle(session, {"faqs": keep, "prune": True})
    session.commit()
    edit_faq(session, seed_bundle, "how-to-stretch-safely", status="draft")
    result = sync_all(client, cursor)
    deleted = {(d["collection"], d["slug"]): d["reason"] for d in result["deleted"]}
    assert deleted == {
        ("faqs", "how-to-stretch-safely"): "unpublished",
        ("faqs", "hydration-flexibility-and-back-pain"): "deleted",
    }
    assert all(d["deleted_at"] for d in result["deleted"])
    assert result["items"] == []

    # Published again: an item, and no longer a deletion.
    edit_faq(session, seed_bundle, "how-to-stretch-safely", status="published")
    again = sync_all(client, result["cursor"])
    assert [(i["collection"], i["slug"]) for i in again["items"]] == [
        ("faqs", "how-to-stretch-safely")
    ]
    assert again["deleted"] == []


def test_a_recreated_item_is_not_reported_deleted(
    client: Client, session: Session, seed_bundle: dict[str, Any]
) -> None:
    cursor = sync_all(client)["cursor"]
    keep = [f for f in seed_bundle["faqs"] if f["slug"] != "how-to-stretch-safely"]
    import_bundle(session, {"faqs": keep, "prune": True})
    session.commit()
    import_bundle(session, {"faqs": seed_bundle["faqs"]})
    session.commit()
    result = sync_all(client, cursor)
    assert [(d["collection"], d["slug"]) for d in result["deleted"]] == []
    assert ("faqs", "how-to-stretch-safely") in {
        (i["collection"], i["slug"]) for i in result["items"]
    }


@pytest.mark.parametrize("query", ["since=yesterday", "since=1.2", "limit=0", "limit=5000", "x=1"])
def test_bad_sync_arguments_are_422(client: Client, query: str) -> None:
    assert_problem(client.get(f"/v1/sync?{query}"), HTTPStatus.UNPROCESSABLE_ENTITY)


@pytest.mark.postgres_only
def test_syncing_while_editors_write_never_misses_or_repeats_a_change(
    live_admin: LiveAdmin, seed_bundle: dict[str, Any]
) -> None:
    live = live_admin.app
    faqs = seed_bundle["faqs"]
    stop = threading.Event()
    errors: list[BaseException] = []

    def editor(number: int) -> None:
        chooser = random.Random(number)
        try:
            for edit in range(15):
                faq = copy.deepcopy(chooser.choice(faqs))
                faq["answer"] = f"Edit {edit} by editor {number}."
                with live.app_context():
                    session = db.session()
                    import_bundle(session, {"faqs": [faq]})
                    session.commit()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    client = client_with(live)
    received: list[tuple[int, str, str]] = []
    cursor: str | None = None

    def faq_answers(items: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
        """The FAQs among what sync sent (the first sync sends the whole catalogue)."""
        return [
            (i["version"], i["slug"], i["data"]["answer"])
            for i in items
            if i["collection"] == "faqs"
        ]

    def reader() -> None:
        nonlocal cursor
        while not stop.is_set():
            body = sync_all(client, cursor, limit=3)
            received.extend(faq_answers(body["items"]))
            cursor = body["cursor"]

    writers = [threading.Thread(target=editor, args=(n,)) for n in range(4)]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(60)
    stop.set()
    watcher.join(60)
    assert not errors, errors
    final = sync_all(client, cursor)
    received.extend(faq_answers(final["items"]))

    # In order, never the same change twice...
    versions = [version for version, _slug, _answer in received]
    assert versions == sorted(versions)
    assert len({(v, s) for v, s, _a in received}) == len(received)
    # ...and the last thing received for each item is what the database holds now.
    last = {slug: answer for _v, slug, answer in received}
    for faq in all_items(client, "faqs"):
        detail = client.get(f"/v1/faqs/{faq['slug']}").json
        if faq["slug"] in last:
            assert last[faq["slug"]] == detail["answer"]
