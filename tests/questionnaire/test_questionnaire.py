"""GET /v1/questionnaire: the red-flag screen first, every sign asked, answers that triage right."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.recommendations.schemas import RecommendationRequestSchema
from service.symptoms.models import Symptom
from tests.helpers import all_items
from tests.toolkit.clients import Client

LEVELS = ["self_care", "see_professional", "urgent", "emergency"]


def questions(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for section in body["sections"] for q in section["questions"]]


def test_the_red_flag_screen_comes_first_with_every_emergency_and_urgent_sign(
    client: Client,
) -> None:
    body = client.get("/v1/questionnaire").json
    screen = body["sections"][0]
    assert screen["id"] == "red_flags"
    published = all_items(client, "symptoms")
    serious = {s["slug"] for s in published if s["urgency"] in {"emergency", "urgent"}}
    asked = [q["slugs"][0] for q in screen["questions"]]
    assert sorted(asked) == sorted(serious)
    assert all(q["kind"] == "yes_no" and q["field"] == "symptoms" for q in screen["questions"])
    # The most urgent first, so that an emergency is found before anything else is asked.
    ranks = [LEVELS.index(q["level"]) for q in screen["questions"]]
    assert ranks == sorted(ranks, reverse=True)
    assert all(q["text"].endswith("?") and q["help"] for q in screen["questions"])


def test_every_published_symptom_and_asked_risk_factor_is_asked_exactly_once(
    client: Client,
) -> None:
    asked = questions(client.get("/v1/questionnaire").json)
    symptom_slugs = [s for q in asked if q["field"] == "symptoms" for s in q["slugs"]]
    assert sorted(symptom_slugs) == sorted(s["slug"] for s in all_items(client, "symptoms"))
    factors = all_items(client, "risk-factors")
    factor_slugs = [s for q in asked if q["field"] == "risk_factors" for s in q["slugs"]]
    assert sorted(factor_slugs) == sorted(f["slug"] for f in factors if f["question"])
    # A risk factor without a question is an age rule: the age question answers it.
    assert all(f["age_under"] or f["age_over"] for f in factors if not f["question"])
    assert "age" in {q["field"] for q in asked}


def test_every_question_fills_a_field_the_recommendation_takes(client: Client) -> None:
    asked = questions(client.get("/v1/questionnaire").json)
    accepted = set(RecommendationRequestSchema().fields)
    assert {q["field"] for q in asked} == accepted, "every request field is asked for"
    ids = [q["id"] for q in asked]
    assert len(ids) == len(set(ids))


def test_the_pain_scale_shows_the_bands_covering_zero_to_ten(client: Client) -> None:
    (pain,) = [
        q for q in questions(client.get("/v1/questionnaire").json) if q["id"] == "pain_level"
    ]
    assert (pain["kind"], pain["minimum"], pain["maximum"]) == ("scale", 0, 10)
    covered = sorted(
        n for band in pain["options"] for n in range(band["min_level"], band["max_level"] + 1)
    )
    assert set(covered) == set(range(11))
    assert {b["value"] for b in pain["options"]} == {
        b["slug"] for b in all_items(client, "pain-bands")
    }
    assert all(b["description"] for b in pain["options"])


def test_a_yes_to_any_sign_triages_at_least_at_the_level_the_question_says(
    client: Client,
) -> None:
    """The questionnaire and the engine agree: a front end that follows it cannot under-triage."""
    for question in questions(client.get("/v1/questionnaire").json):
        if question["kind"] != "yes_no":
            continue
        body = {question["field"]: question["slugs"]}
        answer = client.post("/v1/recommendations", json=body)
        assert answer.status_code == HTTPStatus.OK, (body, answer.get_data(as_text=True))
        level = answer.json["triage"]["level"]
        assert LEVELS.index(level) >= LEVELS.index(question["level"]), (body, level)


def test_every_choice_and_bound_is_accepted_by_the_recommendation(client: Client) -> None:
    for question in questions(client.get("/v1/questionnaire").json):
        bodies: list[dict[str, Any]] = []
        if question["kind"] == "choice":
            bodies = [{question["field"]: option["value"]} for option in question["options"]]
        elif question["kind"] == "multi_choice":
            bodies = [{question["field"]: [o["value"] for o in question["options"]]}]
        elif question["kind"] in {"number", "scale"}:
            bodies = [
                {question["field"]: question["minimum"]},
                {question["field"]: question["maximum"]},
            ]
        for body in bodies:
            answer = client.post("/v1/recommendations", json=body)
            assert answer.status_code == HTTPStatus.OK, (body, answer.get_data(as_text=True))


def test_a_sign_an_editor_publishes_is_asked_at_once(client: Client, editor: Client) -> None:
    before = client.get("/v1/questionnaire")
    sign = {
        "slug": "made-up-sign",
        "name": "A made-up sign",
        "description": "Only for this test.",
        "question": "Do you have the made-up sign?",
        "reason": "An editor says it matters.",
        "group": "general",
        "red_flag": True,
        "urgency": "emergency",
        "sources": ["nhs-back-pain"],
        "last_reviewed": "2026-11-30",
        "reviewed_by": "Dr Test",
    }
    created = editor.post("/v1/admin/symptoms", json=sign)
    assert created.status_code == HTTPStatus.CREATED, created.get_data(as_text=True)
    published = editor.post("/v1/admin/symptoms/made-up-sign/publish")
    assert published.status_code == HTTPStatus.OK, published.get_data(as_text=True)
    after = client.get("/v1/questionnaire", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == HTTPStatus.OK, "a new sign changes the questionnaire's ETag"
    screen = after.json["sections"][0]["questions"]
    (asked,) = [q for q in screen if q["slugs"] == ["made-up-sign"]]
    assert asked["text"] == "Do you have the made-up sign?"
    assert asked["level"] == "emergency"


def test_a_draft_sign_is_not_asked(client: Client, session: Session) -> None:
    session.execute(sa.update(Symptom).where(Symptom.slug == "chest-pain").values(status="draft"))
    session.commit()
    slugs = {s for q in questions(client.get("/v1/questionnaire").json) for s in q["slugs"]}
    assert "chest-pain" not in slugs


def test_the_questionnaire_has_an_etag_and_answers_304(client: Client) -> None:
    first = client.get("/v1/questionnaire")
    assert first.status_code == HTTPStatus.OK and first.headers["ETag"]
    again = client.get("/v1/questionnaire", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert "not medical advice" in first.json["disclaimer"]


def test_questions_follow_the_contents_translations(client: Client, session: Session) -> None:
    symptom = session.scalars(sa.select(Symptom).where(Symptom.slug == "chest-pain")).one()
    symptom.translations = {"es": {"question": "¿Le duele el pecho?", "name": "Dolor de pecho"}}
    session.commit()
    response = client.get("/v1/questionnaire?lang=es")
    assert response.headers["Content-Language"] == "es"
    assert response.json["language"] == "es"
    (asked,) = [q for q in questions(response.json) if q["slugs"] == ["chest-pain"]]
    assert asked["text"] == "¿Le duele el pecho?"
    english = client.get("/v1/questionnaire?lang=fr")
    assert english.json["language"] == "en"
