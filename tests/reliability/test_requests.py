"""Attacks on what a request may carry, in-process: bodies in other encodings or cut at the
limit, datetimes that do not exist in UTC, budgets spent on unknown paths, metrics labels a
client chooses, and redirects to a host a client chooses.

Each case checks what a client sees (a 4xx problem) and that nothing changed; the rules are
checked across methods, endpoints and encodings rather than for one example each.
"""

from __future__ import annotations

import codecs
import io
import itertools
import json
import logging
import random
import re
from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import fields

from service import create_app
from service.admin.bundle import input_schema
from service.admin.models import ApiKey
from service.catalogue import COLLECTIONS
from service.config import Settings
from service.content.schemas import Instant
from service.observability import KNOWN_METHODS, JsonFormatter
from tests.helpers import assert_problem

SOURCE = "article-back-pain-after-stretching"
FAQ_SLUG = "how-to-stretch-safely"
_made: list[Flask] = []


@pytest.fixture(autouse=True)
def _close_made_apps() -> Iterator[None]:
    yield
    while _made:
        _made.pop().extensions["db"].dispose()


def make_app(app: Flask, **settings: Any) -> Flask:
    base: Settings = app.config["SETTINGS"]
    _made.append(create_app(Settings(**{**base.__dict__, **settings})))
    return _made[-1]


def new_faq(slug: str, **changes: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "question": "Is this new?",
        "answer": "Yes.",
        "sources": [SOURCE],
        "status": "draft",
        **changes,
    }


def writes(editor: FlaskClient) -> dict[str, tuple[str, str, dict[str, str]]]:
    """(method, URL, headers) of every kind of write, with a current If-Match where needed."""
    etag = editor.get(f"/v1/admin/faqs/{FAQ_SLUG}").headers["ETag"]
    match = {"If-Match": etag}
    return {
        "create": ("POST", "/v1/admin/faqs", {}),
        "replace": ("PUT", f"/v1/admin/faqs/{FAQ_SLUG}", match),
        "patch": ("PATCH", f"/v1/admin/faqs/{FAQ_SLUG}", match),
        "import": ("POST", "/v1/admin/import", {}),
        "recommendation": ("POST", "/v1/recommendations", {}),
    }


def body_for(kind: str, text: str) -> dict[str, Any]:
    if kind == "import":
        return {"faqs": [new_faq("encoded-question", question=text)]}
    if kind == "recommendation":
        return {"symptoms": [text]}
    if kind == "patch":
        return {"question": text}
    return new_faq("encoded-question", question=text)


# JSON is UTF-8, strictly

TEXT = "Does it hurt? \u00e9\u4e2d\U0001f600"
ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-16-le": lambda s: s.encode("utf-16-le"),
    "utf-16-be": lambda s: s.encode("utf-16-be"),
    "utf-16-with-bom": lambda s: s.encode("utf-16"),
    "utf-32": lambda s: s.encode("utf-32"),
    "utf-8-with-bom": lambda s: codecs.BOM_UTF8 + s.encode(),
    "latin-1": lambda s: s.replace("\u4e2d", "").replace("\U0001f600", "").encode("latin-1"),
    # A lone surrogate encoded as UTF-8 bytes (ED A0 80): Python's json takes it.
    "encoded-surrogate": lambda s: s.replace("?", "\ud800").encode("utf-8", "surrogatepass"),
    "overlong-slash": lambda s: s.encode().replace(b"?", b"\xc0\xaf"),
    "cesu-8-emoji": lambda s: (
        s.encode("utf-16", "surrogatepass")
        .decode("utf-16")
        .replace("\U0001f600", "\ud83d\ude00")
        .encode("utf-8", "surrogatepass")
    ),
}


@pytest.mark.parametrize("encoding", ENCODINGS, ids=ENCODINGS.keys())
@pytest.mark.parametrize(
    "kind", ["create", "replace", "patch", "import", "recommendation"], ids=str
)
def test_bodies_that_are_not_utf8_are_refused_and_change_nothing(
    encoding: str, kind: str, editor: FlaskClient, snapshot: Callable[[], dict[str, Any]]
) -> None:
    method, url, headers = writes(editor)[kind]
    if kind == "replace":
        item = editor.get(url).json["item"]
        payload = json.dumps({**item, "question": TEXT}, ensure_ascii=False)
    else:
        payload = json.dumps(body_for(kind, TEXT), ensure_ascii=False)
    before = snapshot()
    response = editor.open(
        url,
        method=method,
        data=ENCODINGS[encoding](payload),
        headers={**headers, "Content-Type": "application/json"},
    )
    assert_problem(response, HTTPStatus.BAD_REQUEST)
    assert snapshot() == before


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json; charset=utf-16",
        "application/json; charset=UTF-32",
        "application/json; charset=iso-8859-1",
        'application/json; charset="windows-1252"',
    ],
)
def test_a_body_declared_in_another_charset_is_415(
    content_type: str, editor: FlaskClient, snapshot: Callable[[], dict[str, Any]]
) -> None:
    before = snapshot()
    for method, url, headers in writes(editor).values():
        body = json.dumps(body_for("create", "plain")).encode()
        response = editor.open(
            url, method=method, data=body, headers={**headers, "Content-Type": content_type}
        )
        assert_problem(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "UTF-8")
    assert snapshot() == before


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "x-anything"])
def test_a_compressed_body_is_415(
    coding: str, editor: FlaskClient, snapshot: Callable[[], dict[str, Any]]
) -> None:
    before = snapshot()
    body = json.dumps(new_faq("compressed")).encode()
    response = editor.post(
        "/v1/admin/faqs",
        data=body,
        headers={"Content-Type": "application/json", "Content-Encoding": coding},
    )
    assert_problem(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, coding)
    assert snapshot() == before


def test_utf8_text_of_every_plane_is_taken_as_sent(editor: FlaskClient) -> None:
    """The control: strict decoding still takes any UTF-8, raw or as escapes."""
    text = "Pain \u00e9\u00df\u4e2d\U0001f600\u202f"
    for ensure_ascii in (False, True):
        slug = f"plain-utf8-{int(ensure_ascii)}"
        payload = json.dumps(new_faq(slug, question=text), ensure_ascii=ensure_ascii).encode()
        response = editor.post("/v1/admin/faqs", data=payload, content_type="application/json")
        assert response.status_code == 201, response.get_data(as_text=True)
        assert editor.get(f"/v1/admin/faqs/{slug}").json["item"]["question"] == text


# Whatever a write accepted, the export imports again

# Any code point but NUL and lone surrogates (refused, as the bad-input catalogue shows):
# controls, private use, unassigned, astral; sent raw in UTF-8 or as \u escapes.
ANY_TEXT = st.text(
    alphabet=st.characters(min_codepoint=1, max_codepoint=0x10FFFF), min_size=1, max_size=40
)
_SLUGS = itertools.count()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(
    texts=st.lists(ANY_TEXT, min_size=3, max_size=3),
    ascii_escapes=st.booleans(),
    how=st.sampled_from(["create", "patch", "translation"]),
)
def test_export_then_import_round_trips_after_any_accepted_write(
    texts: list[str], ascii_escapes: bool, how: str, editor: FlaskClient
) -> None:
    question, answer, translated = texts
    slug = f"round-trip-{next(_SLUGS)}"
    if how == "patch":
        etag = editor.get(f"/v1/admin/faqs/{FAQ_SLUG}").headers["ETag"]
        method, url, headers = "PATCH", f"/v1/admin/faqs/{FAQ_SLUG}", {"If-Match": etag}
        body: dict[str, Any] = {"question": question, "answer": answer}
    else:
        method, url, headers = "POST", "/v1/admin/faqs", {}
        body = new_faq(slug, question=question, answer=answer)
        if how == "translation":
            body["translations"] = {"es": {"question": translated}}
    payload = json.dumps(body, ensure_ascii=ascii_escapes).encode("utf-8", "surrogatepass")
    response = editor.open(
        url, method=method, data=payload, headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    exported = editor.get("/v1/admin/export")
    assert exported.status_code == 200
    plan = editor.post(
        "/v1/admin/import?dry_run=true",
        data=exported.get_data(),
        content_type="application/json",
    )
    assert plan.status_code == 200, plan.get_data(as_text=True)
    for collection, counts in plan.json["collections"].items():
        assert counts["created"] == counts["updated"] == counts["deleted"] == 0, collection
    target = FAQ_SLUG if how == "patch" else slug
    item = next(i for i in exported.json["faqs"] if i["slug"] == target)
    assert (item["question"], item["answer"]) == (question, answer)


# Bodies over the limit, however they are framed


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(
    "url", ["/v1/recommendations", f"/v1/admin/faqs/{FAQ_SLUG}", "/v1/admin/faqs", "/v1/nowhere"]
)
def test_a_streamed_body_over_the_limit_is_413_whatever_the_method(
    method: str, url: str, editor: FlaskClient, snapshot: Callable[[], dict[str, Any]]
) -> None:
    limit = editor.application.config["MAX_CONTENT_LENGTH"]
    body = b'{"question": "' + b"q" * limit + b'"}'
    before = snapshot()
    response = editor.open(
        url,
        method=method,
        input_stream=io.BytesIO(body),
        headers={
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
            "If-Match": "*",
        },
        # What a server that undoes the chunking says (gunicorn does).
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_problem(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "exceeds the limit")
    assert snapshot() == before


def test_a_streamed_import_may_use_the_import_limit(
    editor: FlaskClient, app: Flask, snapshot: Callable[[], dict[str, Any]]
) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    faqs = [new_faq(f"streamed-{n}", answer="a" * 1000) for n in range(limit // 1000 + 50)]
    body = json.dumps({"faqs": faqs}).encode()
    assert limit < len(body) < app.config["SETTINGS"].max_import_length
    response = editor.post(
        "/v1/admin/import?dry_run=true",
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    # Not cut at the body limit and not refused: a bundle this large becomes an import job.
    settings = app.config["SETTINGS"]
    assert len(body) >= settings.import_job_bytes
    assert response.status_code == HTTPStatus.ACCEPTED, response.get_data(as_text=True)[:300]
    assert response.json["bundle_bytes"] == len(body)


# Datetimes that do not exist in UTC

OUT_OF_RANGE = [
    "9999-12-31T23:59:59-12:00",
    "9999-12-31T23:59:59.999999-00:01",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:59:59+01:00",
]


def _datetime_fields(schema: Any, seen: set[int] | None = None) -> Iterator[tuple[str, Any]]:
    seen = seen if seen is not None else set()
    if id(schema) in seen:
        return
    seen.add(id(schema))
    for name, field in schema.fields.items():
        inner: list[Any] = [field]
        while inner:
            current = inner.pop()
            if isinstance(current, fields.DateTime | fields.NaiveDateTime):
                yield f"{type(schema).__name__}.{name}", current
            elif isinstance(current, fields.Nested):
                yield from _datetime_fields(current.schema, seen)
            elif isinstance(current, fields.List):
                inner.append(current.inner)
            elif isinstance(current, fields.Dict) and current.value_field is not None:
                inner.append(current.value_field)


def test_every_datetime_a_client_sends_is_range_checked(app: Flask) -> None:
    found: dict[str, Any] = {}
    for view in app.view_functions.values():
        for argument in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
            schema = argument["schema"]
            schema = schema() if isinstance(schema, type) else schema
            found.update(_datetime_fields(schema))
    for collection in COLLECTIONS:
        found.update(_datetime_fields(input_schema(collection)))
    # The walk is real: it finds the audit filters and a key's expiry.
    assert {"AuditArgsSchema.since", "ApiKeyCreateSchema.expires_at"} <= set(found)
    assert {name for name, field in found.items() if not isinstance(field, Instant)} == set()


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_a_datetime_out_of_range_is_422_and_logs_no_secret(
    value: str,
    admin: FlaskClient,
    session: Any,
    snapshot: Callable[[], dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = snapshot()
    with caplog.at_level(logging.DEBUG):
        created = admin.post(
            "/v1/admin/keys", json={"name": "far future", "role": "editor", "expires_at": value}
        )
        assert_problem(created, HTTPStatus.UNPROCESSABLE_ENTITY, "json.expires_at", "UTC")
        for name in ("since", "until"):
            listed = admin.get("/v1/admin/audit", query_string={name: value})
            assert_problem(listed, HTTPStatus.UNPROCESSABLE_ENTITY, f"query.{name}", "UTC")
    assert snapshot() == before
    logged = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    for key_hash in session.scalars(sa.select(ApiKey.key_hash)):
        assert key_hash not in logged


def test_a_failed_statement_never_carries_its_parameters(
    session: Any, new_key: Callable[..., tuple[ApiKey, str]]
) -> None:
    """A database error is logged with its traceback: the values bound to it stay out."""
    secret_hash = "f" * 63 + "e"
    existing = new_key()[0].id
    with pytest.raises(sa.exc.IntegrityError) as raised:
        session.execute(
            sa.insert(ApiKey).values(
                id=existing, name="dup", role="editor", prefix="bck_dup00000", key_hash=secret_hash
            )
        )
    session.rollback()
    assert "INSERT INTO api_keys" in str(raised.value)
    assert secret_hash not in str(raised.value)


def test_keys_are_masked_in_every_log_line(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    secret = "bck_" + "K" * 43
    with caplog.at_level(logging.INFO):
        logging.getLogger("anything").warning("a client sent %s in its URL", secret)
    line = JsonFormatter().format(caplog.records[-1])
    assert secret not in line and "bck_KKKKKKKK<redacted>" in line


# Budgets and metrics


def test_unknown_paths_and_methods_spend_the_budget(app: Flask) -> None:
    client = make_app(app, ratelimit_enabled=True, ratelimit_public="6/minute").test_client()
    answers = [
        client.open("/v1/no-such-thing", method="GET"),
        client.open("/v1/faqs", method="BREW"),
        client.open("/metrics-but-not-quite", method="GET"),
        client.open("/docs/not-the-docs", method="POST"),
        client.open("/v1/faqs", method="DELETE"),
        client.open("/healthzz", method="GET"),
    ]
    assert [a.status_code for a in answers] == [404, 405, 404, 404, 405, 404]
    assert_problem(client.get("/v1/faqs"), HTTPStatus.TOO_MANY_REQUESTS)
    assert_problem(client.open("/v1/elsewhere", method="PROPFIND"), HTTPStatus.TOO_MANY_REQUESTS)
    # Probes and the metrics scrape stay exempt.
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 200


def test_apps_sharing_a_counters_file_share_one_budget(app: Flask, tmp_path: Any) -> None:
    """What gunicorn's workers do: each process its own app, one file of counters."""
    shared = {"ratelimit_enabled": True, "ratelimit_public": "4/minute"}
    path = str(tmp_path / "counters.sqlite")
    one = make_app(app, **shared, ratelimit_file=path).test_client()
    two = make_app(app, **shared, ratelimit_file=path).test_client()
    statuses = [client.get("/v1/faqs").status_code for client in (one, two) * 3]
    assert statuses == [200] * 4 + [429] * 2
    # A separate file is a separate budget (another instance, counted on its own).
    other = make_app(app, **shared, ratelimit_file=str(tmp_path / "other.sqlite"))
    assert other.test_client().get("/v1/faqs").status_code == 200


_SERIES = re.compile(r'^backcare_http_requests_total\{endpoint="([^"]*)",method="([^"]*)",status')


def _series(client: FlaskClient) -> set[tuple[str, str]]:
    text = client.get("/metrics").get_data(as_text=True)
    return {m.groups() for m in map(_SERIES.match, text.splitlines()) if m}  # type: ignore[misc]


def test_metrics_labels_never_take_a_value_a_client_chose(app: Flask, client: FlaskClient) -> None:
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    rng = random.Random(12)
    # The registry is the process's: other tests' apps (with routes of their own) count too.
    before = _series(client)
    for n in range(300):
        method = rng.choice([f"X{rng.getrandbits(32):x}", "GET", "PURGE", "get", "M-SEARCH"])
        path = rng.choice([f"/v1/{rng.getrandbits(48):x}", f"/x/{n}", "/v1/faqs", "/%ff%00"])
        client.open(path, method=method)
    series = _series(client)
    added = series - before
    assert ("unmatched", "other") in series, "the scrape holds the request counter"
    assert {endpoint for endpoint, _m in added} <= rules | {"unmatched"}
    assert {method for _e, method in added} <= KNOWN_METHODS | {"other"}
    # A second storm of new names adds no series at all.
    for _ in range(100):
        client.open(f"/v1/{rng.getrandbits(64):x}", method=f"Y{rng.getrandbits(32):x}")
    assert _series(client) == series


# Redirects

HOSTS = ["evil.example", "evil.example:8443", "[::1]:1", "xn--80ak6aa92e.com"]


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize(
    "path",
    [
        "/v1//stretches",
        "/v1///faqs",
        f"/v1//faqs/{FAQ_SLUG}",
        "/v1//stretches?page=2&lang=es",
        "/v1/faqs//",
        "/docs//assets//swagger-ui.css",
        "/v1/admin//faqs",
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "DELETE", "OPTIONS"])
def test_no_redirect_or_location_takes_its_host_from_the_request(
    method: str, path: str, host: str, client: FlaskClient
) -> None:
    response = client.open(
        path,
        method=method,
        headers={
            "Host": host,
            "X-Forwarded-Host": "evil.example",
            "X-Forwarded-Proto": "https",
            "Forwarded": "host=evil.example",
        },
    )
    assert response.status_code < 500
    location = response.headers.get("Location")
    if location is not None:
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
        assert "evil" not in location and host not in location
    if 300 <= response.status_code < 400:
        assert location is not None
        assert response.mimetype == "application/problem+json"
        assert "evil" not in response.get_data(as_text=True)


def test_a_merged_path_still_redirects_to_the_right_place(client: FlaskClient) -> None:
    response = client.get("/v1//faqs?page_size=1", headers={"Host": "evil.example"})
    assert response.status_code == HTTPStatus.PERMANENT_REDIRECT
    assert response.headers["Location"] == "/v1/faqs?page_size=1"
    assert client.get(response.headers["Location"]).status_code == 200
