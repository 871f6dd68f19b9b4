"""The served spec's examples work as shown, in the order a person would try them.

The walk reads whatever operations the served document has, so a collection or an operation
added later is walked too: every request body example is sent exactly as shown (with the
path parameters' examples) to the seeded catalogue, and must get a 2xx.
"""

from __future__ import annotations

import io
from http import HTTPStatus
from typing import Any

import pytest
from flask import Flask

from service.admin.models import Role
from service.admin.schemas import has_status
from service.catalogue import COLLECTIONS
from tests.docs.operations import Operation, operations
from tests.toolkit.clients import Client, MakeKey, client_with
from tests.toolkit.pictures import seed_pictures, tar_of


def rank(operation: Operation) -> int:
    """A person's order: reads and creations first, then replace, change, actions on an item
    (publish before unpublish, as the spec lists them), deletions last."""
    on_item = "{" in operation.path
    if operation.method == "get" or (operation.method == "post" and not on_item):
        return 0
    return {"put": 1, "patch": 2, "post": 3, "delete": 4}[operation.method]


def walkable(operation: Operation) -> bool:
    """Bodies always; otherwise every operation whose path examples name an item."""
    if operation.doc.get("requestBody"):
        return True
    return "{" in operation.path and operation.url() is not None


@pytest.fixture
def spec(client: Client) -> dict[str, Any]:
    served: dict[str, Any] = client.get("/openapi.json").json
    return served


@pytest.fixture
def clients(app: Flask, make_key: MakeKey) -> dict[str, Client]:
    return {
        "editor": client_with(app, make_key(Role.EDITOR, "Web editor")),
        "admin": client_with(app, make_key(Role.ADMIN, "Web admin")),
        "public": client_with(app),
    }


def who(operation: Operation) -> str:
    """Editors do every write the spec does not reserve to admins (it documents 403 there)."""
    if not operation.doc.get("security"):
        return "public"
    return "admin" if "403" in operation.doc["responses"] else "editor"


def send(clients: dict[str, Client], operation: Operation) -> Any:
    client = clients[who(operation)]
    url = operation.url()
    assert url is not None, f"{operation.name}: a path parameter has no example"
    headers = {}
    if_match = operation.parameter("If-Match", "header")
    if if_match is not None and if_match.get("required"):
        # As a person does: GET the item and paste the `etag` field of its answer.
        current = client.get(url)
        assert current.status_code == HTTPStatus.OK, (operation.name, current.json)
        headers["If-Match"] = current.json["etag"]
    body = operation.body_example
    if operation.body_type == "application/x-tar":
        # An archive cannot be shown: a person sends one exported before, here the seed's.
        data = tar_of(seed_pictures())
        return client.open(
            url, method=operation.method, data=data, content_type=operation.body_type
        )
    if operation.doc.get("requestBody"):
        assert body is not None, f"{operation.name} takes a body but shows no example"
    if operation.body_type == "multipart/form-data":
        # The fields as shown, and for each file field a picture a person has at hand: the
        # seed's own (stored already, so the walk leaves no draft behind).
        name, picture = next(iter(seed_pictures().items()))
        form = {
            **body,
            **{field: (io.BytesIO(picture), name) for field in operation.binary_fields()},
        }
        return client.open(
            url, method=operation.method, data=form, content_type=operation.body_type
        )
    if operation.doc.get("requestBody"):
        return client.open(url, method=operation.method, json=body, headers=headers)
    return client.open(url, method=operation.method, headers=headers)


def test_every_body_example_succeeds_as_shown_in_order(
    spec: dict[str, Any], clients: dict[str, Client]
) -> None:
    walk = sorted((op for op in operations(spec) if walkable(op)), key=rank)
    with_bodies = [op for op in walk if op.doc.get("requestBody")]
    failures = []
    for operation in walk:
        response = send(clients, operation)
        if not 200 <= response.status_code < 300:
            failures.append((operation.name, response.status_code, response.get_json()))
    assert not failures, failures
    # Every kind of body the API takes was among them.
    kinds = {(op.method, "{" in op.path) for op in with_bodies}
    assert {("post", False), ("put", True), ("patch", True)} <= kinds
    assert len(with_bodies) >= 3 * len(COLLECTIONS) + 3


def test_the_walk_leaves_no_draft_behind(spec: dict[str, Any], clients: dict[str, Client]) -> None:
    """Create, publish, unpublish and delete examples name the same draft, so that trying
    them in order leaves the catalogue as it was."""
    walk = sorted((op for op in operations(spec) if walkable(op)), key=rank)
    created = []
    for operation in walk:
        response = send(clients, operation)
        assert 200 <= response.status_code < 300, (operation.name, response.get_json())
        # What a walk creates answers 201 (an upload of a picture stored already, 200 with
        # its asset, creates nothing).
        if response.status_code == HTTPStatus.CREATED and operation.path.startswith("/v1/admin/"):
            body = response.get_json() or {}
            if "item" in body:
                created.append((body["collection"], body["slug"]))
    assert {collection for collection, _slug in created} == {c.name for c in COLLECTIONS}
    for collection, slug in created:
        gone = clients["editor"].get(f"/v1/admin/{collection}/{slug}")
        assert gone.status_code == HTTPStatus.NOT_FOUND, (collection, slug)


def test_create_examples_are_drafts_of_new_items(
    spec: dict[str, Any], clients: dict[str, Client]
) -> None:
    creates = {f"/v1/admin/{c.name}": c for c in COLLECTIONS}
    seen = set()
    for operation in operations(spec):
        collection = creates.get(operation.path)
        if operation.method != "post" or collection is None:
            continue
        seen.add(collection.name)
        body = operation.body_example
        if has_status(collection):
            assert body["status"] == "draft", operation.name
        existing = clients["editor"].get(f"{operation.path}/{body['slug']}")
        assert existing.status_code == HTTPStatus.NOT_FOUND, operation.name
    assert seen == {c.name for c in COLLECTIONS}


def test_path_examples_name_real_published_items(spec: dict[str, Any], client: Client) -> None:
    public = [
        op
        for op in operations(spec)
        if op.method == "get" and "{slug}" in op.path and not op.doc.get("security")
    ]
    assert len(public) == sum(1 for c in COLLECTIONS if c.public is not None)
    for operation in public:
        url = operation.url()
        assert url is not None, f"{operation.name} has no slug example"
        assert client.get(url).status_code == HTTPStatus.OK, operation.name


def test_the_admin_item_example_is_the_real_answer(
    spec: dict[str, Any], clients: dict[str, Client]
) -> None:
    """Response examples look like real answers: the admin view shown for each collection is
    what GET answers for that item, its ETag included (timestamps and writer aside)."""
    schemas = spec["components"]["schemas"]
    for collection in COLLECTIONS:
        operation = next(
            op
            for op in operations(spec)
            if op.method == "get" and op.path == f"/v1/admin/{collection.name}/{{slug}}"
        )
        ref = operation.doc["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        example = schemas[ref.rsplit("/", 1)[1]]["example"]
        answer = clients["editor"].get(operation.url()).json
        volatile = {"created_at", "updated_at", "updated_by"}
        assert {k: v for k, v in example.items() if k not in volatile} == {
            k: v for k, v in answer.items() if k not in volatile
        }, collection.name


def test_the_recommendation_example_names_real_symptoms_and_gets_advice(
    spec: dict[str, Any], client: Client
) -> None:
    operation = next(op for op in operations(spec) if op.path == "/v1/recommendations")
    body = operation.body_example
    symptoms = {item["slug"] for item in client.get("/v1/symptoms?page_size=100").json["items"]}
    assert body["symptoms"] and set(body["symptoms"]) <= symptoms
    answer = client.post("/v1/recommendations", json=body).json
    assert answer["stretches"] and answer["routine"]["steps"], answer
