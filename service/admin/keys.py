"""API keys: creating, listing, revoking and checking them. Only a hash of a key is stored.

A key is `bck_` followed by 32 random bytes (256 bits) in URL-safe base64. Its hash is a
plain sha256: slow password hashes (bcrypt, argon2) exist to make guessing low-entropy
secrets expensive, and no one can enumerate 2^256 keys however fast the hash is, so a fast
hash costs nothing in safety and keeps each request's check to microseconds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from http import HTTPStatus

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.admin.audit import Actor, Change, record, state_hash
from service.admin.models import Action, ApiKey, Role
from service.content.models import utcnow
from service.errors import NotFound, ServiceError

KEY_MARKER = "bck_"
# The marker plus 8 random characters: enough to tell keys apart, useless to an attacker.
PREFIX_LENGTH = len(KEY_MARKER) + 8
# last_used_at is a hint for humans; writing it on every request would make reads write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class InvalidKey(ServiceError):
    """The key presented is unknown, revoked or expired."""

    status = HTTPStatus.UNAUTHORIZED


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_state(key: ApiKey) -> dict[str, str | None]:
    """What the audit log hashes for a key (never the secret or its hash)."""
    return {
        "name": key.name,
        "role": str(key.role),
        "prefix": key.prefix,
        "expires_at": key.expires_at.isoformat() if key.expires_at else None,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


def create_key(
    session: Session,
    *,
    name: str,
    role: Role,
    expires_at: datetime | None = None,
    actor: Actor,
) -> tuple[ApiKey, str]:
    """A new key and its secret. The secret is returned once and never stored."""
    secret = KEY_MARKER + secrets.token_urlsafe(32)
    now = utcnow()
    key = ApiKey(
        name=name,
        role=role,
        prefix=secret[:PREFIX_LENGTH],
        key_hash=hash_key(secret),
        created_at=now,
        expires_at=expires_at,
    )
    session.add(key)
    session.flush()
    record(
        session,
        actor,
        [Change("api_keys", key.prefix, Action.CREATE, None, state_hash(key_state(key)))],
        now,
    )
    return key, secret


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(sa.select(ApiKey).order_by(ApiKey.id)))


def find_key(session: Session, id_or_prefix: str | int) -> ApiKey:
    """A key by its id or its prefix."""
    if isinstance(id_or_prefix, int) or id_or_prefix.isdigit():
        key = session.get(ApiKey, int(id_or_prefix))
    else:
        matches = session.scalars(sa.select(ApiKey).where(ApiKey.prefix == id_or_prefix)).all()
        key = matches[0] if len(matches) == 1 else None
    if key is None:
        raise NotFound(f"No API key has the id or prefix {str(id_or_prefix)!r}.")
    return key


def revoke_key(session: Session, key: ApiKey, *, actor: Actor) -> ApiKey:
    """Revoke a key for good. Revoking a revoked key changes nothing."""
    # Two admins revoking it at once: the second waits, then sees it revoked (one audit entry).
    # NO KEY UPDATE: it must not wait for writes that merely refer to the key (audit entries).
    session.refresh(key, with_for_update={"key_share": True})
    if key.revoked_at is not None:
        return key
    before = state_hash(key_state(key))
    now = utcnow()
    key.revoked_at = now
    session.flush()
    record(
        session,
        actor,
        [Change("api_keys", key.prefix, Action.REVOKE, before, state_hash(key_state(key)))],
        now,
    )
    return key


def authenticate(session: Session, secret: str, now: datetime) -> ApiKey:
    """The key whose secret this is, if it is valid now; notes when it was last used."""
    candidates = session.scalars(
        sa.select(ApiKey).where(ApiKey.prefix == secret[:PREFIX_LENGTH])
    ).all()
    presented = hash_key(secret)
    # The prefix lookup narrows the search; the comparison of hashes takes constant time.
    key = next((k for k in candidates if hmac.compare_digest(k.key_hash, presented)), None)
    if key is None:
        raise InvalidKey("The API key is not valid.")
    if key.revoked_at is not None:
        raise InvalidKey("The API key was revoked.")
    if key.expires_at is not None and key.expires_at <= now:
        raise InvalidKey("The API key has expired.")
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        key.last_used_at = now
    return key
