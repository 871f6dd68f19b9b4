"""A catalogue of bad input: each kind gets a clear 4xx problem and changes nothing.

Malformed JSON, wrong or missing Content-Type, bodies over the limit, deep nesting, huge
arrays, NUL and odd Unicode, SQL injection, out-of-range numbers, page_size abuse, unknown
query parameters and duplicate keys. Every case compares the database's row counts and content
version before and after.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import pytest

from tests.helpers import assert_problem
from tests.toolkit.clients import Client

SOURCE = "article-back-pain-after-stretching"
FAQ = {
    "slug": "a-new-question",
    "question": "Is this new?",
    "answer": "Yes.",
    "sources": [SOURCE],
    "status": "draft",
}
JSON = "application/json"


def body(value: Any) -> bytes:
    return json.dumps(value).encode()


def faq(**changes: Any) -> bytes:
    return body({**FAQ, **changes})


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@dataclass(frozen=True)
class Bad:
    """One bad request: what is sent, and the status and words of the answer."""

    method: str
    url: str
    status: int
    says: str
    data: bytes | None = None
    content_type: str | None = JSON
    headers: dict[str, str] = field(default_factory=dict)
    admin: bool = False


CATALOGUE: dict[str, Bad] = {
    # Malformed JSON
    "malformed-json-recommendation": Bad(
        "POST", "/v1/recommendations", 400, "Invalid JSON body", b'{"symptoms": ['
    ),
    "malformed-json-admin-create": Bad(
        "POST", "/v1/admin/faqs", 400, "not valid JSON", b'{"slug": ', admin=True
    ),
    "malformed-json-import": Bad(
        "POST", "/v1/admin/import", 400, "not valid JSON", b'{"faqs": [}', admin=True
    ),
    "trailing-garbage": Bad(
        "POST", "/v1/recommendations", 400, "Extra data", b'{"symptoms": []} x'
    ),
    "invalid-utf8": Bad("POST", "/v1/recommendations", 400, "utf-8", b'{"symptoms": ["\xff"]}'),
    "empty-json-body": Bad("POST", "/v1/recommendations", 400, "needs one", b""),
    "no-body-at-all": Bad("POST", "/v1/recommendations", 400, "needs one", None, None),
    "json-array-not-object": Bad("POST", "/v1/admin/faqs", 422, "object", b"[1, 2]", admin=True),
    "json-string-not-object": Bad(
        "POST", "/v1/recommendations", 422, "Invalid input type", b'"symptoms"'
    ),
    # Content-Type
    "text-plain": Bad("POST", "/v1/recommendations", 415, "application/json", b"{}", "text/plain"),
    "form-encoded": Bad(
        "POST",
        "/v1/admin/faqs",
        415,
        "application/json",
        b"slug=x",
        "application/x-www-form-urlencoded",
        admin=True,
    ),
    "missing-content-type": Bad("POST", "/v1/recommendations", 415, "no type", b"{}", None),
    "missing-content-type-import": Bad(
        "POST", "/v1/admin/import", 415, "no type", b"{}", None, admin=True
    ),
    # Size
    "body-over-the-limit": Bad(
        "POST", "/v1/recommendations", 413, "exceeds", b"[" + b" " * (1024 * 1024) + b"]"
    ),
    "admin-body-over-the-limit": Bad(
        "POST", "/v1/admin/faqs", 413, "exceeds", faq(answer="x" * 1024 * 1024), admin=True
    ),
    # Nesting
    "deep-nesting-recommendation": Bad(
        "POST", "/v1/recommendations", 400, "nested too deeply", nested(100_000).encode()
    ),
    "deep-nesting-import": Bad(
        "POST",
        "/v1/admin/import",
        400,
        "nested too deeply",
        f'{{"faqs": {nested(100_000)}}}'.encode(),
        admin=True,
    ),
    "nested-value-in-a-translation": Bad(
        "POST",
        "/v1/admin/faqs",
        422,
        "translated as text",
        faq(translations={"es": {"question": json.loads(nested(500))}}),
        admin=True,
    ),
    "nested-object-where-a-slug-goes": Bad(
        "POST", "/v1/recommendations", 422, "json.symptoms.0", body({"symptoms": [{"a": [1]}]})
    ),
    # Huge arrays
    "huge-array-of-symptoms": Bad(
        "POST", "/v1/recommendations", 422, "maximum length 50", body({"symptoms": ["a"] * 100_000})
    ),
    "huge-array-of-tags": Bad(
        "POST", "/v1/admin/faqs", 422, "json.tags", faq(tags=["t"] * 50_000), admin=True
    ),
    "huge-bundle-of-bad-items": Bad(
        "POST",
        "/v1/admin/import",
        422,
        "nothing was written",
        body({"faqs": [{"slug": f"f-{n}"} for n in range(2_000)]}),
        admin=True,
    ),
    # NUL and odd Unicode
    "nul-in-a-json-string": Bad(
        "POST", "/v1/recommendations", 400, "NUL", b'{"symptoms": ["a\\u0000b"]}'
    ),
    "nul-in-an-admin-body": Bad(
        "POST", "/v1/admin/faqs", 400, "NUL", faq(question="Why\u0000?"), admin=True
    ),
    "nul-in-a-slug": Bad("GET", "/v1/stretches/a%00b", 400, "NUL", None, None),
    "nul-in-q": Bad("GET", "/v1/stretches?q=back%00pain", 400, "NUL", None, None),
    "nul-in-a-header": Bad(
        "GET", "/v1/faqs", 400, "NUL", None, None, headers={"Accept-Language": "es\x00"}
    ),
    "lone-surrogate-in-json": Bad(
        "POST", "/v1/admin/faqs", 400, "surrogates", faq(question="\ud800?"), admin=True
    ),
    "accented-slug-in-a-body": Bad(
        "POST", "/v1/admin/faqs", 422, "json.slug", faq(slug="caf\u00e9"), admin=True
    ),
    "bidi-override-in-a-slug": Bad(
        "POST", "/v1/admin/faqs", 422, "json.slug", faq(slug="safe\u202eevil"), admin=True
    ),
    "zero-width-space-in-a-filter": Bad(
        "GET", "/v1/stretches?safe_for=disc%E2%80%8Bherniation", 422, "query.safe_for", None, None
    ),
    "fullwidth-slug-in-the-url": Bad(
        "GET", "/v1/faqs/%EF%BD%88ow-to-stretch-safely", 404, "\\uff48ow", None, None
    ),
    "nan-is-not-a-number": Bad(
        "POST", "/v1/recommendations", 400, "NaN", b'{"hours_since_onset": NaN}'
    ),
    # SQL injection (the search text `q` is tested apart: it is text, so it finds nothing)
    "sql-in-a-slug": Bad(
        "GET", "/v1/stretches/x%27%20OR%20%271%27%3D%271", 404, "x' OR '1'='1", None, None
    ),
    "sql-in-a-filter": Bad(
        "GET", "/v1/stretches?helps_with=x%27%3B%20DROP%20TABLE%20causes%3B--", 422, "helps_with"
    ),
    "sql-in-a-body-slug": Bad(
        "POST", "/v1/admin/faqs", 422, "json.slug", faq(slug="x'; DROP TABLE faqs;--"), admin=True
    ),
    "sql-in-symptoms": Bad(
        "POST", "/v1/recommendations", 422, "json.symptoms.0", body({"symptoms": ["' OR 1=1 --"]})
    ),
    "sql-in-a-path-id": Bad(
        "GET", "/v1/admin/keys/1%20OR%201=1", 404, "Not Found", None, None, admin=True
    ),
    # Numbers
    "negative-page": Bad("GET", "/v1/stretches?page=-1", 422, "query.page", None, None),
    "enormous-page": Bad("GET", "/v1/stretches?page=" + "9" * 40, 422, "query.page", None, None),
    "negative-pain": Bad(
        "POST", "/v1/recommendations", 422, "json.pain_level", body({"pain_level": -1})
    ),
    "enormous-minutes": Bad(
        "POST", "/v1/recommendations", 422, "minutes_available", body({"minutes_available": 10**30})
    ),
    "infinite-hours": Bad(
        "POST", "/v1/recommendations", 422, "hours_since_onset", b'{"hours_since_onset": 1e400}'
    ),
    "enormous-sync-limit": Bad("GET", "/v1/sync?limit=99999999999", 422, "query.limit", None, None),
    "enormous-position": Bad(
        "POST", "/v1/admin/faqs", 422, "json.position", faq(position=2**63), admin=True
    ),
    "enormous-key-id": Bad("GET", "/v1/admin/keys/99999999999", 404, "Not Found", admin=True),
    "negative-hours-filter": Bad(
        "GET", "/v1/remedies?hours_since_onset=-5", 422, "hours_since_onset", None, None
    ),
    # page_size abuse
    "page-size-zero": Bad("GET", "/v1/faqs?page_size=0", 422, "query.page_size", None, None),
    "page-size-huge": Bad("GET", "/v1/faqs?page_size=1000000", 422, "query.page_size", None, None),
    "page-size-float": Bad("GET", "/v1/faqs?page_size=1e3", 422, "Not a valid integer", None, None),
    "page-size-words": Bad("GET", "/v1/faqs?page_size=all", 422, "query.page_size", None, None),
    "admin-page-size-huge": Bad(
        "GET", "/v1/admin/faqs?page_size=5000", 422, "query.page_size", None, None, admin=True
    ),
    # Unknown query parameters
    "unknown-filter": Bad("GET", "/v1/stretches?colour=red", 422, "query.colour", None, None),
    "unknown-admin-parameter": Bad(
        "GET", "/v1/admin/audit?who=me", 422, "query.who", None, None, admin=True
    ),
    "unknown-import-option": Bad(
        "POST", "/v1/admin/import?force=true", 422, "query.force", body({}), admin=True
    ),
    # Duplicate keys
    "duplicate-key-recommendation": Bad(
        "POST",
        "/v1/recommendations",
        400,
        "'pain_level' appears more than once",
        b'{"pain_level": 1, "pain_level": 9}',
    ),
    "duplicate-key-admin-create": Bad(
        "POST",
        "/v1/admin/faqs",
        400,
        "'slug' appears more than once",
        faq()[:-1] + b', "slug": "another-question"}',
        admin=True,
    ),
    "duplicate-collection-in-a-bundle": Bad(
        "POST",
        "/v1/admin/import",
        400,
        "'faqs' appears more than once",
        b'{"faqs": [], "faqs": []}',
        admin=True,
    ),
}


@pytest.mark.parametrize("case", CATALOGUE.values(), ids=CATALOGUE.keys())
def test_bad_input_gets_a_clear_problem_and_changes_nothing(
    case: Bad,
    client: Client,
    admin: Client,
    snapshot: Callable[[], dict[str, Any]],
) -> None:
    before = snapshot()
    sender = admin if case.admin else client
    headers = {**case.headers}
    if case.content_type:
        headers["Content-Type"] = case.content_type
    response = sender.open(case.url, method=case.method, data=case.data, headers=headers)
    problem = assert_problem(response, case.status, case.says)
    assert 400 <= problem["status"] < 500
    assert problem["instance"]
    assert snapshot() == before


@pytest.mark.parametrize(
    "url",
    [
        "/v1/stretches?q=%27%3B%20DROP%20TABLE%20stretches%3B%20--",
        "/v1/faqs?q=%27%20OR%20%271%27%3D%271",
        "/v1/causes?q=%25%27%20UNION%20SELECT%20key_hash%20FROM%20api_keys%20--",
        "/v1/stretches?tag=x%27%20OR%201%3D1--",
        "/v1/admin/faqs?q=%27%20OR%201%3D1--",
    ],
)
def test_sql_in_search_text_is_only_text(
    url: str, admin: Client, snapshot: Callable[[], dict[str, Any]]
) -> None:
    """`q` and `tag` are free text: injection attempts find nothing and change nothing."""
    before = snapshot()
    response = admin.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response.json["items"] == [] and response.json["total"] == 0
    assert snapshot() == before


def test_the_snapshot_sees_a_write(admin: Client, snapshot: Callable[[], dict[str, Any]]) -> None:
    """The check the catalogue relies on: an accepted write does change the snapshot."""
    before = snapshot()
    assert admin.post("/v1/admin/faqs", data=faq(), content_type=JSON).status_code == 201
    after = snapshot()
    assert after["faqs"] == before["faqs"] + 1
    assert after["content_state.version"] > before["content_state.version"]


def _flags(schema: Any) -> list[str]:
    from marshmallow import fields

    return [name for name, f in schema().fields.items() if isinstance(f, fields.Boolean)]


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_a_flag_in_a_body_must_be_a_json_boolean(
    editor: Client, seed_bundle: dict[str, Any], value: Any
) -> None:
    """Every yes/no field of every collection: 0, 1 or a string is a 422, nothing written."""
    from service.catalogue import COLLECTIONS
    from service.content.inputs import Flag

    checked = 0
    for collection in COLLECTIONS:
        flags = _flags(collection.input_schema)
        schema = collection.input_schema()
        assert all(isinstance(schema.fields[name], Flag) for name in flags), collection.name
        items = seed_bundle.get(collection.name) or []
        if not flags or not items:
            continue
        item = {**items[0], "slug": f"flag-test-{checked}", "status": "draft"}
        for name in flags:
            response = editor.post(f"/v1/admin/{collection.name}", json={**item, name: value})
            body = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY)
            assert name in json.dumps(body["errors"]), (collection.name, name, body)
            checked += 1
    assert checked >= 8
