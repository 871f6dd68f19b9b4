"""Admin authentication: a blueprint whose every route needs a bearer API key, and its docs."""

from __future__ import annotations

import functools
import http
import logging
from collections.abc import Callable
from typing import Any

from flask import Response, g, request
from flask_smorest.etag import _get_etag_ctx
from flask_smorest.exceptions import NotModified, PreconditionFailed, PreconditionRequired
from flask_smorest.utils import deepupdate
from sqlalchemy.exc import OperationalError

from service import db, etags, limits
from service.admin import keys, writes
from service.admin.audit import Actor, state_hash
from service.admin.models import Role
from service.api import Blueprint
from service.content.models import utcnow
from service.errors import problem

SECURITY_SCHEME = "bearerAuth"
SECURITY_SCHEME_SPEC = {
    "type": "http",
    "scheme": "bearer",
    "description": (
        "An API key, sent as `Authorization: Bearer <key>`. In Swagger UI, paste the key "
        "alone (`bck_...`): it adds `Bearer ` itself (a pasted `Bearer ` prefix is accepted "
        "too). Create one with `flask --app service keys create --role editor --name NAME`. "
        "Editors write content; admins also manage keys."
    ),
}
REALM = "backcare"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
log = logging.getLogger(__name__)


def current_actor() -> Actor:
    """Who is making the current admin request (set once the key was checked)."""
    actor: Actor = g.actor
    return actor


def _unauthorized(detail: str, *, invalid_token: bool) -> Response:
    challenge = f'Bearer realm="{REALM}"'
    if invalid_token:
        challenge += ', error="invalid_token"'
    return problem(http.HTTPStatus.UNAUTHORIZED, detail, headers={"WWW-Authenticate": challenge})


class AdminBlueprint(Blueprint):
    """A blueprint whose every route needs an API key whose role allows at least `role`.

    The check is the blueprint's before_request, not a decorator on each view, so that a
    route added to an admin blueprint later is protected without anyone remembering to.
    For the same reason every write route runs as a unit of work (`writes.run`): a race lost
    to another writer is run again, and ends as a 409 or a 503, never a 500.
    ETags are the sha256 of the item's bundle shape, the same hash the audit log records.
    """

    def __init__(self, *args: Any, role: Role = Role.EDITOR, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role = role
        self.before_request(self._authenticate)
        self._prepare_doc_cbks.append(self._prepare_security_doc)

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Any = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        methods = {method.upper() for method in options.get("methods") or ("GET",)}
        if view_func is not None and methods & WRITE_METHODS:
            view_func = _unit_of_work(view_func)
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)

    def _authenticate(self) -> Response | None:
        # CORS preflights never carry credentials; answering them reveals only the methods.
        if request.method == "OPTIONS":
            return None
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        secret = secret.strip()
        # Swagger UI adds "Bearer " itself: a key pasted with its own prefix arrives as
        # "Bearer Bearer <key>". The intent is plain, so take the key.
        again, _, rest = secret.partition(" ")
        if again.lower() == "bearer" and rest.strip():
            secret = rest.strip()
        if scheme.lower() != "bearer" or not secret:
            return _unauthorized(
                "This endpoint needs an API key, sent as 'Authorization: Bearer <key>'.",
                invalid_token=False,
            )
        # A write request's session is a write session from its first query on (db.session).
        session = db.session(write=request.method in WRITE_METHODS)
        try:
            key = keys.authenticate(session, secret, utcnow())
        except keys.InvalidKey as error:
            log.info("refused an API key starting %s: %s", secret[:8], error.detail)
            # Guessing keys is hopeless at 256 bits, but a budget keeps scanners from trying.
            # The key is checked first, so a right key gets in whatever wrong ones were sent.
            wait = limits.auth_failure()
            if wait is not None:
                return problem(
                    http.HTTPStatus.TOO_MANY_REQUESTS,
                    f"Too many failed authentications from this client; wait {wait} seconds.",
                    headers={"Retry-After": str(wait)},
                )
            return _unauthorized(error.detail, invalid_token=True)
        if session.dirty:
            try:
                session.commit()
            except OperationalError:
                # last_used_at is a hint: a busy database (SQLite while another worker writes)
                # must not fail the request. A database that is down fails the next query.
                session.rollback()
        if not key.role.allows(self.role):
            return problem(
                http.HTTPStatus.FORBIDDEN,
                f"This endpoint needs the {self.role} role; the key {key.prefix} is {key.role}.",
            )
        g.actor = Actor(key.id, key.name, key.role)
        return None

    def _prepare_security_doc(
        self, doc: dict[str, Any], doc_info: dict[str, Any], **_kwargs: Any
    ) -> dict[str, Any]:
        responses: dict[int, str] = {401: http.HTTPStatus.UNAUTHORIZED.name}
        if self.role is not Role.EDITOR:
            responses[403] = http.HTTPStatus.FORBIDDEN.name
        doc["security"] = [{SECURITY_SCHEME: []}]
        result: dict[str, Any] = deepupdate(doc, {"responses": responses})
        return result

    @staticmethod
    def _generate_etag(etag_data: Any, extra_data: Any = None) -> str:
        # The hash the audit log records, so that an ETag names a version in the log.
        return state_hash(etag_data) or ""

    def _check_precondition(self) -> None:
        # 428 only when If-Match is absent: one that names no valid ETag matches nothing (412).
        sent = request.headers.get("If-Match", "").strip()
        if request.method in self.METHODS_NEEDING_CHECK_ETAG and not sent:
            raise PreconditionRequired(
                description=(
                    "Send If-Match with the ETag of the item as you last read it (GET it "
                    "first), so that another editor's change is never overwritten unseen."
                )
            )

    def check_etag(self, etag_data: Any, etag_schema: Any = None) -> None:
        """412 unless If-Match names the item's current version (or is `*`).

        As flask-smorest's, except that the gzipped variant of an ETag (`headers.py` adds
        `-gz` to it) names the same version, and the 412 says what to do.
        """
        _get_etag_ctx()["etag_checked"] = True
        if not etags.match(request.headers.get("If-Match", ""), self._generate_etag(etag_data)):
            raise self._stale(etag_data)

    def check_fresh_if_given(self, state: dict[str, Any]) -> None:
        """As `check_etag`, for actions (POST) where If-Match is optional."""
        sent = request.headers.get("If-Match", "")
        if sent.strip() and not etags.match(sent, self._generate_etag(state)):
            raise self._stale(state)

    def _check_not_modified(self, etag: str) -> None:
        if request.method in ("GET", "HEAD") and etags.none_match_parsed(
            request.if_none_match, etag
        ):
            raise NotModified

    def _stale(self, state: dict[str, Any]) -> PreconditionFailed:
        etag = self._generate_etag(state)
        sent = request.headers.get("If-Match", "").strip()
        if len(sent) > MAX_QUOTED:
            sent = sent[:MAX_QUOTED] + "..."
        return PreconditionFailed(
            description=(
                f"If-Match received: {sent}; the item's current ETag: {etag}. They differ, "
                "so the item changed since you read it (or the value is not its ETag): GET it "
                "again, reapply your change and retry with the current ETag."
            )
        )


def _unit_of_work(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def run_view(*args: Any, **kwargs: Any) -> Any:
        return writes.run(db.session(write=True), lambda: view(*args, **kwargs))

    return run_view


# How much of a non-matching If-Match a 412 quotes back.
MAX_QUOTED = 200
