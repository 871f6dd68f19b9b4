"""API keys: admin and write routes refuse a request without one; roles, expiry, revocation."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from http import HTTPStatus

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from service.admin.models import ApiKey, AuditEntry, Role
from service.content.models import utcnow
from tests.helpers import assert_problem
from tests.toolkit.clients import Client, MakeKey, client_with
from tests.toolkit.live import MakeApp

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Public routes that take a body but write nothing: they answer a question about the content.
READS_WITH_A_BODY = {"/v1/recommendations"}


def _routes(app: Flask) -> list[tuple[str, str]]:
    """(method, URL) for every method of every route, path arguments filled in."""
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        values = {
            name: 1 if isinstance(converter, IntegerConverter) else "x"
            for name, converter in rule._converters.items()
        }
        url = adapter.build(rule.endpoint, values)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, url))
    return found


def _guarded(app: Flask) -> list[tuple[str, str]]:
    return [
        (method, url)
        for method, url in _routes(app)
        if url.startswith("/v1/admin/")
        or (method in WRITE_METHODS and url.split("?")[0] not in READS_WITH_A_BODY)
    ]


def test_the_route_walk_finds_the_admin_api(app: Flask) -> None:
    guarded = _guarded(app)
    # Without this the next test could pass by finding nothing to check.
    assert ("DELETE", "/v1/admin/stretches/x") in guarded
    assert ("POST", "/v1/admin/import") in guarded
    assert ("GET", "/v1/admin/keys") in guarded
    assert len(guarded) > 60


def _left_open(app: Flask) -> list[tuple[str, str, int]]:
    """Guarded routes that answer a request without a key with anything but a 401 problem."""
    client = app.test_client()
    found = []
    for method, url in _guarded(app):
        response = client.open(url, method=method, json={})
        if (
            response.status_code != HTTPStatus.UNAUTHORIZED
            or response.mimetype != "application/problem+json"
            or response.headers.get("WWW-Authenticate") != 'Bearer realm="backcare"'
        ):
            found.append((method, url, response.status_code))
    return found


def test_every_admin_and_write_route_refuses_a_request_without_a_key(
    app: Flask, connection: sa.Connection
) -> None:
    """A route added later (an admin one, or any write) cannot be left open by mistake."""
    assert _left_open(app) == []


def test_the_route_walk_catches_a_route_left_open(make_app: MakeApp) -> None:
    leaky = make_app()

    @leaky.post("/v1/stretches/<slug>/likes")
    def _like(slug: str) -> str:
        return "liked"

    assert _left_open(leaky) == [("POST", "/v1/stretches/x/likes", HTTPStatus.OK)]


def test_every_admin_route_refuses_a_wrong_key(app: Flask, connection: sa.Connection) -> None:
    stranger = client_with(app, "bck_" + "A" * 43)
    for method, url in _guarded(app):
        response = stranger.open(url, method=method, json={})
        assert response.status_code == HTTPStatus.UNAUTHORIZED, (method, url)
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "bck_nothing-before-it"],
)
def test_malformed_authorization_is_401(client: Client, header: str) -> None:
    response = client.get("/v1/admin/stretches", headers={"Authorization": header})
    assert_problem(response, HTTPStatus.UNAUTHORIZED, "Authorization: Bearer")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="backcare"'


def test_a_valid_key_is_accepted_and_the_scheme_is_case_insensitive(
    client: Client, editor_key: str
) -> None:
    response = client.get("/v1/admin/faqs", headers={"Authorization": f"bearer {editor_key}"})
    assert response.status_code == HTTPStatus.OK


def test_editor_cannot_manage_keys(editor: Client) -> None:
    assert_problem(editor.get("/v1/admin/keys"), HTTPStatus.FORBIDDEN, "admin role")
    response = editor.post("/v1/admin/keys", json={"name": "x", "role": "admin"})
    assert_problem(response, HTTPStatus.FORBIDDEN)


def test_admin_can_do_what_an_editor_can(admin: Client) -> None:
    assert admin.get("/v1/admin/stretches").status_code == HTTPStatus.OK
    assert admin.get("/v1/admin/keys").status_code == HTTPStatus.OK


def test_revoked_key_is_refused(admin: Client, app: Flask, make_key: MakeKey) -> None:
    secret = make_key(Role.EDITOR, "leaving")
    victim = client_with(app, secret)
    assert victim.get("/v1/admin/faqs").status_code == HTTPStatus.OK
    key_id = next(
        k["id"] for k in admin.get("/v1/admin/keys").json["items"] if k["name"] == "leaving"
    )
    revoked = admin.post(f"/v1/admin/keys/{key_id}/revoke")
    assert revoked.status_code == HTTPStatus.OK
    assert revoked.json["revoked_at"] is not None
    response = victim.get("/v1/admin/faqs")
    assert_problem(response, HTTPStatus.UNAUTHORIZED, "revoked")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_expired_key_is_refused(app: Flask, connection: sa.Connection, make_key: MakeKey) -> None:
    secret = make_key(Role.EDITOR, "temp", expires_at=utcnow() - timedelta(seconds=1))
    response = client_with(app, secret).get("/v1/admin/faqs")
    assert_problem(response, HTTPStatus.UNAUTHORIZED, "expired")


def test_key_not_yet_expired_works(
    app: Flask, connection: sa.Connection, make_key: MakeKey
) -> None:
    secret = make_key(Role.EDITOR, "temp", expires_at=utcnow() + timedelta(hours=1))
    assert client_with(app, secret).get("/v1/admin/faqs").status_code == HTTPStatus.OK


def test_only_a_hash_of_the_key_is_stored(session: Session, make_key: MakeKey) -> None:
    secret = make_key(Role.EDITOR, "hashed")
    key = session.scalar(sa.select(ApiKey).where(ApiKey.name == "hashed"))
    assert key is not None
    assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(key.prefix) and len(key.prefix) < 16
    stored = [str(v) for v in session.execute(sa.select(ApiKey.__table__)).one()]
    assert secret not in stored


def test_keys_have_256_bits_of_randomness(make_key: MakeKey) -> None:
    secrets = {make_key(Role.EDITOR, f"k{i}") for i in range(5)}
    assert len(secrets) == 5
    for secret in secrets:
        assert secret.startswith("bck_")
        # 32 random bytes are 43 characters of URL-safe base64.
        assert len(secret.removeprefix("bck_")) == 43


def test_last_use_is_recorded(editor: Client, session: Session) -> None:
    assert editor.get("/v1/admin/faqs").status_code == HTTPStatus.OK
    key = session.scalar(sa.select(ApiKey).where(ApiKey.name == "Ed Itor"))
    assert key is not None and key.last_used_at is not None
    assert utcnow() - key.last_used_at < timedelta(minutes=1)


def test_admin_creates_a_key_over_http_shown_once(admin: Client, app: Flask) -> None:
    created = admin.post("/v1/admin/keys", json={"name": "CMS bot", "role": "editor"})
    assert created.status_code == HTTPStatus.CREATED
    secret = created.json["key"]
    assert created.json["role"] == "editor" and secret.startswith(created.json["prefix"])
    assert client_with(app, secret).get("/v1/admin/faqs").status_code == HTTPStatus.OK
    listed = admin.get("/v1/admin/keys").json["items"]
    assert all("key" not in item and "key_hash" not in item for item in listed)
    one = admin.get(f"/v1/admin/keys/{created.json['id']}")
    assert one.json["name"] == "CMS bot" and "key" not in one.json


def test_key_creation_is_validated(admin: Client) -> None:
    response = admin.post(
        "/v1/admin/keys",
        json={"name": "", "role": "owner", "expires_at": "2001-01-01T00:00:00Z", "x": 1},
    )
    body = assert_problem(response, HTTPStatus.UNPROCESSABLE_ENTITY)
    assert set(body["errors"]) == {"json.name", "json.role", "json.expires_at", "json.x"}


def test_unknown_key_id_is_404(admin: Client) -> None:
    assert_problem(admin.post("/v1/admin/keys/999999/revoke"), HTTPStatus.NOT_FOUND, "999999")


def test_key_management_is_audited(admin: Client, session: Session) -> None:
    created = admin.post("/v1/admin/keys", json={"name": "audited", "role": "editor"}).json
    admin.post(f"/v1/admin/keys/{created['id']}/revoke")
    entries = session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.collection == "api_keys", AuditEntry.slug == created["prefix"])
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.key_name) for e in entries] == [("create", "Ad Min"), ("revoke", "Ad Min")]


def test_cli_creates_lists_and_revokes_keys(app: Flask, connection: sa.Connection) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["keys", "create", "--role", "editor", "--name", "from cli"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("bck_") and len(secret) == 47
    assert client_with(app, secret).get("/v1/admin/faqs").status_code == HTTPStatus.OK

    listing = runner.invoke(args=["keys", "list"])
    assert listing.exit_code == 0
    line = next(line for line in listing.output.splitlines() if "from cli" in line)
    assert "active" in line and secret[:12] in line and secret not in listing.output

    revoked = runner.invoke(args=["keys", "revoke", secret[:12]])
    assert revoked.exit_code == 0, revoked.output
    assert client_with(app, secret).get("/v1/admin/faqs").status_code == HTTPStatus.UNAUTHORIZED
    assert "revoked" in runner.invoke(args=["keys", "list"]).output


def test_cli_refuses_an_unknown_role_and_an_unknown_key(
    app: Flask, connection: sa.Connection
) -> None:
    runner = app.test_cli_runner()
    bad_role = runner.invoke(args=["keys", "create", "--role", "owner", "--name", "x"])
    assert bad_role.exit_code != 0
    unknown = runner.invoke(args=["keys", "revoke", "bck_nothere"])
    assert unknown.exit_code != 0 and "bck_nothere" in unknown.output


def test_repeated_bad_keys_are_rate_limited(make_app: MakeApp) -> None:
    strict = make_app(ratelimit_enabled=True, ratelimit_auth_failures="3/minute")
    client = client_with(strict, "bck_" + "B" * 43)
    statuses = [client.get("/v1/admin/faqs").status_code for _ in range(3)]
    assert statuses == [HTTPStatus.UNAUTHORIZED] * 3
    response = client.get("/v1/admin/faqs")
    assert_problem(response, HTTPStatus.TOO_MANY_REQUESTS, "failed authentications")
    assert int(response.headers["Retry-After"]) > 0


def test_openapi_documents_the_bearer_scheme_on_admin_operations(client: Client) -> None:
    spec = client.get("/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            secured = operation.get("security") == [{"bearerAuth": []}]
            assert secured == path.startswith("/v1/admin/"), (method, path)
            if secured:
                assert "401" in operation["responses"], (method, path)
    keys_post = spec["paths"]["/v1/admin/keys"]["post"]
    assert "403" in keys_post["responses"]
