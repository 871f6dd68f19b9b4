"""Drafts never reach the public: not through sync, not embedded in a detail, not via a filter.

Only an item that was public leaves a tombstone, so a draft's slug is never named to anonymous
clients, even as a deletion.
"""

from __future__ import annotations

import copy
from http import HTTPStatus
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.admin.bundle import import_bundle
from service.catalogue import BY_NAME, COLLECTIONS
from service.content.models import Status
from service.content.queries import model_named
from tests.helpers import assert_problem
from tests.sync.helpers import OfflineCopy, admin_item, embedding, served
from tests.toolkit.clients import Client

WITH_STATUS = [c.name for c in COLLECTIONS if c.name != "sources" and c.public is not None]


def named(client: Client, slug: str, since: str | None = None) -> list[Any]:
    """Every item or deletion of a full sync (from `since`) that names `slug`."""
    app = OfflineCopy(client)
    app.cursor = since
    seen: list[Any] = []
    while True:
        query = "limit=1000" + (f"&since={app.cursor}" if app.cursor else "")
        body = client.get(f"/v1/sync?{query}").json
        seen += [i for i in body["items"] if i["slug"] == slug]
        seen += [d for d in body["deleted"] if d["slug"] == slug]
        app.cursor = body["cursor"]
        if not body["has_more"]:
            return seen


def draft_copy(editor: Client, collection: str, source: str, slug: str) -> dict[str, Any]:
    item = copy.deepcopy(admin_item(editor, collection, source)[0])
    item.update(slug=slug, status="draft")
    return item


@pytest.mark.parametrize("collection", WITH_STATUS)
def test_a_draft_never_published_is_never_named_by_sync(
    client: Client, editor: Client, collection: str
) -> None:
    start = OfflineCopy(client)
    start.sync()
    source = next(iter(s for c, s in start.items if c == collection))
    draft = draft_copy(editor, collection, source, "never-public")
    assert editor.post(f"/v1/admin/{collection}", json=draft).status_code == HTTPStatus.CREATED
    _item, etag = admin_item(editor, collection, "never-public")
    patched = editor.patch(
        f"/v1/admin/{collection}/never-public",
        json={"tags": ["edited"]},
        headers={"If-Match": etag},
    )
    assert patched.status_code == HTTPStatus.OK, patched.get_data(as_text=True)
    assert named(client, "never-public") == []
    assert named(client, "never-public", start.cursor) == []

    _item, etag = admin_item(editor, collection, "never-public")
    deleted = editor.delete(f"/v1/admin/{collection}/never-public", headers={"If-Match": etag})
    assert deleted.status_code == HTTPStatus.NO_CONTENT
    assert named(client, "never-public") == []
    assert named(client, "never-public", start.cursor) == []


def test_a_draft_pruned_by_an_import_is_never_named_by_sync(
    client: Client, session: Session, seed_bundle: dict[str, Any]
) -> None:
    cursor = OfflineCopy(client)
    cursor.sync()
    draft = {**copy.deepcopy(seed_bundle["faqs"][0]), "slug": "draft-question", "status": "draft"}
    draft["position"] = 99
    import_bundle(session, {"faqs": [*seed_bundle["faqs"], draft]})
    session.commit()
    import_bundle(session, {"faqs": seed_bundle["faqs"], "prune": True})
    session.commit()
    assert named(client, "draft-question", cursor.cursor) == []


def test_an_item_once_public_leaves_as_unpublished_then_as_deleted(
    client: Client, editor: Client
) -> None:
    start = OfflineCopy(client)
    start.sync()
    slug = next(s for c, s in start.items if c == "faqs")
    assert editor.post(f"/v1/admin/faqs/{slug}/unpublish").status_code == HTTPStatus.OK
    _item, etag = admin_item(editor, "faqs", slug)
    assert (
        editor.patch(
            f"/v1/admin/faqs/{slug}", json={"tags": ["edited"]}, headers={"If-Match": etag}
        ).status_code
        == HTTPStatus.OK
    )
    gone = named(client, slug, start.cursor)
    assert [g.get("reason") for g in gone] == ["unpublished"], "the draft edit is not sent"
    _item, etag = admin_item(editor, "faqs", slug)
    assert editor.delete(f"/v1/admin/faqs/{slug}", headers={"If-Match": etag}).status_code == 204
    assert [g.get("reason") for g in named(client, slug, start.cursor)] == ["deleted"]


@pytest.mark.parametrize("collection", WITH_STATUS)
def test_published_details_never_embed_a_draft(
    client: Client, session: Session, collection: str
) -> None:
    model = BY_NAME[collection].model
    drafts = set(session.scalars(sa.select(model.slug)))
    for row in session.scalars(sa.select(model)):
        row.status = Status.DRAFT
    session.commit()
    shown = served(client)
    others = {slug for (name, slug) in shown if name != collection}
    for key, data in shown.items():
        leaked = {slug for slug in drafts - others if embedding(data, slug)}
        assert not leaked, (key, leaked)


FILTERS = [
    (collection.name, argument, target)
    for collection in COLLECTIONS
    if collection.public is not None
    for argument, target in collection.public.list_spec.references.items()
]
IDS = [f"{name}-{argument}" for name, argument, _target in FILTERS]


@pytest.mark.parametrize(("collection", "argument", "target"), FILTERS, ids=IDS)
def test_a_filter_naming_a_draft_is_refused_as_unknown(
    client: Client, session: Session, collection: str, argument: str, target: Any
) -> None:
    if isinstance(target, str):
        target = model_named(target)
    row = session.scalars(sa.select(target).where(target.status == Status.PUBLISHED)).first()
    assert row is not None
    assert client.get(f"/v1/{collection}?{argument}={row.slug}").status_code == HTTPStatus.OK
    row.status = Status.DRAFT
    session.commit()
    unknown = assert_problem(
        client.get(f"/v1/{collection}?{argument}=no-such-item"), HTTPStatus.UNPROCESSABLE_ENTITY
    )
    draft = assert_problem(
        client.get(f"/v1/{collection}?{argument}={row.slug}"), HTTPStatus.UNPROCESSABLE_ENTITY
    )
    assert draft["detail"] == unknown["detail"]
    assert list(draft["errors"]) == list(unknown["errors"])
