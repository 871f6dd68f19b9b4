"""Media: pictures as a collection of their own, and the pictures stretches, exercises and
routines show (each with a role and an order).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 15:21:58
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from service.db import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media_assets",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("transparent", sa.Boolean(), nullable=False),
        sa.Column("alt", sa.String(length=500), nullable=True),
        sa.Column("caption", sa.String(length=1000), nullable=True),
        sa.Column("licence", sa.String(length=64), nullable=False),
        sa.Column("attribution", sa.String(length=300), nullable=True),
        sa.Column("source_url", sa.String(length=500), nullable=True),
        sa.Column("focal_x", sa.Double(), nullable=False),
        sa.Column("focal_y", sa.Double(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_assets")),
        sa.UniqueConstraint("slug", name=op.f("uq_media_assets_slug")),
    )
    with op.batch_alter_table("media_assets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_media_assets_next_review"), ["next_review"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_media_assets_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_assets_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_media_assets_tags", ["tags"], unique=False, postgresql_using="gin"
        )
        batch_op.create_index(batch_op.f("ix_media_assets_version"), ["version"], unique=False)

    op.create_table(
        "exercise_media",
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "illustration", "step", "thumbnail", name="mediarole", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["media_assets.id"],
            name=op.f("fk_exercise_media_asset_id_media_assets"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercises.id"],
            name=op.f("fk_exercise_media_exercise_id_exercises"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("exercise_id", "position", name=op.f("pk_exercise_media")),
    )
    with op.batch_alter_table("exercise_media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exercise_media_asset_id"), ["asset_id"], unique=False)

    op.create_table(
        "media_assets_sources",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["media_assets.id"],
            name=op.f("fk_media_assets_sources_item_id_media_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_media_assets_sources_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("item_id", "source_id", name=op.f("pk_media_assets_sources")),
    )
    with op.batch_alter_table("media_assets_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_media_assets_sources_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "routine_media",
        sa.Column("routine_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "illustration", "step", "thumbnail", name="mediarole", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["media_assets.id"],
            name=op.f("fk_routine_media_asset_id_media_assets"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["routine_id"],
            ["routines.id"],
            name=op.f("fk_routine_media_routine_id_routines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("routine_id", "position", name=op.f("pk_routine_media")),
    )
    with op.batch_alter_table("routine_media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_routine_media_asset_id"), ["asset_id"], unique=False)

    op.create_table(
        "stretch_media",
        sa.Column("stretch_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "illustration", "step", "thumbnail", name="mediarole", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["media_assets.id"],
            name=op.f("fk_stretch_media_asset_id_media_assets"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["stretch_id"],
            ["stretches.id"],
            name=op.f("fk_stretch_media_stretch_id_stretches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("stretch_id", "position", name=op.f("pk_stretch_media")),
    )
    with op.batch_alter_table("stretch_media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stretch_media_asset_id"), ["asset_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stretch_media", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stretch_media_asset_id"))

    op.drop_table("stretch_media")
    with op.batch_alter_table("routine_media", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routine_media_asset_id"))

    op.drop_table("routine_media")
    with op.batch_alter_table("media_assets_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_assets_sources_source_id"))

    op.drop_table("media_assets_sources")
    with op.batch_alter_table("exercise_media", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exercise_media_asset_id"))

    op.drop_table("exercise_media")
    with op.batch_alter_table("media_assets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_assets_version"))
        batch_op.drop_index("ix_media_assets_tags", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_media_assets_status"))
        batch_op.drop_index(batch_op.f("ix_media_assets_sha256"))
        batch_op.drop_index(batch_op.f("ix_media_assets_next_review"))

    op.drop_table("media_assets")
