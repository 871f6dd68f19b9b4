"""What a person reading /docs relies on: grammar, enums, documented errors and If-Match, ETags
that survive copy and paste, a key pasted with its prefix, and Swagger UI's settings."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from service.catalogue import with_article, words
from tests.docs.operations import operations
from tests.helpers import assert_problem
from tests.toolkit.clients import Client

FAQ = "/v1/admin/faqs/how-to-stretch-safely"
# Fields whose values are a closed set: the document must list them.
KNOWN_VALUES = {
    "status",
    "level",
    "kind",
    "urgency",
    "role",
    "action",
    "intensity",
    "difficulty",
    "group",
    "category",
    "collection",
    "reason",
}
# Fields of those names that hold sentences written for people, not codes.
FREE_TEXT = {
    "Triage.action",
    "Avoid.reason",
    "Contraindication.reason",
    "ContraindicationIn.reason",
    "SafetyNetSign.action",
    "SafetyNetSign.reason",
    # Why a sign, a risk factor or a pain band matters, in one sentence.
    *(
        f"{collection}{shape}.reason"
        for collection in ("Symptom", "RiskFactor", "PainBand")
        for shape in ("", "Summary", "In", "Patch")
    ),
}


@pytest.fixture
def spec(client: Client) -> dict[str, Any]:
    served: dict[str, Any] = client.get("/openapi.json").json
    return served


def test_names_in_words_with_the_right_article() -> None:
    assert words("faqs") == "FAQs" and with_article(words("faq")) == "an FAQ"
    assert with_article(words("exercise")) == "an exercise"
    assert with_article(words("stretch")) == "a stretch"
    assert with_article(words("risk_factor")) == "a risk factor"
    assert words("risk-factors") == "risk factors"


def test_every_summary_reads_as_a_sentence(spec: dict[str, Any]) -> None:
    for operation in operations(spec):
        summary = operation.doc.get("summary", "")
        assert summary and summary[0].isupper(), operation.name
        assert not re.search(r"\ba [aeiou]", summary), summary
        assert not re.search(r"\ban [b-df-hj-np-tv-z][a-z]", summary), summary
        assert not re.search(r"\bfaqs?\b", summary), summary
        assert "_" not in summary, summary


def test_closed_sets_of_values_are_enums(spec: dict[str, Any]) -> None:
    def strings_without_enum(schema: dict[str, Any], where: str) -> list[str]:
        found = []
        for name, prop in (schema.get("properties") or {}).items():
            if name in KNOWN_VALUES and prop.get("type") == "string" and "enum" not in prop:
                found.append(f"{where}.{name}")
        return found

    missing = [
        field
        for name, schema in spec["components"]["schemas"].items()
        for field in strings_without_enum(schema, name)
    ]
    for operation in operations(spec):
        for parameter in operation.parameters:
            schema = parameter.get("schema", {})
            if schema.get("type") == "array":  # a repeatable parameter: its items are the values
                schema = schema.get("items", {})
            if parameter["name"] in KNOWN_VALUES and "enum" not in schema:
                missing.append(f"{operation.name} {parameter['name']}")
    assert not [m for m in missing if m not in FREE_TEXT], missing


def test_the_language_parameter_shows_an_example(spec: dict[str, Any]) -> None:
    langs = [p for op in operations(spec) for p in op.parameters if p["name"] == "lang"]
    assert langs and all(p["schema"].get("example") == "en" or "example" in p for p in langs)


def test_operations_with_bodies_document_malformed_json_and_get_it(
    spec: dict[str, Any], client: Client, editor: Client
) -> None:
    bodies = [op for op in operations(spec) if op.doc.get("requestBody")]
    assert bodies
    for operation in bodies:
        assert {"400", "415"} <= set(operation.doc["responses"]), operation.name
        url = operation.url()
        if url is None or "403" in operation.doc["responses"]:
            continue
        sender = editor if operation.doc.get("security") else client
        headers = {"Content-Type": "application/json", "If-Match": "*"}
        response = sender.open(url, method=operation.method, data="{nope", headers=headers)
        if operation.body_type == "application/json":
            assert_problem(response, HTTPStatus.BAD_REQUEST, "JSON")
        else:
            # An upload or an archive sent as JSON is the wrong type, whatever it holds.
            assert_problem(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, str(operation.body_type))


def test_publish_and_unpublish_document_an_optional_if_match(spec: dict[str, Any]) -> None:
    actions = [op for op in operations(spec) if op.path.endswith(("/publish", "/unpublish"))]
    assert actions
    for operation in actions:
        if_match = operation.parameter("If-Match", "header")
        assert if_match is not None and if_match["required"] is False, operation.name


def test_an_action_with_a_stale_if_match_is_412_and_with_the_current_one_200(
    editor: Client,
) -> None:
    etag = editor.get(FAQ).json["etag"]
    stale = editor.post(f"{FAQ}/unpublish", headers={"If-Match": "0" * 64})
    assert_problem(stale, HTTPStatus.PRECONDITION_FAILED, etag)
    assert editor.post(f"{FAQ}/unpublish", headers={"If-Match": etag}).status_code == 200


@pytest.mark.parametrize("form", ["{}", '"{}"', '\\"{}\\"', ' "{}" ', 'W/"x", "{}"'])
def test_if_match_takes_the_etag_as_people_paste_it(editor: Client, form: str) -> None:
    """The `etag` field bare, the header's quoted form, the quotes JSON-escaped as a copy from
    a JSON view gives them, with spaces, or among other tags."""
    body = editor.get(FAQ).json
    assert '"' not in body["etag"]
    header = form.format(body["etag"])
    response = editor.patch(FAQ, json={"tags": ["how-to"]}, headers={"If-Match": header})
    assert response.status_code == HTTPStatus.OK, response.json


def test_a_412_says_which_etag_was_received_and_which_is_current(editor: Client) -> None:
    current = editor.get(FAQ).json["etag"]
    sent = '"' + "a" * 64 + '"'
    body = assert_problem(
        editor.patch(FAQ, json={"tags": []}, headers={"If-Match": sent}),
        HTTPStatus.PRECONDITION_FAILED,
    )
    assert f"If-Match received: {sent}" in body["detail"]
    assert f"current ETag: {current}" in body["detail"]
    weak = editor.patch(FAQ, json={"tags": []}, headers={"If-Match": f'W/"{current}"'})
    assert weak.status_code == HTTPStatus.PRECONDITION_FAILED


def test_a_key_pasted_with_its_bearer_prefix_is_accepted(
    app: Flask, connection: sa.Connection, editor_key: str
) -> None:
    client = app.test_client()
    doubled = client.get(FAQ, headers={"Authorization": f"Bearer Bearer {editor_key}"})
    assert doubled.status_code == HTTPStatus.OK
    wrong = client.get(FAQ, headers={"Authorization": "Bearer Bearer bck_not-a-key"})
    assert_problem(wrong, HTTPStatus.UNAUTHORIZED)


def test_swagger_ui_is_set_up_for_people(client: Client) -> None:
    html = client.get("/docs").get_data(as_text=True)
    for setting in (
        '"persistAuthorization": true',
        '"filter": true',
        '"deepLinking": true',
        '"displayRequestDuration": true',
        '"docExpansion": "none"',
        '"validatorUrl": null',
    ):
        assert setting in html, setting
    icons = re.findall(r'<link rel="icon"[^>]* href="([^"]+)"', html)
    assert icons
    for icon in [*icons, "/favicon.ico"]:
        with client.get(icon) as response:
            assert response.status_code == HTTPStatus.OK and response.mimetype == "image/png"


def test_tags_and_operation_ids_make_deep_links_swagger_ui_reads_cleanly(
    spec: dict[str, Any],
) -> None:
    for operation in operations(spec):
        assert "_" not in operation.doc["operationId"], operation.name
        assert all("_" not in tag for tag in operation.doc["tags"]), operation.name
