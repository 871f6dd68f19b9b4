"""POST /v1/recommendations over HTTP: validation, content types, and rules an editor changes."""

from __future__ import annotations

import copy
from http import HTTPStatus
from typing import Any

import pytest
from sqlalchemy.orm import Session

from service.admin.bundle import import_bundle
from tests.helpers import assert_problem


def test_unknown_slugs_wrong_types_and_ranges_are_all_named(client: Any) -> None:
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
def test_bad_request_bodies_are_422(client: Any, body: dict[str, Any], field: str) -> None:
    problem = assert_problem(
        client.post("/v1/recommendations", json=body), HTTPStatus.UNPROCESSABLE_ENTITY
    )
    assert field in problem["errors"]


def test_a_draft_symptom_is_unknown(client: Any, session: Session, seed_bundle: Any) -> None:
    symptom = copy.deepcopy(next(s for s in seed_bundle["symptoms"] if s["slug"] == "fever"))
    symptom["status"] = "draft"
    import_bundle(session, {"symptoms": [symptom]})
    session.commit()
    response = client.post("/v1/recommendations", json={"symptoms": ["fever"]})
    assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY, "fever")


def test_form_body_is_415(client: Any) -> None:
    response = client.post("/v1/recommendations", data={"symptoms": "fever"})
    assert_problem(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE)


def test_malformed_json_is_400(client: Any) -> None:
    response = client.post("/v1/recommendations", data="{not json", content_type="application/json")
    assert_problem(response, HTTPStatus.BAD_REQUEST)


def test_answer_has_the_contract_fields(client: Any) -> None:
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
    client: Any, session: Session, seed_bundle: Any
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
    client: Any, session: Session, seed_bundle: Any
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
