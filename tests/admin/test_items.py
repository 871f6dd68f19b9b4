"""Single-item admin writes: CRUD for every collection, validation, ETags, drafts and reviews."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from http import HTTPStatus
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from service.admin.models import AuditEntry, Tombstone
from service.catalogue import COLLECTIONS
from service.causes.models import Cause
from tests.helpers import assert_problem
from tests.toolkit.clients import Client, MakeKey, client_with

ALL = [c.name for c in COLLECTIONS]
WITH_STATUS = [c.name for c in COLLECTIONS if c.name != "sources"]
REVIEW = {
    "last_reviewed": str(date.today() - timedelta(days=1)),
    "next_review": str(date.today() + timedelta(days=364)),
    "reviewed_by": "Dr Test",
}


def read(client: Client, collection: str, slug: str) -> tuple[dict[str, Any], str]:
    response = client.get(f"/v1/admin/{collection}/{slug}")
    assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)
    return response.json, response.headers["ETag"]


def first_slug(client: Client, collection: str) -> str:
    return str(client.get(f"/v1/admin/{collection}?page_size=1").json["items"][0]["slug"])


def audit_count(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) or 0


UNREVIEWED = ("last_reviewed", "next_review", "reviewed_by")


def new_item(editor: Client, collection: str, slug: str) -> dict[str, Any]:
    """A copy of an existing item under a new slug, as an unreviewed draft."""
    body, _etag = read(editor, collection, first_slug(editor, collection))
    item: dict[str, Any] = copy.deepcopy(body["item"])
    item["slug"] = slug
    if collection != "sources":
        item["status"] = "draft"
        for field in UNREVIEWED:
            item[field] = None
    if collection == "faqs":
        item["position"] = 99
    return item


@pytest.mark.parametrize("collection", ALL)
def test_get_returns_the_bundle_shape_with_its_etag(
    editor: Client, collection: str, seed_bundle: dict[str, Any]
) -> None:
    slug = seed_bundle[collection][0]["slug"]
    body, etag = read(editor, collection, slug)
    assert body["collection"] == collection and body["slug"] == slug
    assert body["item"]["slug"] == slug
    # The header quotes the ETag; the body gives it bare, so that a copy of it is an If-Match.
    assert f'"{body["etag"]}"' == etag and len(etag) == 66
    for field, value in seed_bundle[collection][0].items():
        if not isinstance(value, list):
            assert body["item"][field] == value, field
    cached = editor.get(f"/v1/admin/{collection}/{slug}", headers={"If-None-Match": etag})
    assert cached.status_code == HTTPStatus.NOT_MODIFIED


@pytest.mark.parametrize("collection", ALL)
def test_create_read_replace_update_delete(
    editor: Client, session: Session, collection: str
) -> None:
    item = new_item(editor, collection, "made-by-a-test")
    created = editor.post(f"/v1/admin/{collection}", json=item)
    assert created.status_code == HTTPStatus.CREATED, created.get_data(as_text=True)
    etag = created.headers["ETag"]
    body, read_etag = read(editor, collection, "made-by-a-test")
    assert read_etag == etag and body["item"] == created.json["item"]
    assert body["updated_by"] == "Ed Itor"

    replaced = editor.put(
        f"/v1/admin/{collection}/made-by-a-test", json=body["item"], headers={"If-Match": etag}
    )
    assert replaced.status_code == HTTPStatus.OK
    assert replaced.headers["ETag"] == etag, "an identical replacement is no change"

    text_field = {
        "sources": "title",
        "faqs": "answer",
        "symptoms": "description",
        "risk-factors": "description",
        "pain-bands": "description",
        "routine-limits": "description",
        "media": "caption",
    }.get(collection, "summary")
    patched = editor.patch(
        f"/v1/admin/{collection}/made-by-a-test",
        json={text_field: "Changed by a test."},
        headers={"If-Match": etag},
    )
    assert patched.status_code == HTTPStatus.OK, patched.get_data(as_text=True)
    assert patched.json["item"][text_field] == "Changed by a test."
    assert patched.headers["ETag"] != etag
    unchanged = {k: v for k, v in patched.json["item"].items() if k != text_field}
    assert unchanged == {k: v for k, v in body["item"].items() if k != text_field}

    deleted = editor.delete(
        f"/v1/admin/{collection}/made-by-a-test", headers={"If-Match": patched.headers["ETag"]}
    )
    assert deleted.status_code == HTTPStatus.NO_CONTENT
    assert_problem(
        editor.get(f"/v1/admin/{collection}/made-by-a-test"), HTTPStatus.NOT_FOUND, "made-by"
    )
    tombstone = session.scalar(
        sa.select(Tombstone).where(
            Tombstone.collection == collection, Tombstone.slug == "made-by-a-test"
        )
    )
    # Only what was public leaves a tombstone: the item was a draft (sources have no status).
    assert (tombstone is not None) == (item.get("status", "published") == "published")
    actions = session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.collection == collection, AuditEntry.slug == "made-by-a-test")
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "update", "delete"]


def test_list_includes_drafts_and_filters_by_status(editor: Client, client: Client) -> None:
    editor.post("/v1/admin/faqs", json=new_item(editor, "faqs", "a-draft-question"))
    drafts = editor.get("/v1/admin/faqs?status=draft").json
    assert [i["slug"] for i in drafts["items"]] == ["a-draft-question"]
    assert drafts["total"] == 1 and drafts["pages"] == 1
    every = editor.get("/v1/admin/faqs?page_size=100").json
    public = client.get("/v1/faqs?page_size=100").json
    assert every["total"] == public["total"] + 1
    slugs = [i["slug"] for i in every["items"]]
    assert slugs == sorted(slugs)
    assert editor.get("/v1/admin/faqs?q=draft-q").json["total"] == 1


def test_list_pages(editor: Client) -> None:
    first = editor.get("/v1/admin/symptoms?page_size=2").json
    second = editor.get("/v1/admin/symptoms?page=2&page_size=2").json
    assert first["pages"] == -(-first["total"] // 2)
    assert {i["slug"] for i in first["items"]}.isdisjoint(i["slug"] for i in second["items"])
    for item in first["items"]:
        assert f'"{item["etag"]}"' == read(editor, "symptoms", item["slug"])[1]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_writes_without_if_match_are_428(editor: Client, method: str) -> None:
    slug = first_slug(editor, "stretches")
    body, _etag = read(editor, "stretches", slug)
    response = getattr(editor, method)(f"/v1/admin/stretches/{slug}", json=body["item"])
    assert_problem(response, HTTPStatus.PRECONDITION_REQUIRED, "If-Match")
    assert read(editor, "stretches", slug)[0] == body


def test_two_editors_cannot_overwrite_each_other(
    app: Flask, editor: Client, make_key: MakeKey
) -> None:
    other = client_with(app, make_key(name="Other Editor"))
    slug = first_slug(editor, "causes")
    _mine, my_etag = read(editor, "causes", slug)
    _theirs, their_etag = read(other, "causes", slug)
    first = other.patch(
        f"/v1/admin/causes/{slug}", json={"summary": "Theirs."}, headers={"If-Match": their_etag}
    )
    assert first.status_code == HTTPStatus.OK
    second = editor.patch(
        f"/v1/admin/causes/{slug}", json={"summary": "Mine."}, headers={"If-Match": my_etag}
    )
    body = assert_problem(second, HTTPStatus.PRECONDITION_FAILED, first.headers["ETag"].strip('"'))
    assert "GET it again" in body["detail"]
    assert read(editor, "causes", slug)[0]["item"]["summary"] == "Theirs."
    stale_delete = editor.delete(f"/v1/admin/causes/{slug}", headers={"If-Match": my_etag})
    assert_problem(stale_delete, HTTPStatus.PRECONDITION_FAILED)


def test_the_gzipped_etag_names_the_same_version(editor: Client) -> None:
    slug = first_slug(editor, "stretches")
    response = editor.get(f"/v1/admin/stretches/{slug}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    zipped = response.headers["ETag"]
    assert zipped.endswith('-gz"')
    patched = editor.patch(
        f"/v1/admin/stretches/{slug}", json={"tags": ["gz"]}, headers={"If-Match": zipped}
    )
    assert patched.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "method, suffix",
    [("get", ""), ("put", ""), ("patch", ""), ("delete", ""), ("post", "/publish")],
)
def test_unknown_slug_is_404(editor: Client, method: str, suffix: str) -> None:
    response = getattr(editor, method)(
        f"/v1/admin/stretches/no-such-stretch{suffix}", json={}, headers={"If-Match": '"x"'}
    )
    assert_problem(response, HTTPStatus.NOT_FOUND, "no-such-stretch")


def test_duplicate_slug_is_409(editor: Client) -> None:
    slug = first_slug(editor, "remedies")
    item = new_item(editor, "remedies", slug)
    assert_problem(editor.post("/v1/admin/remedies", json=item), HTTPStatus.CONFLICT, slug)


def test_every_problem_is_reported_at_once_with_its_path(editor: Client) -> None:
    item = new_item(editor, "stretches", "Not A Slug")
    item["colour"] = "blue"
    item["helps_with"] = ["no-such-cause"]
    item["contraindications"] = [{"cause": "nope", "reason": "x"}]
    item["hold_seconds_min"] = 5000
    item["breaths_min"], item["breaths_max"] = 10, 5
    item["intensity"] = "extreme"
    body = assert_problem(
        editor.post("/v1/admin/stretches", json=item), HTTPStatus.UNPROCESSABLE_ENTITY
    )
    assert set(body["errors"]) == {
        "json.slug",
        "json.colour",
        "json.helps_with.0",
        "json.contraindications.0.cause",
        "json.hold_seconds_min",
        "json.intensity",
    }


def test_ranges_are_checked_once_the_fields_are_valid(editor: Client) -> None:
    item = new_item(editor, "stretches", "upside-down")
    item["breaths_min"], item["breaths_max"] = 10, 5
    body = assert_problem(
        editor.post("/v1/admin/stretches", json=item), HTTPStatus.UNPROCESSABLE_ENTITY
    )
    assert set(body["errors"]) == {"json.breaths_min"}


def test_symptom_weights_must_be_between_0_and_1(editor: Client) -> None:
    slug = first_slug(editor, "symptoms")
    _body, etag = read(editor, "symptoms", slug)
    response = editor.patch(
        f"/v1/admin/symptoms/{slug}",
        json={"causes": [{"cause": "muscle-strain", "weight": 1.5}]},
        headers={"If-Match": etag},
    )
    body = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY)
    assert set(body["errors"]) == {"json.causes.0.weight"}


def test_relations_are_written(editor: Client, client: Client) -> None:
    _s, etag = read(editor, "symptoms", "local-pain")
    weights = [{"cause": "muscle-strain", "weight": 0.25}, {"cause": "poor-posture", "weight": 1}]
    response = editor.patch(
        "/v1/admin/symptoms/local-pain", json={"causes": weights}, headers={"If-Match": etag}
    )
    assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)
    public = client.get("/v1/symptoms/local-pain").json
    assert {(c["cause"]["slug"], c["weight"]) for c in public["causes"]} == {
        ("muscle-strain", 0.25),
        ("poor-posture", 1.0),
    }

    stretch = first_slug(editor, "stretches")
    _s, etag = read(editor, "stretches", stretch)
    response = editor.patch(
        f"/v1/admin/stretches/{stretch}",
        json={
            "helps_with": ["poor-posture"],
            "contraindications": [{"cause": "sciatica", "reason": "Made up for a test."}],
        },
        headers={"If-Match": etag},
    )
    assert response.status_code == HTTPStatus.OK
    public = client.get(f"/v1/stretches/{stretch}").json
    assert [c["slug"] for c in public["helps_with"]] == ["poor-posture"]
    assert [(c["cause"]["slug"], c["reason"]) for c in public["contraindications"]] == [
        ("sciatica", "Made up for a test.")
    ]


def test_routine_steps_are_replaced_in_order(editor: Client, client: Client) -> None:
    routine = first_slug(editor, "routines")
    body, etag = read(editor, "routines", routine)
    steps = list(reversed(body["item"]["steps"]))
    steps[0] = {**steps[0], "seconds": 42, "notes": "Slowly."}
    response = editor.patch(
        f"/v1/admin/routines/{routine}", json={"steps": steps}, headers={"If-Match": etag}
    )
    assert response.status_code == HTTPStatus.OK
    public = client.get(f"/v1/routines/{routine}").json
    assert [s["stretch"]["slug"] for s in public["steps"]] == [s["stretch"] for s in steps]
    assert public["steps"][0]["seconds"] == 42 and public["steps"][0]["position"] == 1


def test_a_slug_cannot_be_changed(editor: Client) -> None:
    slug = first_slug(editor, "faqs")
    _b, etag = read(editor, "faqs", slug)
    response = editor.patch(
        f"/v1/admin/faqs/{slug}", json={"slug": "renamed"}, headers={"If-Match": etag}
    )
    body = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY)
    assert set(body["errors"]) == {"json.slug"}


def test_body_must_be_a_json_object(editor: Client) -> None:
    assert_problem(
        editor.post("/v1/admin/faqs", data="x=1", content_type="application/x-www-form-urlencoded"),
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    )
    assert_problem(
        editor.post("/v1/admin/faqs", data="{oops", content_type="application/json"),
        HTTPStatus.BAD_REQUEST,
    )
    body = assert_problem(
        editor.post("/v1/admin/faqs", json=[1, 2]), HTTPStatus.UNPROCESSABLE_ENTITY
    )
    assert "json" in body["errors"]


def test_a_body_over_the_limit_is_413(editor: Client, app: Flask) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    item = new_item(editor, "faqs", "huge")
    item["answer"] = "x" * (limit + 1)
    response = editor.post("/v1/admin/faqs", json=item)
    assert_problem(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)


def test_deleting_an_item_others_use_is_409(editor: Client) -> None:
    cases = [("causes", "muscle-strain", "stretches"), ("sources", None, "sources")]
    for collection, slug, used_by in cases:
        slug = slug or "article-back-pain-after-stretching"
        _b, etag = read(editor, collection, slug)
        response = editor.delete(f"/v1/admin/{collection}/{slug}", headers={"If-Match": etag})
        assert_problem(response, HTTPStatus.CONFLICT, slug, used_by)
    routine = read(editor, "routines", first_slug(editor, "routines"))[0]
    stretch = routine["item"]["steps"][0]["stretch"]
    _b, etag = read(editor, "stretches", stretch)
    response = editor.delete(f"/v1/admin/stretches/{stretch}", headers={"If-Match": etag})
    assert_problem(response, HTTPStatus.CONFLICT, "routines", "steps")


# Drafts, publishing and reviews.


def test_a_draft_is_previewed_by_editors_and_hidden_from_the_public(
    editor: Client, client: Client
) -> None:
    item = new_item(editor, "stretches", "brand-new-stretch")
    assert editor.post("/v1/admin/stretches", json=item).status_code == HTTPStatus.CREATED
    assert client.get("/v1/stretches/brand-new-stretch").status_code == HTTPStatus.NOT_FOUND
    assert read(editor, "stretches", "brand-new-stretch")[0]["item"]["status"] == "draft"


def test_publishing_needs_a_review_date(editor: Client, client: Client, session: Session) -> None:
    item = new_item(editor, "stretches", "needs-review")
    editor.post("/v1/admin/stretches", json=item)
    body = assert_problem(
        editor.post("/v1/admin/stretches/needs-review/publish"),
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "review",
    )
    assert set(body["errors"]) == {"last_reviewed"}

    _b, etag = read(editor, "stretches", "needs-review")
    reviewed = editor.patch(
        "/v1/admin/stretches/needs-review", json=REVIEW, headers={"If-Match": etag}
    )
    assert reviewed.status_code == HTTPStatus.OK
    published = editor.post("/v1/admin/stretches/needs-review/publish")
    assert published.status_code == HTTPStatus.OK
    assert published.json["item"]["status"] == "published"
    detail = client.get("/v1/stretches/needs-review")
    assert detail.status_code == HTTPStatus.OK
    assert detail.json["last_reviewed"] == REVIEW["last_reviewed"]

    unpublished = editor.post("/v1/admin/stretches/needs-review/unpublish")
    assert unpublished.json["item"]["status"] == "draft"
    assert client.get("/v1/stretches/needs-review").status_code == HTTPStatus.NOT_FOUND
    where = (Tombstone.collection == "stretches", Tombstone.slug == "needs-review")
    assert session.scalar(sa.select(Tombstone).where(*where)) is not None
    editor.post("/v1/admin/stretches/needs-review/publish")
    assert session.scalar(sa.select(Tombstone).where(*where)) is None, "public again"
    actions = session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.slug == "needs-review")
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "update", "publish", "unpublish", "publish"]


def test_publishing_twice_changes_nothing(editor: Client, session: Session) -> None:
    slug = first_slug(editor, "faqs")  # published already
    before = audit_count(session)
    response = editor.post(f"/v1/admin/faqs/{slug}/publish")
    assert response.status_code == HTTPStatus.OK
    assert audit_count(session) == before


def test_publish_honours_if_match_when_given(editor: Client) -> None:
    editor.post("/v1/admin/faqs", json={**new_item(editor, "faqs", "q-reviewed"), **REVIEW})
    _b, etag = read(editor, "faqs", "q-reviewed")
    editor.patch(
        "/v1/admin/faqs/q-reviewed", json={"answer": "Changed."}, headers={"If-Match": etag}
    )
    stale = editor.post("/v1/admin/faqs/q-reviewed/publish", headers={"If-Match": etag})
    assert_problem(stale, HTTPStatus.PRECONDITION_FAILED)
    _b, fresh = read(editor, "faqs", "q-reviewed")
    ok = editor.post("/v1/admin/faqs/q-reviewed/publish", headers={"If-Match": fresh})
    assert ok.status_code == HTTPStatus.OK


def test_creating_a_published_item_needs_a_review(editor: Client, client: Client) -> None:
    item = {**new_item(editor, "faqs", "published-at-once"), "status": "published"}
    body = assert_problem(editor.post("/v1/admin/faqs", json=item), HTTPStatus.UNPROCESSABLE_ENTITY)
    assert set(body["errors"]) == {"json.last_reviewed"}
    created = editor.post("/v1/admin/faqs", json={**item, **REVIEW})
    assert created.status_code == HTTPStatus.CREATED
    assert client.get("/v1/faqs/published-at-once").json["last_reviewed"] == REVIEW["last_reviewed"]


def test_a_published_item_cannot_lose_its_review(editor: Client, reviewed: None) -> None:
    slug = first_slug(editor, "causes")
    _b, etag = read(editor, "causes", slug)
    response = editor.patch(
        f"/v1/admin/causes/{slug}",
        json={"last_reviewed": None, "reviewed_by": None, "next_review": None},
        headers={"If-Match": etag},
    )
    body = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY)
    assert set(body["errors"]) == {"json.last_reviewed"}


def test_items_published_before_reviews_existed_can_still_be_edited(
    editor: Client, session: Session
) -> None:
    slug = first_slug(editor, "causes")
    session.execute(sa.update(Cause).where(Cause.slug == slug).values(dict.fromkeys(UNREVIEWED)))
    session.commit()
    body, etag = read(editor, "causes", slug)
    assert body["item"]["last_reviewed"] is None and body["item"]["status"] == "published"
    response = editor.patch(
        f"/v1/admin/causes/{slug}", json={"tags": ["typo-fixed"]}, headers={"If-Match": etag}
    )
    assert response.status_code == HTTPStatus.OK


def test_review_fields_are_consistent(editor: Client) -> None:
    item = {
        **new_item(editor, "faqs", "odd-review"),
        "last_reviewed": "2026-05-01",
        "next_review": "2026-04-01",
        "reviewed_by": None,
    }
    body = assert_problem(editor.post("/v1/admin/faqs", json=item), HTTPStatus.UNPROCESSABLE_ENTITY)
    assert set(body["errors"]) == {"json.next_review", "json.reviewed_by"}


def test_sources_have_no_publishing(editor: Client) -> None:
    response = editor.post("/v1/admin/sources/nice-ng59/publish")
    assert_problem(response, HTTPStatus.NOT_FOUND)


def test_writes_change_the_public_api_at_once(editor: Client, client: Client) -> None:
    slug = first_slug(editor, "faqs")
    client.get(f"/v1/faqs/{slug}")  # a cached answer must not survive the write
    _b, etag = read(editor, "faqs", slug)
    editor.patch(
        f"/v1/admin/faqs/{slug}", json={"answer": "A fresh answer."}, headers={"If-Match": etag}
    )
    assert client.get(f"/v1/faqs/{slug}").json["answer"] == "A fresh answer."


def test_a_draft_is_previewed_as_the_apps_will_show_it(editor: Client, client: Client) -> None:
    item = new_item(editor, "stretches", "preview-me")
    item["translations"] = {"es": {"name": "Vista previa"}}
    editor.post("/v1/admin/stretches", json=item)
    preview = editor.get("/v1/admin/stretches/preview-me/preview")
    assert preview.status_code == HTTPStatus.OK
    public_shape = client.get(f"/v1/stretches/{first_slug(editor, 'stretches')}").json
    assert set(preview.json) == set(public_shape)
    assert preview.json["slug"] == "preview-me"
    spanish = editor.get("/v1/admin/stretches/preview-me/preview?lang=es")
    assert spanish.json["name"] == "Vista previa"
    assert spanish.headers["Content-Language"] == "es"
    assert_problem(editor.get("/v1/admin/stretches/nope/preview"), HTTPStatus.NOT_FOUND, "nope")
    assert (
        client.get("/v1/admin/stretches/preview-me/preview").status_code == HTTPStatus.UNAUTHORIZED
    )
