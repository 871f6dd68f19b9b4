"""Security: secrets stay secret, checks take constant time, clients cannot set what the service
owns, errors tell nothing of the inside, every answer carries its security headers, and the
dependencies are pinned.

That no route writes without a key is proven by the URL-map walk in tests/admin/test_auth.py,
and the failed-authentication budget there too.
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from service.admin import items, keys
from service.admin.models import ApiKey, Role
from service.admin.writes import CONFLICT_DETAIL
from service.observability import JsonFormatter
from tests.helpers import assert_problem
from tests.toolkit.clients import Client, NewKey, client_with

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "article-back-pain-after-stretching"
FAQ_SLUG = "how-to-stretch-safely"


def _everything_logged(records: list[logging.LogRecord]) -> str:
    formatter = JsonFormatter()
    return "\n".join(formatter.format(record) for record in records)


def test_a_key_never_appears_in_logs_sql_or_later_answers(
    admin: Client, app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        sent.append(f"{statement} {parameters!r}")

    engine = app.extensions["db"].engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        with caplog.at_level(logging.DEBUG):
            created = admin.post("/v1/admin/keys", json={"name": "CMS", "role": "editor"})
            assert created.status_code == 201
            secret, key_id = created.json["key"], created.json["id"]
            prefix = created.json["prefix"]
            holder = client_with(app, secret)
            assert holder.get("/v1/admin/faqs?page_size=1").status_code == 200
            # A wrong key sharing the prefix, then the right one once revoked: both refused.
            assert client_with(app, prefix + "x" * 35).get("/v1/admin/faqs").status_code == 401
            assert admin.post(f"/v1/admin/keys/{key_id}/revoke").status_code == 200
            assert holder.get("/v1/admin/faqs").status_code == 401
            later = [
                admin.get("/v1/admin/keys?page_size=100"),
                admin.get(f"/v1/admin/keys/{key_id}"),
                admin.get("/v1/admin/audit?page_size=100"),
                admin.get("/v1/admin/export"),
            ]
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    hidden = secret.removeprefix(prefix)
    assert len(hidden) >= 35
    logged = _everything_logged(caplog.records)
    # The capture is real: it holds the refusals (which name 8 characters, all of the prefix)
    # and the statements that stored and looked up the key.
    assert "refused an API key starting " + prefix[:8] in logged
    assert any(keys.hash_key(secret) in statement for statement in sent)
    assert hidden not in logged
    assert not any(hidden in statement for statement in sent)
    for response in later:
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert hidden not in text
        assert keys.hash_key(secret) not in text
    assert "key" not in later[1].json and "key_hash" not in later[1].json


def test_keys_are_compared_in_constant_time(
    app: Flask, new_key: NewKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    _key, secret = new_key(Role.EDITOR, "timed")
    compared: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert client_with(app, secret).get("/v1/admin/faqs").status_code == 200
    wrong = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    assert client_with(app, wrong).get("/v1/admin/faqs").status_code == 401
    # Both checks went through compare_digest, with hashes (never the secret itself).
    assert (keys.hash_key(secret), keys.hash_key(secret)) in compared
    assert any(b == keys.hash_key(wrong) for _a, b in compared)
    assert all(secret not in (a, b) for a, b in compared)


# What the service owns: ids, timestamps, versions, ETags and audit fields.
OWNED = ["id", "created_at", "updated_at", "version", "etag", "updated_by", "created_by", "key_id"]


@pytest.mark.parametrize("name", OWNED)
def test_clients_cannot_set_owned_fields(
    name: str, editor: Client, snapshot: Callable[[], dict[str, Any]]
) -> None:
    before = snapshot()
    value: Any = 7 if name in ("id", "version", "key_id") else "2001-01-01T00:00:00Z"
    new = {
        "slug": "owned-fields",
        "question": "Q?",
        "answer": "A.",
        "sources": [SOURCE],
        "status": "draft",
        name: value,
    }
    current = editor.get(f"/v1/admin/faqs/{FAQ_SLUG}")
    etag, item = current.headers["ETag"], current.json["item"]
    answers = {
        "create": editor.post("/v1/admin/faqs", json=new),
        "replace": editor.put(
            f"/v1/admin/faqs/{FAQ_SLUG}", json={**item, name: value}, headers={"If-Match": etag}
        ),
        "patch": editor.patch(
            f"/v1/admin/faqs/{FAQ_SLUG}", json={name: value}, headers={"If-Match": etag}
        ),
        "import": editor.post("/v1/admin/import", json={"faqs": [new]}),
    }
    for how, response in answers.items():
        problem = assert_problem(response, 422, "Unknown field")
        where = f"faqs.0.{name}" if how == "import" else f"json.{name}"
        assert where in problem["errors"], (how, problem["errors"])
    assert snapshot() == before


@pytest.mark.parametrize(
    "name", ["id", "key", "key_hash", "prefix", "created_at", "revoked_at", "last_used_at"]
)
def test_clients_cannot_set_key_fields(
    name: str, admin: Client, snapshot: Callable[[], dict[str, Any]]
) -> None:
    before = snapshot()
    value: Any = 1 if name == "id" else "bck_chosen-by-me"
    response = admin.post("/v1/admin/keys", json={"name": "mine", "role": "admin", name: value})
    problem = assert_problem(response, 422, "Unknown field")
    assert f"json.{name}" in problem["errors"]
    assert snapshot() == before


LEAKS = re.compile(
    r"Traceback|File \"|\.py\b|/work/|/srv/|site-packages|sqlalchemy|psycopg|sqlite3|"
    r"SELECT |INSERT |UPDATE |DELETE FROM|\bFROM faqs\b|key_hash"
)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (
            DataError("UPDATE faqs SET answer=%(a)s", {"a": "x"}, Exception("value too long")),
            500,
        ),
        (
            IntegrityError("INSERT INTO faqs (slug) VALUES (%(s)s)", {"s": "x"}, Exception("dup")),
            # A constraint a concurrent write broke: retried, then a conflict (admin/writes.py).
            409,
        ),
        (
            OperationalError("SELECT 1", {}, Exception("could not connect to /var/run/pg.sock")),
            503,
        ),
        (RuntimeError("boom in /work/main/service/admin/items.py line 3"), 500),
    ],
    ids=["data-error", "integrity-error", "database-down", "bug"],
)
def test_database_and_code_errors_tell_nothing_of_the_inside(
    error: Exception,
    status: int,
    editor: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(items, "update_item", fail)
    etag = editor.get(f"/v1/admin/faqs/{FAQ_SLUG}").headers["ETag"]
    response = editor.patch(
        f"/v1/admin/faqs/{FAQ_SLUG}", json={"answer": "New."}, headers={"If-Match": etag}
    )
    problem = assert_problem(response, status)
    text = response.get_data(as_text=True)
    assert not LEAKS.search(text), text
    assert problem["detail"] in (
        "An unexpected error occurred.",
        "The database is unavailable; try again shortly.",
        CONFLICT_DETAIL,
    )


def _responses(client: Client, editor: Client) -> dict[str, Any]:
    ok = client.get("/v1/faqs")
    return {
        "200": ok,
        "304": client.get("/v1/faqs", headers={"If-None-Match": ok.headers["ETag"]}),
        "400": client.post("/v1/recommendations", data=b"{", content_type="application/json"),
        "401": client.get("/v1/admin/faqs"),
        "404": client.get("/v1/faqs/no-such-question"),
        "405": client.delete("/v1/faqs"),
        "413": client.post(
            "/v1/recommendations", data=b"1" * (2 * 1024 * 1024), content_type="application/json"
        ),
        "415": client.post("/v1/recommendations", data=b"{}", content_type="text/plain"),
        "422": client.get("/v1/faqs?page_size=0"),
        "428": editor.delete(f"/v1/admin/faqs/{FAQ_SLUG}"),
        "admin 200": editor.get("/v1/admin/faqs"),
        "admin 201": editor.post(
            "/v1/admin/faqs",
            json={
                "slug": "headers-question",
                "question": "Headers?",
                "answer": "Yes.",
                "sources": [SOURCE],
                "status": "draft",
            },
        ),
        "recommendation": client.post("/v1/recommendations", json={}),
        "openapi": client.get("/openapi.json"),
        "docs": client.get("/docs"),
        "health": client.get("/healthz"),
    }


def test_every_kind_of_answer_carries_the_security_headers(client: Client, editor: Client) -> None:
    for name, response in _responses(client, editor).items():
        code = name.removeprefix("admin ")
        expected = int(code) if code.isdigit() else response.status_code
        assert response.status_code == expected, name
        headers = response.headers
        assert headers.get("X-Content-Type-Options") == "nosniff", name
        assert headers.get("X-Frame-Options") == "DENY", name
        assert headers.get("Referrer-Policy") == "no-referrer", name
        assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), name
        assert "Server" not in headers or "Python" not in headers["Server"], name
        if name.startswith("admin") or name in ("401", "428"):
            assert headers.get("Cache-Control") == "no-store", name
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json", name
            assert not LEAKS.search(response.get_data(as_text=True)), name


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt pins exact versions only: {line!r}"
            pins[_normal(name)] = version
    return pins


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_installed_package_is_pinned_in_constraints() -> None:
    """constraints.txt is the lock: it names every package in the environment, at its version."""
    pins = _pins()
    # pip freeze leaves out the installers and the project itself.
    unlisted = {"pip", "setuptools", "wheel", "backcare-api"}
    installed = {
        _normal(dist.metadata["Name"]): dist.version
        for dist in metadata.distributions()
        if _normal(dist.metadata["Name"]) not in unlisted
    }
    assert set(installed) - set(pins) == set(), "installed but not pinned"
    assert {n: (v, installed.get(n)) for n, v in pins.items() if installed.get(n) != v} == {}


def test_every_declared_dependency_is_pinned() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    pins = _pins()
    for requirement in declared:
        name = _normal(re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0])
        assert name in pins, f"{requirement} is not pinned in constraints.txt"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-c constraints.txt" in makefile


def test_no_query_reads_a_key_by_its_secret(session: Session) -> None:
    """Keys are found by their public prefix and compared by hash: the secret is never SQL."""
    statement = str(sa.select(ApiKey).where(ApiKey.prefix == "bck_12345678"))
    assert "key_hash" in statement  # the column is selected, to be compared in Python
    assert "WHERE api_keys.prefix" in statement
