"""The content version: one counter bumped by every write, and the version of each change.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 22:10:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from service.db import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = (
    "causes",
    "exercises",
    "faqs",
    "remedies",
    "routines",
    "stretches",
    "symptoms",
    "tombstones",
)


def upgrade() -> None:
    state = op.create_table(
        "content_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_state")),
    )
    # The single row every writer bumps; existing content counts as version 0.
    op.bulk_insert(state, [{"id": 1, "version": 0, "changed_at": datetime.now(UTC)}])
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.BigInteger(), server_default="0", nullable=False)
            )
            batch_op.create_index(batch_op.f(f"ix_{table}_version"), ["version"], unique=False)


def downgrade() -> None:
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_version"))
            batch_op.drop_column("version")
    op.drop_table("content_state")
