"""API keys, the audit log of every write, tombstones of deleted content, and import jobs."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.content.models import str_enum, utcnow
from service.db import Base


class Role(enum.StrEnum):
    """What a key may do; each role can do everything the roles before it can."""

    EDITOR = "editor"
    ADMIN = "admin"

    def allows(self, needed: Role) -> bool:
        order = list(Role)
        return order.index(self) >= order.index(needed)


class ApiKey(Base):
    """A key for the admin API. Only a hash of the secret is kept."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    # The first characters of the key, shown in lists and logs so that a key can be recognised.
    prefix: Mapped[str] = mapped_column(sa.String(16), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class Action(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    REVOKE = "revoke"


class AuditEntry(Base):
    """One write: who made it, to what, when, and hashes of the state before and after."""

    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_collection_slug", "collection", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Null for writes made outside the API (the seed loader, the command line).
    key_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("api_keys.id", ondelete="SET NULL"), index=True
    )
    # Copied so that the log reads on its own, without joining the keys.
    key_name: Mapped[str] = mapped_column(sa.String(100))
    collection: Mapped[str] = mapped_column(sa.String(32))
    slug: Mapped[str] = mapped_column(sa.String(80))
    action: Mapped[Action] = mapped_column(str_enum(Action), index=True)
    # sha256 of the item's bundle shape; the after hash is the ETag the item then had.
    before_hash: Mapped[str | None] = mapped_column(sa.String(64))
    after_hash: Mapped[str | None] = mapped_column(sa.String(64))


class Tombstone(Base):
    """A content item that left the public catalogue (deleted or unpublished), for caches."""

    __tablename__ = "tombstones"
    __table_args__ = (sa.UniqueConstraint("collection", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection: Mapped[str] = mapped_column(sa.String(32))
    slug: Mapped[str] = mapped_column(sa.String(80))
    # The content version of the deletion, so that delta sync returns it in order.
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0", index=True)
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Job(Base):
    """Work done outside the request (the import of a large bundle), by one worker at a time.

    A worker claims a job by setting `claim` to a token of its own and keeps `lease_expires_at`
    in the future while it works; a job whose lease ran out is claimed again by another.
    Finishing is conditional on the claim, in the transaction of the work itself.
    """

    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_state_lease_expires_at", "state", "lease_expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    state: Mapped[JobState] = mapped_column(str_enum(JobState))
    # What the job was asked to do ({"dry_run": false, "prune": null} for an import).
    options: Mapped[dict[str, Any]]
    key_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("api_keys.id", ondelete="SET NULL"), index=True
    )
    key_name: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None] = mapped_column(index=True)
    heartbeat_at: Mapped[datetime | None]
    lease_expires_at: Mapped[datetime | None]
    # Who holds the job (host and process id), and the token of that claim.
    worker: Mapped[str | None] = mapped_column(sa.String(200))
    claim: Mapped[str | None] = mapped_column(sa.String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    phase: Mapped[str | None] = mapped_column(sa.String(16))
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    bundle_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    result: Mapped[dict[str, Any] | None]
    # A problem object (status, detail, errors, error_count) when the job failed.
    error: Mapped[dict[str, Any] | None]


class JobPayload(Base):
    """The bundle a job imports, zlib-compressed; deleted once the job is old enough."""

    __tablename__ = "job_payloads"

    job_id: Mapped[int] = mapped_column(
        sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
