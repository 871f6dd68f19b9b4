"""The search index follows every write in the writer's transaction: no draft, unpublished or
deleted item is ever found, and whatever writes the content (admin API, bundle import, the
seed loader, a script with a plain session) keeps the index right."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from service.admin.bundle import import_bundle
from service.content.models import Status
from service.search.index import rebuild
from service.search.models import SearchDocument, SearchTerm
from service.stretches.models import Stretch
from tests.search.helpers import create, etag_of, faq, search, slugs
from tests.toolkit.clients import Client


def test_a_published_item_is_found_as_soon_as_it_is_created(editor: Client, client: Client) -> None:
    create(editor, "faqs", faq("quokka-faq", "Can a quokka hurt my back?", "Rarely."))
    assert slugs(search(client, "quokka")) == ["faqs/quokka-faq"]


def test_a_draft_is_never_found(editor: Client, client: Client) -> None:
    create(editor, "faqs", faq("quokka-draft", "Quokka questions", "Soon.", status="draft"))
    body = search(client, "quokka")
    assert body["items"] == [] and body["total"] == 0
    assert body["facets"]["faqs"] == 0


def test_publishing_finds_it_and_unpublishing_hides_it(editor: Client, client: Client) -> None:
    create(editor, "faqs", faq("quokka-later", "Quokka questions", "Soon.", status="draft"))
    assert editor.post("/v1/admin/faqs/quokka-later/publish").status_code == HTTPStatus.OK
    assert slugs(search(client, "quokka")) == ["faqs/quokka-later"]
    assert editor.post("/v1/admin/faqs/quokka-later/unpublish").status_code == HTTPStatus.OK
    assert search(client, "quokka")["total"] == 0


def test_a_deleted_item_is_gone(editor: Client, client: Client) -> None:
    create(editor, "faqs", faq("quokka-gone", "Quokka questions", "Gone soon."))
    assert search(client, "quokka")["total"] == 1
    etag = etag_of(editor, "faqs", "quokka-gone")
    response = editor.delete("/v1/admin/faqs/quokka-gone", headers={"If-Match": etag})
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert search(client, "quokka")["total"] == 0


def test_an_edit_is_searched_at_once(editor: Client, client: Client) -> None:
    etag = etag_of(editor, "stretches", "piriformis-stretch")
    response = editor.patch(
        "/v1/admin/stretches/piriformis-stretch",
        json={"name": "Wombat hip opener"},
        headers={"If-Match": etag},
    )
    assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)
    assert slugs(search(client, "wombat"))[:1] == ["stretches/piriformis-stretch"]
    hit = search(client, "wombat")["items"][0]
    assert hit["name"] == "Wombat hip opener" and hit["matched"][0] == "name"
    # The old name is no longer the stretch's name (its steps still say "piriformis").
    piriformis = search(client, "piriformis stretch")["items"]
    assert all("name" not in h["matched"] for h in piriformis if h["slug"] == "piriformis-stretch")


def test_an_import_is_indexed_in_its_own_transaction(app: Flask, connection: sa.Connection) -> None:
    bundle = {"faqs": [faq("quokka-import", "Quokka imports", "In one go.")]}
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        import_bundle(session, bundle)
        found = session.scalar(
            sa.select(sa.func.count())
            .select_from(SearchDocument)
            .where(SearchDocument.slug == "quokka-import")
        )
        assert found == 1
        session.rollback()
        # Rolled back with the content: nothing of it is left in the index.
        assert (
            session.scalar(
                sa.select(sa.func.count())
                .select_from(SearchDocument)
                .where(SearchDocument.slug == "quokka-import")
            )
            == 0
        )


def test_a_pruning_import_takes_the_pruned_items_out(
    session: Session, client: Client, seed_bundle: dict[str, Any]
) -> None:
    faqs = [f for f in seed_bundle["faqs"] if f["slug"] != "hydration-flexibility-and-back-pain"]
    import_bundle(session, {"faqs": faqs, "prune": True})
    session.commit()
    assert "faqs/hydration-flexibility-and-back-pain" not in slugs(search(client, "hydration"))
    assert search(client, "hydration")["facets"]["faqs"] == 0


def test_a_plain_session_write_is_indexed(session: Session, client: Client) -> None:
    """A script or background job that changes rows directly keeps the index right too."""
    stretch = session.scalar(sa.select(Stretch).where(Stretch.slug == "childs-pose"))
    assert stretch is not None
    stretch.translations = {"es": {"name": "Postura del niño"}}
    session.commit()
    assert slugs(search(client, "postura nino", lang="es"))[:1] == ["stretches/childs-pose"]
    stretch.status = Status.DRAFT
    session.commit()
    assert search(client, "postura nino", lang="es")["total"] == 0
    assert "stretches/childs-pose" not in slugs(search(client, "child's pose", page_size=100))


def _index(session: Session) -> list[tuple[Any, ...]]:
    columns = [c for c in SearchDocument.__table__.c if c.name != "id"]
    return sorted(tuple(row) for row in session.execute(sa.select(*columns)))


def test_the_index_after_many_writes_is_the_one_a_rebuild_makes(
    editor: Client, session: Session
) -> None:
    create(editor, "faqs", faq("quokka-one", "Quokka one", "First.", "A point."))
    create(editor, "faqs", faq("quokka-two", "Quokka two", "Second.", status="draft"))
    etag = etag_of(editor, "stretches", "cat-cow")
    editor.patch(
        "/v1/admin/stretches/cat-cow",
        json={"translations": {"fr": {"name": "Chat-vache", "steps": ["Mettez-vous à quatre."]}}},
        headers={"If-Match": etag},
    )
    editor.post("/v1/admin/exercises/plank/unpublish")
    etag = etag_of(editor, "faqs", "quokka-one")
    editor.delete("/v1/admin/faqs/quokka-one", headers={"If-Match": etag})
    incremental = _index(session)
    words = set(session.scalars(sa.select(SearchTerm.word)))
    rebuild(session.connection())
    assert _index(session) == incremental
    # Words are only ever added on a write; a rebuild keeps exactly the words in use.
    assert set(session.scalars(sa.select(SearchTerm.word))) <= words
    assert {"chat", "vache", "quatre"} <= words
