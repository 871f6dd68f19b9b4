"""Risk factors, pain bands and routine limits as content: listed, cached, synced, validated."""

from __future__ import annotations

import copy
from http import HTTPStatus
from typing import Any

import pytest
from sqlalchemy.orm import Session

from service.admin.bundle import import_bundle
from tests.helpers import all_items, assert_problem
from tests.toolkit.clients import Client


def test_risk_factors_come_in_questionnaire_order_and_say_what_they_raise(client: Client) -> None:
    items = all_items(client, "risk-factors")
    assert [i["display_order"] for i in items] == sorted(i["display_order"] for i in items)
    for item in items:
        assert item["urgency"] in {"see_professional", "urgent", "emergency"}
        assert item["reason"] and item["name"]
        assert item["question"] or item["age_under"] or item["age_over"], item["slug"]
    urgent = all_items(client, "risk-factors", "urgency=urgent")
    assert [i["slug"] for i in urgent] == ["history-of-cancer"]
    detail = client.get("/v1/risk-factors/osteoporosis").json
    assert detail["gentle_only"] is True and detail["causes"] == []
    assert "nice-ng59" in {s["slug"] for s in detail["sources"]}
    aged = {i["slug"]: (i["age_under"], i["age_over"]) for i in items}
    assert aged["age-under-20"] == (20, None) and aged["age-over-50"] == (None, 50)


def test_pain_bands_cover_every_level_once_in_public_wording(client: Client) -> None:
    bands = all_items(client, "pain-bands")
    assert [b["slug"] for b in bands] == ["mild", "moderate", "severe"]
    covered = [level for b in bands for level in range(b["min_level"], b["max_level"] + 1)]
    assert covered == list(range(11))
    severe = bands[-1]
    assert severe["urgency"] == "see_professional" and severe["gentle_only"] is True
    assert "hard to think or talk" in severe["description"]


def test_routine_limits_list_the_strictest_first_with_their_bands(client: Client) -> None:
    limits = all_items(client, "routine-limits")
    assert [lim["max_total_seconds"] for lim in limits] == [60, 180]
    short = client.get("/v1/routine-limits/severe-pain-short-routine").json
    assert [b["slug"] for b in short["pain_bands"]] == ["severe"]
    assert client.get("/v1/routine-limits/article-routine-length").json["pain_bands"] == []


@pytest.mark.parametrize(
    "path", ["/v1/risk-factors", "/v1/pain-bands/severe", "/v1/routine-limits"]
)
def test_new_collections_answer_304_to_a_current_etag(client: Client, path: str) -> None:
    etag = client.get(path).headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304


def test_an_edited_risk_factor_comes_back_in_the_next_sync(
    client: Client, session: Session, seed_bundle: dict[str, Any]
) -> None:
    cursor = client.get("/v1/sync?limit=1000").json["cursor"]
    factor = copy.deepcopy(
        next(f for f in seed_bundle["risk-factors"] if f["slug"] == "injecting-drugs")
    )
    factor["description"] = "Changed by a test."
    import_bundle(session, {"risk-factors": [factor]})
    session.commit()
    changed = client.get(f"/v1/sync?since={cursor}").json
    assert [(i["collection"], i["slug"]) for i in changed["items"]] == [
        ("risk-factors", "injecting-drugs")
    ]
    assert changed["items"][0]["data"]["description"] == "Changed by a test."


def new(editor: Client, collection: str, slug: str, **fields: Any) -> Any:
    item = copy.deepcopy(editor.get(f"/v1/admin/{collection}/{slug}").json["item"])
    item.update(slug=f"{slug}-copy", status="draft", **fields)
    return editor.post(f"/v1/admin/{collection}", json=item)


@pytest.mark.parametrize(
    "collection, slug, fields, path",
    [
        ("risk-factors", "age-under-20", {"age_over": 10}, "json.age_under"),
        ("risk-factors", "osteoporosis", {"urgency": "soonish"}, "json.urgency"),
        ("risk-factors", "osteoporosis", {"age_under": 121}, "json.age_under"),
        (
            "risk-factors",
            "osteoporosis",
            {"causes": [{"cause": "arthritis", "weight": 1.5}]},
            "json.causes.0.weight",
        ),
        (
            "risk-factors",
            "osteoporosis",
            {"causes": [{"cause": "no-such-cause", "weight": 0.5}]},
            "json.causes.0.cause",
        ),
        ("pain-bands", "mild", {"min_level": 5, "max_level": 4}, "json.min_level"),
        ("pain-bands", "mild", {"max_level": 11}, "json.max_level"),
        ("routine-limits", "article-routine-length", {"max_repeats": 4}, "json.max_repeats"),
        (
            "routine-limits",
            "article-routine-length",
            {"max_total_seconds": 5},
            "json.max_total_seconds",
        ),
        (
            "routine-limits",
            "article-routine-length",
            {"pain_bands": ["no-such-band"]},
            "json.pain_bands.0",
        ),
        ("symptoms", "fever", {"implied_by_trend": "up"}, "json.implied_by_trend"),
        ("remedies", "acupuncture", {"not_recommended": "maybe"}, "json.not_recommended"),
    ],
)
def test_bad_triage_content_is_refused_where_it_is_wrong(
    editor: Client, collection: str, slug: str, fields: dict[str, Any], path: str
) -> None:
    body = assert_problem(new(editor, collection, slug, **fields), HTTPStatus.UNPROCESSABLE_ENTITY)
    assert path in body["errors"]


def test_urgent_is_a_symptom_urgency_editors_can_use(editor: Client, client: Client) -> None:
    created = new(editor, "symptoms", "stiffness", urgency="urgent", red_flag=True)
    assert created.status_code == HTTPStatus.CREATED, created.get_data(as_text=True)
    assert created.json["item"]["urgency"] == "urgent"
    listed = all_items(client, "symptoms", "urgency=urgent")
    assert "fever" in {s["slug"] for s in listed}


def test_a_pain_band_a_limit_uses_cannot_be_deleted(editor: Client) -> None:
    etag = editor.get("/v1/admin/pain-bands/severe").headers["ETag"]
    response = editor.delete("/v1/admin/pain-bands/severe", headers={"If-Match": etag})
    assert_problem(response, HTTPStatus.CONFLICT, "severe-pain-short-routine")


def test_remedies_say_what_the_evidence_advises_against(client: Client) -> None:
    against = {r["slug"] for r in all_items(client, "remedies", "not_recommended=true")}
    assert against == {"acupuncture", "back-supports-and-insoles", "traction-and-electrotherapy"}
    keep_active = client.get("/v1/remedies/keep-active").json
    assert keep_active["leads_advice"] is True and keep_active["recovery_order"] == 0
    massage = client.get("/v1/remedies/massage").json
    assert massage["only_with_exercise"] is True and "exercise" in massage["evidence_note"]


def test_content_corrections_from_the_clinical_read(client: Client) -> None:
    faq = client.get("/v1/faqs/is-back-pain-a-sign-of-something-serious").json
    assert "saddle" in faq["answer"] and any("saddle" in p for p in faq["key_points"])
    bird_dog = client.get("/v1/exercises/bird-dog").json
    assert (bird_dog["repetitions_min"], bird_dog["repetitions_max"]) == (10, 15)
    assert bird_dog["per_side"] is False and "in all" in bird_dog["steps"][-1]
    piriformis = client.get("/v1/stretches/piriformis-stretch").json
    assert "editors' own" in piriformis["steps_note"]
    assert "backcare-editorial" in {s["slug"] for s in piriformis["sources"]}
    massage = client.get("/v1/remedies/massage").json
    assert massage["start_hour"] is not None, "a professional's massage is not for hour one"
