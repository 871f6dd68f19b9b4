"""Test clients, typed, and API keys of each role with clients that send them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import flask
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from service.admin import keys
from service.admin.audit import SYSTEM
from service.admin.models import ApiKey, Role


class Response(TestResponse, flask.Response):
    """A test client's answer (the class Werkzeug builds for a Flask app's answers, named)."""

    # TestResponse's, first in the method resolution order: the value its bases disagree on.
    default_mimetype = None

    @property
    def json(self) -> Any:
        """The JSON body; a test asserts on its shape, so it is not typed further."""
        return self.get_json()


class Client(FlaskClient):
    """Flask's test client, whose answers are typed `Response`."""

    if TYPE_CHECKING:

        def open(self, *args: Any, **kwargs: Any) -> Response: ...
        def get(self, *args: Any, **kw: Any) -> Response: ...
        def post(self, *args: Any, **kw: Any) -> Response: ...
        def put(self, *args: Any, **kw: Any) -> Response: ...
        def patch(self, *args: Any, **kw: Any) -> Response: ...
        def delete(self, *args: Any, **kw: Any) -> Response: ...
        def options(self, *args: Any, **kw: Any) -> Response: ...
        def head(self, *args: Any, **kw: Any) -> Response: ...


def client_with(app: Flask, secret: str | None = None) -> Client:
    """A test client of `app` (what `app.test_client()` gives) that sends the key `secret`."""
    client = Client(app, Response, use_cookies=True)
    if secret is not None:
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


NewKey = Callable[..., tuple[ApiKey, str]]
MakeKey = Callable[..., str]


@pytest.fixture
def client(app: Flask, connection: sa.Connection) -> Client:
    return client_with(app)


@pytest.fixture
def new_key(session: Session) -> NewKey:
    """Create a key (committed into the test's transaction): the row and its secret."""

    def make(role: Role = Role.EDITOR, name: str = "test key", **fields: Any) -> tuple[ApiKey, str]:
        key, secret = keys.create_key(session, name=name, role=role, actor=SYSTEM, **fields)
        session.commit()
        return key, secret

    return make


@pytest.fixture
def make_key(new_key: NewKey) -> MakeKey:
    """Create a key (committed into the test's transaction) and return its secret."""

    def make(role: Role = Role.EDITOR, name: str = "test key", **fields: Any) -> str:
        return new_key(role, name, **fields)[1]

    return make


@pytest.fixture
def editor_key(make_key: MakeKey) -> str:
    return make_key(Role.EDITOR, "Ed Itor")


@pytest.fixture
def admin_key(make_key: MakeKey) -> str:
    return make_key(Role.ADMIN, "Ad Min")


@pytest.fixture
def editor(app: Flask, connection: sa.Connection, editor_key: str) -> Client:
    """A client with an editor's key."""
    return client_with(app, editor_key)


@pytest.fixture
def admin(app: Flask, connection: sa.Connection, admin_key: str) -> Client:
    """A client with an administrator's key."""
    return client_with(app, admin_key)
