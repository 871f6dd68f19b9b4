"""POST /v1/recommendations over HTTP: validation, content types, and rules an editor changes."""

from __future__ import annotations

import copy
from http import HTTPStatus
from typing import Any

import pytest
from sqlalchemy.orm import Session

from service.admin.bundle import import_bundle
from tests.helpers import assert_problem
from tests.toolkit.clients import Client


def test_unknown_slugs_wrong_types_and_ranges_are_all_named(client: Client) -> None:
    response = client.post(
        "/v1/recommendations",
        json={
            "symptoms": ["local-pain", "no-such-symptom"],
            "conditions": ["no-such-condition"],
            "hours_since_onset": -1,
            "pain_level": 11,
            "minutes_available": 0,
        },
    )
    body = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "no-such-symptom")
    assert set(body["errors"]) == {
        "json.symptoms.1",
        "json.conditions.0",
        "json.hours_since_onset",
        "json.pain_level",
        "json.minutes_available",
    }


@pytest.mark.parametrize(
    "body, field",
    [
        ({"symptoms": "local-pain"}, "json.symptoms"),
        ({"symptoms": [1]}, "json.symptoms.0"),
        ({"pain_level": "4"}, "json.pain_level"),
        ({"pain_level": 4.5}, "json.pain_level"),
        ({"minutes_available": 121}, "json.minutes_available"),
        ({"hours_since_onset": "soon"}, "json.hours_since_onset"),
        ({"mood": "grumpy"}, "json.mood"),
    ],
)
def test_bad_request_bodies_are_422(client: Client, body: dict[str, Any], field: str) -> None:
    problem = assert_problem(
        client.post("/v1/recommendations", json=body), HTTPStatus.UNPROCESSABLE_ENTITY
    )
    assert field in problem["errors"]


def test_a_draft_symptom_is_unknown(
    client: Client, session: Session, seed_bundle: dict[str, list[Any]]
) -> None:
    symptom = copy.deepcopy(next(s for s in seed_bundle["symptoms"] if s["slug"] == "fever"))
    symptom["status"] = "draft"
    import_bundle(session, {"symptoms": [symptom]})
    session.commit()
    response = client.post("/v1/recommendations", json={"symptoms": ["fever"]})
    assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "fever")


def test_form_body_is_415(client: Client) -> None:
    response = client.post("/v1/recommendations", data={"symptoms": "fever"})
    assert_problem(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE)


def test_malformed_json_is_400(client: Client) -> None:
    response = client.post("/v1/recommendations", data="{not json", content_type="application/json")
    assert_problem(response, HTTPStatus.BAD_REQUEST)


def test_answer_has_the_contract_fields(client: Client) -> None:
    answer = client.post(
        "/v1/recommendations",
        json={"symptoms": ["local-pain"], "hours_since_onset": 30, "minutes_available": 10},
    ).json
    assert set(answer) >= {
        "triage",
        "likely_causes",
        "stretches",
        "exercises",
        "avoid",
        "recovery",
        "routine",
        "disclaimer",
        "rules_version",
    }
    cause = answer["likely_causes"][0]
    assert set(cause) >= {"slug", "name", "score", "because"}
    assert "local-pain" in cause["because"]
    for item in answer["stretches"] + answer["exercises"]:
        assert item["slug"] and item["name"] and item["why"] and item["sources"]
    for step in answer["routine"]["steps"]:
        assert set(step) >= {"slug", "seconds", "per_side"}


def test_an_editor_changing_a_weight_changes_the_next_answer(
    client: Client, session: Session, seed_bundle: dict[str, list[Any]]
) -> None:
    body = {"symptoms": ["stiffness"]}
    before = client.post("/v1/recommendations", json=body).json
    assert before["likely_causes"][0]["slug"] != "dehydration"
    stiffness = copy.deepcopy(next(s for s in seed_bundle["symptoms"] if s["slug"] == "stiffness"))
    for link in stiffness["causes"]:
        if link["cause"] == "dehydration":
            link["weight"] = 1.0
    import_bundle(session, {"symptoms": [stiffness]})
    session.commit()
    after = client.post("/v1/recommendations", json=body).json
    assert after["likely_causes"][0]["slug"] == "dehydration"
    assert after["rules_version"] != before["rules_version"]


def test_an_editor_adding_a_contraindication_changes_the_next_answer(
    client: Client, session: Session, seed_bundle: dict[str, list[Any]]
) -> None:
    body = {"symptoms": ["stiffness"], "minutes_available": 10}
    before = client.post("/v1/recommendations", json=body).json
    top = before["stretches"][0]["slug"]
    stretch = copy.deepcopy(next(s for s in seed_bundle["stretches"] if s["slug"] == top))
    stretch["contraindications"].append(
        {"cause": before["likely_causes"][0]["slug"], "reason": "An editor's new rule."}
    )
    import_bundle(session, {"stretches": [stretch]})
    session.commit()
    after = client.post("/v1/recommendations", json=body).json
    assert top not in {s["slug"] for s in after["stretches"]}
    assert top not in {s["slug"] for s in after["routine"]["steps"]}
    assert any(a["slug"] == top and "An editor's new rule." in a["reason"] for a in after["avoid"])
    assert after["rules_version"] != before["rules_version"]


def test_new_request_fields_are_validated_each_at_its_place(client: Client) -> None:
    response = client.post(
        "/v1/recommendations",
        json={
            "risk_factors": ["osteoporosis", "no-such-risk"],
            "age": 121,
            "trend": "sideways",
        },
    )
    body = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "no-such-risk")
    assert set(body["errors"]) == {"json.risk_factors.1", "json.age", "json.trend"}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"age": -1}, "json.age"),
        ({"age": 40.5}, "json.age"),
        ({"age": "40"}, "json.age"),
        ({"trend": "WORSE"}, "json.trend"),
        ({"risk_factors": "osteoporosis"}, "json.risk_factors"),
        ({"risk_factors": ["Not A Slug"]}, "json.risk_factors.0"),
        ({"risk_factors": ["osteoporosis"] * 21}, "json.risk_factors"),
    ],
)
def test_bad_new_fields_are_422(client: Client, body: dict[str, Any], field: str) -> None:
    problem = assert_problem(
        client.post("/v1/recommendations", json=body), HTTPStatus.UNPROCESSABLE_ENTITY
    )
    assert field in problem["errors"]


def test_the_new_fields_are_accepted_at_their_bounds(client: Client) -> None:
    for body in (
        {"age": 0, "trend": "better", "risk_factors": []},
        {"age": 120, "trend": None, "pain_level": 0},
        {"age": None, "trend": "same", "pain_level": 10},
    ):
        response = client.post("/v1/recommendations", json=body)
        assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)


def test_a_draft_risk_factor_is_unknown(
    client: Client, session: Session, seed_bundle: dict[str, list[Any]]
) -> None:
    factor = copy.deepcopy(
        next(f for f in seed_bundle["risk-factors"] if f["slug"] == "osteoporosis")
    )
    factor["status"] = "draft"
    import_bundle(session, {"risk-factors": [factor]})
    session.commit()
    response = client.post("/v1/recommendations", json={"risk_factors": ["osteoporosis"]})
    assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "json.risk_factors.0")


def test_reasons_name_each_raising_input_with_its_sources(client: Client) -> None:
    answer = client.post(
        "/v1/recommendations",
        json={
            "symptoms": ["fever"],
            "risk_factors": ["osteoporosis"],
            "age": 60,
            "pain_level": 8,
            "trend": "worse",
            "hours_since_onset": 100,
        },
    ).json
    triage = answer["triage"]
    assert (triage["level"], triage["how_soon"]) == ("urgent", "today")
    named = {(r["input"], r["collection"], r["slug"]) for r in triage["reasons"]}
    assert named == {
        ("symptoms", "symptoms", "fever"),
        ("risk_factors", "risk-factors", "osteoporosis"),
        ("age", "risk-factors", "age-over-50"),
        ("pain_level", "pain-bands", "severe"),
        ("trend", "symptoms", "pain-getting-worse"),
        ("hours_since_onset", "symptoms", "persistent-pain"),
    }
    assert triage["reasons"][0]["slug"] == "fever", "most urgent first"
    for reason in triage["reasons"]:
        assert reason["sources"] and reason["text"]
        assert reason["symptom"] == (reason["slug"] if reason["collection"] == "symptoms" else None)
    assert "60" in next(r["text"] for r in triage["reasons"] if r["input"] == "age")


def test_an_editor_moving_a_band_threshold_through_the_admin_api_changes_the_next_answer(
    client: Client, editor: Client
) -> None:
    body = {"symptoms": ["stiffness"], "pain_level": 6, "minutes_available": 10}
    before = client.post("/v1/recommendations", json=body).json
    assert before["triage"]["level"] == "self_care"
    for slug, change in (("moderate", {"max_level": 5}), ("severe", {"min_level": 6})):
        etag = editor.get(f"/v1/admin/pain-bands/{slug}").headers["ETag"]
        response = editor.patch(
            f"/v1/admin/pain-bands/{slug}", json=change, headers={"If-Match": etag}
        )
        assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)
    after = client.post("/v1/recommendations", json=body).json
    assert after["triage"]["level"] == "see_professional"
    assert [r["slug"] for r in after["triage"]["reasons"]] == ["severe"]
    assert after["routine"]["limit"] == "severe-pain-short-routine"
    assert after["rules_version"] != before["rules_version"]


def test_an_editor_changing_a_symptoms_urgency_through_the_admin_api_changes_the_next_answer(
    client: Client, editor: Client
) -> None:
    before = client.post("/v1/recommendations", json={"symptoms": ["stiffness"]}).json
    net = {s["slug"]: s["level"] for s in before["safety_net"]}
    assert net["worried-or-struggling"] == "see_professional"
    etag = editor.get("/v1/admin/symptoms/worried-or-struggling").headers["ETag"]
    response = editor.patch(
        "/v1/admin/symptoms/worried-or-struggling",
        json={"urgency": "urgent"},
        headers={"If-Match": etag},
    )
    assert response.status_code == HTTPStatus.OK, response.get_data(as_text=True)
    after = client.post("/v1/recommendations", json={"symptoms": ["stiffness"]}).json
    assert {s["slug"]: s["level"] for s in after["safety_net"]}["worried-or-struggling"] == (
        "urgent"
    ), "the safety net follows the content"
    reported = client.post(
        "/v1/recommendations", json={"symptoms": ["stiffness", "worried-or-struggling"]}
    ).json
    assert reported["triage"]["level"] == "urgent"
    assert reported["stretches"] == [] and reported["routine"]["steps"] == []


def test_an_editor_publishing_a_new_risk_factor_is_asked_about_at_once(
    client: Client, editor: Client
) -> None:
    factor = {
        "slug": "made-up-history",
        "name": "A made-up history",
        "description": "Only for this test.",
        "reason": "An editor says so.",
        "urgency": "urgent",
        "sources": ["nice-ng59"],
        "status": "draft",
    }
    assert editor.post("/v1/admin/risk-factors", json=factor).status_code == HTTPStatus.CREATED
    body = {"risk_factors": ["made-up-history"]}
    assert_problem(client.post("/v1/recommendations", json=body), HTTPStatus.UNPROCESSABLE_ENTITY)
    etag = editor.get("/v1/admin/risk-factors/made-up-history").headers["ETag"]
    editor.patch(
        "/v1/admin/risk-factors/made-up-history",
        json={"last_reviewed": "2026-11-30", "reviewed_by": "Dr Test"},
        headers={"If-Match": etag},
    )
    published = editor.post("/v1/admin/risk-factors/made-up-history/publish")
    assert published.status_code == HTTPStatus.OK, published.get_data(as_text=True)
    answer = client.post("/v1/recommendations", json=body).json
    assert answer["triage"]["level"] == "urgent"
    assert answer["triage"]["reasons"][0]["text"] == "A made-up history: An editor says so."
