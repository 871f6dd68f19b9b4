"""Delta sync re-sends every item whose data embeds a changed item, whatever the writer.

An app that keeps the catalogue offline and syncs from the cursor it last held must end up with
exactly what the detail endpoints serve: a renamed, unpublished, deleted or unlinked stretch
must not live on inside the causes and routines that showed it.
"""

from __future__ import annotations

import copy
from http import HTTPStatus
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from service.admin.bundle import import_bundle
from service.catalogue import BY_NAME, COLLECTIONS, Links
from service.content.cache import LRU
from service.content.models import Status
from tests.helpers import all_items
from tests.sync.helpers import OfflineCopy, admin_item, embedding, name_field, patch, served
from tests.toolkit.clients import Client

WITH_STATUS = [c.name for c in COLLECTIONS if c.name != "sources"]


# Examples, one per kind of change.


def test_a_renamed_stretch_comes_back_inside_the_causes_and_routines_that_show_it(
    client: Client, editor: Client
) -> None:
    app = OfflineCopy(client)
    app.sync()
    held = [key for key, data in app.items.items() if embedding(data, "cat-cow")]
    assert {collection for collection, _slug in held} >= {"causes", "routines"}
    response = patch(editor, "stretches", "cat-cow", {"name": "Cat and cow, slowly"})
    assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)
    app.sync()
    assert app.items == served(client)
    for key in held:
        assert "Cat and cow, slowly" in str(app.items[key]), key


def test_a_stretch_taken_off_a_cause_comes_back_without_it(client: Client, editor: Client) -> None:
    app = OfflineCopy(client)
    app.sync()
    stretch, _etag = admin_item(editor, "stretches", "cat-cow")
    cause = stretch["helps_with"][0]
    assert any(s["slug"] == "cat-cow" for s in app.items["causes", cause]["stretches"])
    rest = [slug for slug in stretch["helps_with"] if slug != cause]
    assert patch(editor, "stretches", "cat-cow", {"helps_with": rest}).status_code == 200
    app.sync()
    assert not any(s["slug"] == "cat-cow" for s in app.items["causes", cause]["stretches"])
    assert app.items == served(client)


@pytest.mark.parametrize("how", ["unpublish", "delete"])
def test_an_item_that_leaves_comes_back_out_of_everything_that_showed_it(
    client: Client, editor: Client, how: str
) -> None:
    app = OfflineCopy(client)
    app.sync()
    # A stretch no routine uses can be deleted; the causes it helps with show it.
    in_routines = {
        step["stretch"]
        for routine in editor.get("/v1/admin/export").json["routines"]
        for step in routine["steps"]
    }
    slug = next(s["slug"] for s in all_items(client, "stretches") if s["slug"] not in in_routines)
    showing = [key for key, data in app.items.items() if embedding(data, slug)]
    assert showing
    if how == "unpublish":
        assert editor.post(f"/v1/admin/stretches/{slug}/unpublish").status_code == HTTPStatus.OK
    else:
        _item, etag = admin_item(editor, "stretches", slug)
        response = editor.delete(f"/v1/admin/stretches/{slug}", headers={"If-Match": etag})
        assert response.status_code == HTTPStatus.NO_CONTENT, response.get_data(as_text=True)
    app.sync()
    assert ("stretches", slug) not in app.items
    assert not [key for key, data in app.items.items() if embedding(data, slug)]
    assert app.items == served(client)


def test_a_retitled_source_comes_back_inside_every_item_that_cites_it(
    client: Client, session: Session, seed_bundle: dict[str, Any]
) -> None:
    app = OfflineCopy(client)
    app.sync()
    source = copy.deepcopy(seed_bundle["sources"][0])
    citing = {key for key, data in app.items.items() if embedding(data, source["slug"])}
    assert citing
    source["title"] = "A new title for an old source"
    import_bundle(session, {"sources": [source]})
    session.commit()
    app.sync()
    assert app.items == served(client)
    for key in citing:
        assert "A new title for an old source" in str(app.items[key]), key


def test_a_translated_cause_comes_back_inside_what_shows_it_in_that_language(
    client: Client, editor: Client
) -> None:
    # A detail is in the language its own item has, embedded items included: a stretch
    # translated into Spanish shows the causes it helps with in Spanish, when they have it.
    app = OfflineCopy(client, lang="es")
    stretch, _etag = admin_item(editor, "stretches", "cat-cow")
    cause = stretch["helps_with"][0]
    translated = {"translations": {"es": {"name": "Gato y vaca"}}}
    assert patch(editor, "stretches", "cat-cow", translated).status_code == HTTPStatus.OK
    app.sync()
    translated = {"translations": {"es": {"name": "Un nombre en español"}}}
    assert patch(editor, "causes", cause, translated).status_code == HTTPStatus.OK
    app.sync()
    shown = {c["slug"]: c["name"] for c in app.items["stretches", "cat-cow"]["helps_with"]}
    assert shown[cause] == "Un nombre en español"
    assert app.items == served(client, lang="es")


# Any sequence of edits, through any write path.

KINDS = ("rename", "translate", "status", "drop_link", "add_link", "delete", "sync")
Edit = tuple[str, str, int, int, bool]
EDITS = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.sampled_from([c.name for c in COLLECTIONS]),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
        st.booleans(),  # through a bundle import rather than the item's own routes
    ),
    min_size=1,
    max_size=6,
)


@pytest.fixture
def rolled_back(app: Flask, connection: sa.Connection) -> Any:
    """Run a block inside a savepoint of the test's transaction that is rolled back after."""

    class Scope:
        def __enter__(self) -> None:
            self.savepoint = connection.begin_nested()
            _clear_caches(app)

        def __exit__(self, *_exc: object) -> None:
            self.savepoint.rollback()
            _clear_caches(app)

    return Scope


def _clear_caches(app: Flask) -> None:
    # Versions roll back with the savepoint, so answers cached under them must go too.
    for extension in app.extensions.values():
        if isinstance(extension, LRU):
            extension.clear()


def _slugs(editor: Client, collection: str) -> list[str]:
    response = editor.get(f"/v1/admin/{collection}?page_size=100")
    assert response.status_code == HTTPStatus.OK
    return [item["slug"] for item in response.json["items"]]


def _write(editor: Client, collection: str, slug: str, item: dict[str, Any], bundle: bool) -> Any:
    if bundle:
        return editor.post("/v1/admin/import", json={collection: [item]})
    _old, etag = admin_item(editor, collection, slug)
    return editor.put(f"/v1/admin/{collection}/{slug}", json=item, headers={"If-Match": etag})


def apply_edit(editor: Client, edit: Edit) -> None:
    """Make one edit through the admin API; an edit the catalogue refuses changes nothing."""
    kind, collection, which, other, bundle = edit
    slugs = _slugs(editor, collection)
    if not slugs:
        return
    slug = slugs[which % len(slugs)]
    item, etag = admin_item(editor, collection, slug)
    if kind == "rename":
        item[name_field(collection)] = f"Renamed {which}"
        response = _write(editor, collection, slug, item, bundle)
    elif kind == "translate":
        item["translations"] = {"es": {name_field(collection): f"Traducido {which}"}}
        response = _write(editor, collection, slug, item, bundle)
    elif kind == "status":
        if collection not in WITH_STATUS:
            return
        if bundle:
            item["status"] = "draft" if item["status"] == "published" else "published"
            response = _write(editor, collection, slug, item, bundle)
        else:
            action = "unpublish" if item["status"] == "published" else "publish"
            response = editor.post(f"/v1/admin/{collection}/{slug}/{action}")
    elif kind in ("drop_link", "add_link"):
        relations = [n for n in BY_NAME[collection].relations if n != "sources"]
        if not relations:
            return
        name = relations[other % len(relations)]
        relation = BY_NAME[collection].relations[name]
        entries = list(item.get(name) or [])
        if kind == "drop_link":
            if not entries:
                return
            entries.pop(other % len(entries))
        else:
            key = relation.key if isinstance(relation, Links) else None
            taken = {e[key] if key else e for e in entries}
            free = [s for s in _slugs(editor, relation.collection) if s not in taken]
            if not free or (key and not entries):
                return
            target = free[other % len(free)]
            entries.append({**entries[0], key: target} if key else target)
        item[name] = entries
        response = _write(editor, collection, slug, item, bundle)
    else:  # delete
        if bundle:
            kept = [admin_item(editor, collection, s)[0] for s in slugs if s != slug]
            response = editor.post("/v1/admin/import?prune=true", json={collection: kept})
        else:
            response = editor.delete(f"/v1/admin/{collection}/{slug}", headers={"If-Match": etag})
    # Refused edits (a reference still in use, a routine left without steps) are fine: they
    # change nothing, which the comparison at the end checks as well as any other state.
    assert response.status_code in {200, 204, 409, 422}, response.get_data(as_text=True)


@settings(
    max_examples=8,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=EDITS, lang=st.sampled_from([None, "es"]), limit=st.sampled_from([1000, 7]))
def test_after_any_edits_an_app_that_syncs_holds_what_the_details_serve(
    client: Client,
    editor: Client,
    rolled_back: Any,
    edits: list[Edit],
    lang: str | None,
    limit: int,
) -> None:
    with rolled_back():
        app = OfflineCopy(client, lang)
        app.sync(limit)
        for edit in edits:
            if edit[0] == "sync":
                app.sync(limit)
            else:
                apply_edit(editor, edit)
        app.sync(limit)
        assert app.items == served(client, lang)


def test_only_published_rows_are_read_by_sync(client: Client, session: Session) -> None:
    """Sync reads the public catalogue only: every item it sends is published now."""
    app = OfflineCopy(client)
    app.sync()
    for (collection, slug), _data in app.items.items():
        model = BY_NAME[collection].model
        status = session.scalar(sa.select(model.status).where(model.slug == slug))
        assert status == Status.PUBLISHED
