"""Triage content: risk factors, pain bands and routine limits, and the new rule fields.

New collections: risk factors (with weighted links to causes), pain bands and routine limits
(confined to pain bands), each with its sources. New fields: a symptom's question, reason and
the trend that implies it; a remedy's evidence rules (not recommended, only with exercise,
leads the advice, the evidence note); a stretch's note on where its steps come from.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 07:58:42
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from service.db import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pain_bands",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("min_level", sa.Integer(), nullable=False),
        sa.Column("max_level", sa.Integer(), nullable=False),
        sa.Column(
            "urgency",
            sa.Enum(
                "self_care",
                "see_professional",
                "urgent",
                "emergency",
                name="urgency",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("gentle_only", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "published", name="status", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "translations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("last_reviewed", sa.Date(), nullable=True),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pain_bands")),
        sa.UniqueConstraint("slug", name=op.f("uq_pain_bands_slug")),
    )
    with op.batch_alter_table("pain_bands", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pain_bands_next_review"), ["next_review"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pain_bands_status"), ["status"], unique=False)
        batch_op.create_index("ix_pain_bands_tags", ["tags"], unique=False, postgresql_using="gin")
        batch_op.create_index(batch_op.f("ix_pain_bands_version"), ["version"], unique=False)

    op.create_table(
        "risk_factors",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "urgency",
            sa.Enum(
                "self_care",
                "see_professional",
                "urgent",
                "emergency",
                name="urgency",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("gentle_only", sa.Boolean(), nullable=False),
        sa.Column("age_under", sa.Integer(), nullable=True),
        sa.Column("age_over", sa.Integer(), nullable=True),
        sa.Column("display_order", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "published", name="status", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "translations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("last_reviewed", sa.Date(), nullable=True),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_factors")),
        sa.UniqueConstraint("slug", name=op.f("uq_risk_factors_slug")),
    )
    with op.batch_alter_table("risk_factors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_factors_next_review"), ["next_review"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_risk_factors_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_risk_factors_tags", ["tags"], unique=False, postgresql_using="gin"
        )
        batch_op.create_index(batch_op.f("ix_risk_factors_urgency"), ["urgency"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_factors_version"), ["version"], unique=False)

    op.create_table(
        "routine_limits",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("max_total_seconds", sa.Integer(), nullable=False),
        sa.Column("max_repeats", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "published", name="status", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "translations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("last_reviewed", sa.Date(), nullable=True),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routine_limits")),
        sa.UniqueConstraint("slug", name=op.f("uq_routine_limits_slug")),
    )
    with op.batch_alter_table("routine_limits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_routine_limits_next_review"), ["next_review"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_routine_limits_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_routine_limits_tags", ["tags"], unique=False, postgresql_using="gin"
        )
        batch_op.create_index(batch_op.f("ix_routine_limits_version"), ["version"], unique=False)

    op.create_table(
        "pain_bands_sources",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["pain_bands.id"],
            name=op.f("fk_pain_bands_sources_item_id_pain_bands"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_pain_bands_sources_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("item_id", "source_id", name=op.f("pk_pain_bands_sources")),
    )
    with op.batch_alter_table("pain_bands_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pain_bands_sources_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "risk_factor_causes",
        sa.Column("risk_factor_id", sa.Integer(), nullable=False),
        sa.Column("cause_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cause_id"],
            ["causes.id"],
            name=op.f("fk_risk_factor_causes_cause_id_causes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["risk_factor_id"],
            ["risk_factors.id"],
            name=op.f("fk_risk_factor_causes_risk_factor_id_risk_factors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("risk_factor_id", "cause_id", name=op.f("pk_risk_factor_causes")),
    )
    with op.batch_alter_table("risk_factor_causes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_factor_causes_cause_id"), ["cause_id"], unique=False
        )

    op.create_table(
        "risk_factors_sources",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["risk_factors.id"],
            name=op.f("fk_risk_factors_sources_item_id_risk_factors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_risk_factors_sources_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("item_id", "source_id", name=op.f("pk_risk_factors_sources")),
    )
    with op.batch_alter_table("risk_factors_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_factors_sources_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "routine_limit_bands",
        sa.Column("routine_limit_id", sa.Integer(), nullable=False),
        sa.Column("pain_band_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pain_band_id"],
            ["pain_bands.id"],
            name=op.f("fk_routine_limit_bands_pain_band_id_pain_bands"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["routine_limit_id"],
            ["routine_limits.id"],
            name=op.f("fk_routine_limit_bands_routine_limit_id_routine_limits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "routine_limit_id", "pain_band_id", name=op.f("pk_routine_limit_bands")
        ),
    )
    with op.batch_alter_table("routine_limit_bands", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_routine_limit_bands_pain_band_id"), ["pain_band_id"], unique=False
        )

    op.create_table(
        "routine_limits_sources",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["routine_limits.id"],
            name=op.f("fk_routine_limits_sources_item_id_routine_limits"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_routine_limits_sources_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("item_id", "source_id", name=op.f("pk_routine_limits_sources")),
    )
    with op.batch_alter_table("routine_limits_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_routine_limits_sources_source_id"), ["source_id"], unique=False
        )

    with op.batch_alter_table("remedies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("not_recommended", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("only_with_exercise", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("leads_advice", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("evidence_note", sa.Text(), nullable=True))

    with op.batch_alter_table("stretches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("steps_note", sa.Text(), nullable=True))

    with op.batch_alter_table("symptoms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "implied_by_trend",
                sa.Enum("better", "same", "worse", name="trend", native_enum=False, length=32),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("symptoms", schema=None) as batch_op:
        batch_op.drop_column("implied_by_trend")
        batch_op.drop_column("reason")
        batch_op.drop_column("question")

    with op.batch_alter_table("stretches", schema=None) as batch_op:
        batch_op.drop_column("steps_note")

    with op.batch_alter_table("remedies", schema=None) as batch_op:
        batch_op.drop_column("evidence_note")
        batch_op.drop_column("leads_advice")
        batch_op.drop_column("only_with_exercise")
        batch_op.drop_column("not_recommended")

    with op.batch_alter_table("routine_limits_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routine_limits_sources_source_id"))

    op.drop_table("routine_limits_sources")
    with op.batch_alter_table("routine_limit_bands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routine_limit_bands_pain_band_id"))

    op.drop_table("routine_limit_bands")
    with op.batch_alter_table("risk_factors_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_factors_sources_source_id"))

    op.drop_table("risk_factors_sources")
    with op.batch_alter_table("risk_factor_causes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_factor_causes_cause_id"))

    op.drop_table("risk_factor_causes")
    with op.batch_alter_table("pain_bands_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pain_bands_sources_source_id"))

    op.drop_table("pain_bands_sources")
    with op.batch_alter_table("routine_limits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routine_limits_version"))
        batch_op.drop_index("ix_routine_limits_tags", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_routine_limits_status"))
        batch_op.drop_index(batch_op.f("ix_routine_limits_next_review"))

    op.drop_table("routine_limits")
    with op.batch_alter_table("risk_factors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_factors_version"))
        batch_op.drop_index(batch_op.f("ix_risk_factors_urgency"))
        batch_op.drop_index("ix_risk_factors_tags", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_risk_factors_status"))
        batch_op.drop_index(batch_op.f("ix_risk_factors_next_review"))

    op.drop_table("risk_factors")
    with op.batch_alter_table("pain_bands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pain_bands_version"))
        batch_op.drop_index("ix_pain_bands_tags", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_pain_bands_status"))
        batch_op.drop_index(batch_op.f("ix_pain_bands_next_review"))

    op.drop_table("pain_bands")
