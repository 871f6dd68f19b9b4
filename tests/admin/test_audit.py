"""The audit log of every write, and the clinical reviews that are due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from http import HTTPStatus
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.admin.models import ApiKey
from service.causes.models import Cause
from service.faqs.models import Faq
from tests.helpers import assert_problem
from tests.toolkit.clients import Client


def faq(slug: str, **fields: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "status": "draft",
        "sources": ["nice-ng59"],
        "question": f"What about {slug}?",
        "answer": "An answer.",
        **fields,
    }


def test_a_write_records_who_what_when_and_the_hashes(editor: Client, session: Session) -> None:
    started = datetime.now(UTC)
    created = editor.post("/v1/admin/faqs", json=faq("audited-question"))
    etag = created.headers["ETag"]
    patched = editor.patch(
        "/v1/admin/faqs/audited-question", json={"answer": "Changed."}, headers={"If-Match": etag}
    )
    editor.delete("/v1/admin/faqs/audited-question", headers={"If-Match": patched.headers["ETag"]})
    key_id = session.scalar(sa.select(ApiKey.id).where(ApiKey.name == "Ed Itor"))
    log = editor.get("/v1/admin/audit?slug=audited-question").json
    assert log["total"] == 3
    delete, update, create = log["items"]  # newest first
    assert [create["action"], update["action"], delete["action"]] == ["create", "update", "delete"]
    for entry in (create, update, delete):
        assert entry["key_id"] == key_id and entry["key_name"] == "Ed Itor"
        assert entry["collection"] == "faqs" and entry["slug"] == "audited-question"
        assert started - timedelta(seconds=5) <= datetime.fromisoformat(entry["at"])
    # The hashes chain, and each after hash is the ETag the item then had.
    assert create["before_hash"] is None and f'"{create["after_hash"]}"' == etag
    assert update["before_hash"] == create["after_hash"]
    assert f'"{update["after_hash"]}"' == patched.headers["ETag"]
    assert delete["before_hash"] == update["after_hash"] and delete["after_hash"] is None


def test_a_refused_write_records_nothing(editor: Client) -> None:
    before = editor.get("/v1/admin/audit").json["total"]
    editor.post("/v1/admin/faqs", json=faq("Bad Slug"))
    editor.post("/v1/admin/import", json={"faqs": [faq("ok-one"), faq("bad", position=-1)]})
    assert editor.get("/v1/admin/audit").json["total"] == before


def test_audit_filters_and_pages(editor: Client, admin: Client) -> None:
    for slug in ("one-question", "two-question", "three-question"):
        editor.post("/v1/admin/faqs", json=faq(slug))
    admin.post("/v1/admin/faqs", json=faq("admins-question"))
    mine = editor.get("/v1/admin/audit?collection=faqs&action=create&page_size=2").json
    assert mine["total"] >= 4 and mine["pages"] >= 2 and len(mine["items"]) == 2
    assert mine["items"][0]["slug"] == "admins-question"  # newest first
    key_id = mine["items"][1]["key_id"]
    by_key = editor.get(f"/v1/admin/audit?key_id={key_id}&collection=faqs").json
    assert {e["slug"] for e in by_key["items"]} == {
        "one-question",
        "two-question",
        "three-question",
    }
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    assert editor.get("/v1/admin/audit", query_string={"since": later}).json["total"] == 0
    assert editor.get("/v1/admin/audit", query_string={"until": later}).json["total"] >= 4


def test_audit_arguments_are_validated(editor: Client) -> None:
    body = assert_problem(
        editor.get("/v1/admin/audit?action=steal&page_size=1000&since=yesterday"),
        HTTPStatus.UNPROCESSABLE_ENTITY,
    )
    assert set(body["errors"]) == {"query.action", "query.page_size", "query.since"}


def test_admin_reads_say_who_last_wrote_the_item(editor: Client, admin: Client) -> None:
    editor.post("/v1/admin/faqs", json=faq("whose-question"))
    etag = editor.get("/v1/admin/faqs/whose-question").headers["ETag"]
    admin.patch("/v1/admin/faqs/whose-question", json={"answer": "B"}, headers={"If-Match": etag})
    assert editor.get("/v1/admin/faqs/whose-question").json["updated_by"] == "Ad Min"


# Reviews.


def set_review(session: Session, model: Any, slug: str, **fields: Any) -> None:
    session.execute(sa.update(model).where(model.slug == slug).values(**fields))
    session.commit()


def due(editor: Client, query: str = "") -> dict[tuple[str, str], str]:
    items: dict[tuple[str, str], str] = {}
    page = 1
    while True:
        body = editor.get(f"/v1/admin/reviews/due?page={page}&page_size=100&{query}").json
        items.update({(i["collection"], i["slug"]): i["reason"] for i in body["items"]})
        if page >= body["pages"]:
            return items
        page += 1


def test_unreviewed_content_is_due(editor: Client, session: Session, reviewed: None) -> None:
    assert due(editor) == {}
    for model, slug in ((Cause, "sciatica"), (Faq, "how-to-stretch-safely")):
        set_review(session, model, slug, last_reviewed=None, next_review=None, reviewed_by=None)
    assert due(editor) == {
        ("causes", "sciatica"): "never_reviewed",
        ("faqs", "how-to-stretch-safely"): "never_reviewed",
    }


def test_reviews_due_lists_overdue_and_soon_and_not_later(
    editor: Client, session: Session, reviewed: None
) -> None:
    today = date.today()
    assert due(editor) == {}
    set_review(session, Cause, "sciatica", next_review=today - timedelta(days=3))
    set_review(session, Cause, "muscle-strain", next_review=today + timedelta(days=20))
    set_review(session, Cause, "arthritis", next_review=today + timedelta(days=45))
    set_review(session, Faq, "how-to-stretch-safely", next_review=None)
    assert due(editor) == {
        ("causes", "sciatica"): "overdue",
        ("causes", "muscle-strain"): "due_soon",
        ("faqs", "how-to-stretch-safely"): "unscheduled",
    }
    wider = due(editor, "days=60")
    assert wider[("causes", "arthritis")] == "due_soon"
    assert set(due(editor, "days=60&collection=faqs")) == {("faqs", "how-to-stretch-safely")}
    first = editor.get("/v1/admin/reviews/due?days=60").json["items"]
    assert [i["slug"] for i in first] == [
        "how-to-stretch-safely",
        "sciatica",
        "muscle-strain",
        "arthritis",
    ], "unscheduled first, then by date"
    assert first[1]["next_review"] == str(today - timedelta(days=3))
    assert first[1]["reviewed_by"] == "Dr Test"


@pytest.mark.parametrize("query", ["days=-1", "days=x", "collection=sources", "colour=red"])
def test_reviews_due_arguments_are_validated(editor: Client, query: str) -> None:
    assert_problem(editor.get(f"/v1/admin/reviews/due?{query}"), HTTPStatus.UNPROCESSABLE_ENTITY)
