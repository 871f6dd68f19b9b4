"""Clinical review dates on every content item: last_reviewed, next_review, reviewed_by.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 21:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTENT_TABLES = ("causes", "symptoms", "stretches", "exercises", "remedies", "routines", "faqs")


def upgrade() -> None:
    for table in CONTENT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("last_reviewed", sa.Date(), nullable=True))
            batch_op.add_column(sa.Column("next_review", sa.Date(), nullable=True))
            batch_op.add_column(sa.Column("reviewed_by", sa.String(length=200), nullable=True))
            batch_op.create_index(
                batch_op.f(f"ix_{table}_next_review"), ["next_review"], unique=False
            )


def downgrade() -> None:
    for table in reversed(CONTENT_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_next_review"))
            batch_op.drop_column("reviewed_by")
            batch_op.drop_column("next_review")
            batch_op.drop_column("last_reviewed")
