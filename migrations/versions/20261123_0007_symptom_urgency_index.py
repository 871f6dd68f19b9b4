"""Index symptoms by urgency, which the symptom list filters on.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 22:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("symptoms") as batch_op:
        batch_op.create_index(batch_op.f("ix_symptoms_urgency"), ["urgency"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("symptoms") as batch_op:
        batch_op.drop_index(batch_op.f("ix_symptoms_urgency"))
