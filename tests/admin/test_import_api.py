"""POST /v1/admin/import and GET /v1/admin/export: all or nothing, idempotent, lossless."""

from __future__ import annotations

import copy
import dataclasses
from http import HTTPStatus
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from service.admin.models import AuditEntry, Tombstone
from service.config import Settings
from tests.helpers import assert_problem
from tests.toolkit.clients import Client, client_with
from tests.toolkit.live import MakeLiveAdmin


def without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_times(v) for k, v in value.items() if k != "updated_at"}
    if isinstance(value, list):
        return [without_times(v) for v in value]
    return value


def audit_count(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) or 0


@pytest.fixture
def exported(editor: Client, reviewed: None) -> dict[str, Any]:
    """The catalogue as a bundle, every item reviewed so that it may be published."""
    response = editor.get("/v1/admin/export")
    assert response.status_code == HTTPStatus.OK
    bundle: dict[str, Any] = response.json
    return bundle


def test_export_has_every_collection_drafts_included(editor: Client, client: Client) -> None:
    created = editor.post(
        "/v1/admin/faqs",
        json={
            "slug": "draft-faq",
            "status": "draft",
            "sources": ["nice-ng59"],
            "question": "Is this a draft?",
            "answer": "Yes.",
        },
    )
    assert created.status_code == HTTPStatus.CREATED
    bundle = editor.get("/v1/admin/export").json
    assert set(bundle) == {
        "sources",
        "causes",
        "symptoms",
        "stretches",
        "exercises",
        "remedies",
        "routines",
        "faqs",
        "risk-factors",
        "pain-bands",
        "routine-limits",
        "media",
    }
    assert "draft-faq" in {f["slug"] for f in bundle["faqs"]}
    assert len(bundle["faqs"]) == client.get("/v1/faqs").json["total"] + 1


def test_importing_the_export_changes_nothing(
    editor: Client, session: Session, exported: dict[str, Any]
) -> None:
    before = audit_count(session)
    response = editor.post("/v1/admin/import", json=exported)
    assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)
    summary = response.json
    assert summary["changed"] is False and summary["dry_run"] is False
    for name, items in exported.items():
        assert summary["collections"][name] == {
            "created": 0,
            "updated": 0,
            "unchanged": len(items),
            "deleted": 0,
        }
    assert audit_count(session) == before
    assert editor.get("/v1/admin/export").json == exported


def test_import_applies_changes_once(
    editor: Client, session: Session, exported: dict[str, Any]
) -> None:
    bundle = {"stretches": copy.deepcopy(exported["stretches"]), "faqs": exported["faqs"][:1]}
    bundle["stretches"][0]["summary"] = "Changed by an import."
    bundle["faqs"] = [{**bundle["faqs"][0], "slug": "imported-question", "position": 77}]
    first = editor.post("/v1/admin/import", json=bundle).json
    assert first["changed"] is True
    assert first["collections"]["stretches"]["updated"] == 1
    assert first["collections"]["faqs"]["created"] == 1
    entries = session.scalars(
        sa.select(AuditEntry).where(AuditEntry.key_name == "Ed Itor").order_by(AuditEntry.id)
    ).all()
    assert {(e.collection, e.slug, e.action) for e in entries} == {
        ("stretches", bundle["stretches"][0]["slug"], "update"),
        ("faqs", "imported-question", "create"),
    }
    second = editor.post("/v1/admin/import", json=bundle).json
    assert second["changed"] is False
    assert second["collections"]["stretches"]["unchanged"] == len(bundle["stretches"])
    others = session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.key_name != "Ed Itor")
    )
    assert audit_count(session) == len(entries) + (others or 0)


def test_dry_run_returns_the_plan_and_writes_nothing(
    editor: Client, session: Session, exported: dict[str, Any]
) -> None:
    bundle = {"causes": copy.deepcopy(exported["causes"])}
    bundle["causes"][0]["summary"] = "Would change."
    before = audit_count(session)
    response = editor.post("/v1/admin/import?dry_run=true", json=bundle)
    assert response.json["dry_run"] is True and response.json["changed"] is True
    assert response.json["collections"]["causes"]["updated"] == 1
    assert editor.get("/v1/admin/export").json == exported
    assert audit_count(session) == before


def test_one_bad_item_leaves_the_database_exactly_as_it_was(
    editor: Client, session: Session, exported: dict[str, Any]
) -> None:
    bundle = copy.deepcopy(exported)
    bundle["stretches"][0]["summary"] = "Would be changed."
    bundle["faqs"].append({**bundle["faqs"][0], "slug": "would-be-new", "position": 50})
    bundle["routines"][0]["steps"][0]["seconds"] = -5
    before = audit_count(session)
    response = editor.post("/v1/admin/import", json=bundle)
    body = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "nothing was written")
    assert set(body["errors"]) == {"routines.0.steps.0.seconds"}
    assert editor.get("/v1/admin/export").json == exported
    assert audit_count(session) == before


def test_every_problem_of_a_bundle_is_reported_with_its_location(
    editor: Client, exported: dict[str, Any]
) -> None:
    bundle = copy.deepcopy(exported)
    bundle["stretches"][2]["helps_with"] = ["no-such-cause"]
    bundle["symptoms"][1]["causes"] = [{"cause": "muscle-strain", "weight": -1}]
    bundle["faqs"][0]["colour"] = "red"
    bundle["causes"][0]["last_reviewed"] = None
    bundle["prune"] = "yes"
    body = assert_problem(
        editor.post("/v1/admin/import", json=bundle), HTTPStatus.UNPROCESSABLE_ENTITY
    )
    assert set(body["errors"]) == {
        "stretches.2.helps_with.0",
        "symptoms.1.causes.0.weight",
        "faqs.0.colour",
        "causes.0.last_reviewed",
        "prune",
    }


def test_import_needs_reviews_to_publish(editor: Client, seed_bundle: dict[str, Any]) -> None:
    """Through the API, a new published item needs a review."""
    item = {**copy.deepcopy(seed_bundle["faqs"][0]), "slug": "unreviewed", "position": 60}
    for field in ("last_reviewed", "next_review", "reviewed_by"):
        item.pop(field, None)
    body = assert_problem(
        editor.post("/v1/admin/import", json={"faqs": [item]}), HTTPStatus.UNPROCESSABLE_ENTITY
    )
    assert set(body["errors"]) == {"faqs.0.last_reviewed"}
    item["status"] = "draft"
    assert editor.post("/v1/admin/import", json={"faqs": [item]}).status_code == HTTPStatus.OK


def test_prune_deletes_what_the_bundle_leaves_out_and_leaves_tombstones(
    editor: Client, session: Session, exported: dict[str, Any]
) -> None:
    keep = exported["faqs"][:2]
    dropped = {f["slug"] for f in exported["faqs"][2:]}
    plan = editor.post("/v1/admin/import?prune=true&dry_run=true", json={"faqs": keep}).json
    assert plan["collections"]["faqs"]["deleted"] == len(dropped)
    response = editor.post("/v1/admin/import", json={"faqs": keep, "prune": True})
    assert response.json["collections"]["faqs"]["deleted"] == len(dropped)
    assert {f["slug"] for f in editor.get("/v1/admin/export").json["faqs"]} == {
        f["slug"] for f in keep
    }
    stones = session.scalars(sa.select(Tombstone.slug).where(Tombstone.collection == "faqs")).all()
    assert set(stones) == dropped


def test_prune_is_off_by_default_and_the_query_overrides_the_bundle(
    editor: Client, exported: dict[str, Any]
) -> None:
    keep = exported["faqs"][:1]
    off = editor.post("/v1/admin/import", json={"faqs": keep}).json
    assert off["collections"]["faqs"]["deleted"] == 0
    overridden = editor.post("/v1/admin/import?prune=false", json={"faqs": keep, "prune": True})
    assert overridden.json["collections"]["faqs"]["deleted"] == 0
    assert len(editor.get("/v1/admin/export").json["faqs"]) == len(exported["faqs"])


def test_prune_may_not_leave_references_dangling(editor: Client, exported: dict[str, Any]) -> None:
    causes = [c for c in exported["causes"] if c["slug"] != "muscle-strain"]
    response = editor.post("/v1/admin/import", json={"causes": causes, "prune": True})
    body = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "muscle-strain")
    assert "prune.causes.muscle-strain" in body["errors"]
    assert editor.get("/v1/admin/export").json == exported


def test_import_body_over_its_limit_is_413(
    editor: Client, app: Flask, exported: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings: Settings = app.config["SETTINGS"]
    # Bundles may be larger than other bodies...
    big = {"faqs": exported["faqs"] * 1}
    big["faqs"] = [{**f, "answer": f["answer"] + " " + "x" * 2000} for f in exported["faqs"]]
    size = len(str(big))
    assert size < settings.max_import_length
    # ...but not larger than MAX_IMPORT_LENGTH.
    monkeypatch.setitem(
        app.config, "SETTINGS", dataclasses.replace(settings, max_import_length=2048)
    )
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    response = editor.post("/v1/admin/import", json=big)
    assert_problem(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)


def test_import_accepts_bundles_larger_than_other_bodies(
    editor: Client, app: Flask, exported: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    assert editor.post("/v1/admin/import", json=exported).status_code == HTTPStatus.OK
    too_big = editor.post("/v1/admin/faqs", json={"answer": "x" * 5000})
    assert_problem(too_big, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)


def test_a_bundle_must_be_an_object_of_lists(editor: Client) -> None:
    assert_problem(
        editor.post("/v1/admin/import", json=[1]), HTTPStatus.UNPROCESSABLE_ENTITY, "JSON object"
    )
    body = assert_problem(
        editor.post("/v1/admin/import", json={"faqs": {"a": 1}, "unicorns": []}),
        HTTPStatus.UNPROCESSABLE_ENTITY,
    )
    assert set(body["errors"]) == {"faqs", "unicorns"}


def test_export_then_import_into_an_empty_database_is_lossless(
    editor: Client, exported: dict[str, Any], make_live_admin: MakeLiveAdmin
) -> None:
    empty = make_live_admin(content={})
    other = client_with(empty.app, empty.editor_key)
    assert other.get("/v1/admin/export").json == {name: [] for name in exported}
    response = other.post("/v1/admin/import", json=exported)
    assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)
    assert {n: c["created"] for n, c in response.json["collections"].items()} == {
        name: len(items) for name, items in exported.items()
    }
    assert other.get("/v1/admin/export").json == exported
    # The public API serves the same catalogue from both databases (written at other times).
    for path in ("/v1/stretches/cat-cow", "/v1/routines?page_size=100", "/v1/causes/sciatica"):
        assert without_times(other.get(path).json) == without_times(editor.get(path).json)
