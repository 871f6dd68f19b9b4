"""The content catalogue: sources, causes, symptoms, stretches, exercises, remedies, routines, FAQs.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 21:21:30.427769
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from service.db import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "causes",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column(
            "prevention",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("needs_professional", sa.Boolean(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "muscular",
                "technique",
                "condition",
                "lifestyle",
                name="causecategory",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_causes")),
        sa.UniqueConstraint("slug", name=op.f("uq_causes_slug")),
    )
    with op.batch_alter_table("causes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_causes_category"), ["category"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_causes_needs_professional"), ["needs_professional"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_causes_status"), ["status"], unique=False)
        batch_op.create_index("ix_causes_tags", ["tags"], unique=False, postgresql_using="gin")

    op.create_table(
        "exercises",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "steps",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("sets", sa.Integer(), nullable=True),
        sa.Column("repetitions_min", sa.Integer(), nullable=True),
        sa.Column("repetitions_max", sa.Integer(), nullable=True),
        sa.Column("hold_seconds_min", sa.Integer(), nullable=True),
        sa.Column("hold_seconds_max", sa.Integer(), nullable=True),
        sa.Column("per_side", sa.Boolean(), nullable=False),
        sa.Column(
            "difficulty",
            sa.Enum(
                "beginner",
                "intermediate",
                "advanced",
                name="difficulty",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "muscles",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "body_areas",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "benefits",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "common_mistakes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercises")),
        sa.UniqueConstraint("slug", name=op.f("uq_exercises_slug")),
    )
    with op.batch_alter_table("exercises", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exercises_body_areas", ["body_areas"], unique=False, postgresql_using="gin"
        )
        batch_op.create_index(batch_op.f("ix_exercises_difficulty"), ["difficulty"], unique=False)
        batch_op.create_index(batch_op.f("ix_exercises_status"), ["status"], unique=False)
        batch_op.create_index("ix_exercises_tags", ["tags"], unique=False, postgresql_using="gin")

    op.create_table(
        "faqs",
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column(
            "key_points",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faqs")),
        sa.UniqueConstraint("slug", name=op.f("uq_faqs_slug")),
    )
    with op.batch_alter_table("faqs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_faqs_position"), ["position"], unique=False)
        batch_op.create_index(batch_op.f("ix_faqs_status"), ["status"], unique=False)
        batch_op.create_index("ix_faqs_tags", ["tags"], unique=False, postgresql_using="gin")

    op.create_table(
        "remedies",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "how_to",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "cold",
                "heat",
                "movement",
                "manual",
                "rest",
                "lifestyle",
                "professional",
                name="remedykind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("duration_minutes_min", sa.Integer(), nullable=True),
        sa.Column("duration_minutes_max", sa.Integer(), nullable=True),
        sa.Column("frequency", sa.Text(), nullable=True),
        sa.Column("start_hour", sa.Integer(), nullable=True),
        sa.Column("end_hour", sa.Integer(), nullable=True),
        sa.Column("timing", sa.Text(), nullable=False),
        sa.Column("recovery_order", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remedies")),
        sa.UniqueConstraint("slug", name=op.f("uq_remedies_slug")),
    )
    with op.batch_alter_table("remedies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_remedies_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_remedies_status"), ["status"], unique=False)
        batch_op.create_index("ix_remedies_tags", ["tags"], unique=False, postgresql_using="gin")

    op.create_table(
        "routines",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "level",
            sa.Enum("beginner", "general", name="routinelevel", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routines")),
        sa.UniqueConstraint("slug", name=op.f("uq_routines_slug")),
    )
    with op.batch_alter_table("routines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_routines_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_routines_status"), ["status"], unique=False)
        batch_op.create_index("ix_routines_tags", ["tags"], unique=False, postgresql_using="gin")

    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("publisher", sa.String(length=200), nullable=True),
        sa.Column(
            "translations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("slug", name=op.f("uq_sources_slug")),
    )
    op.create_table(
        "stretches",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "steps",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("hold_seconds_min", sa.Integer(), nullable=True),
        sa.Column("hold_seconds_max", sa.Integer(), nullable=True),
        sa.Column("breaths_min", sa.Integer(), nullable=True),
        sa.Column("breaths_max", sa.Integer(), nullable=True),
        sa.Column("repetitions_min", sa.Integer(), nullable=True),
        sa.Column("repetitions_max", sa.Integer(), nullable=True),
        sa.Column("per_side", sa.Boolean(), nullable=False),
        sa.Column("routine_seconds", sa.Integer(), nullable=False),
        sa.Column(
            "intensity",
            sa.Enum("gentle", "moderate", "deep", name="intensity", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "body_areas",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "benefits",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "common_mistakes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "when_to_stop",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "variants",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stretches")),
        sa.UniqueConstraint("slug", name=op.f("uq_stretches_slug")),
    )
    with op.batch_alter_table("stretches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stretches_body_areas", ["body_areas"], unique=False, postgresql_using="gin"
        )
        batch_op.create_index(batch_op.f("ix_stretches_intensity"), ["intensity"], unique=False)
        batch_op.create_index(batch_op.f("ix_stretches_status"), ["status"], unique=False)
        batch_op.create_index("ix_stretches_tags", ["tags"], unique=False, postgresql_using="gin")

    op.create_table(
        "symptoms",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "group",
            sa.Enum(
                "pain",
                "mobility",
                "nerve",
                "general",
                name="symptomgroup",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("red_flag", sa.Boolean(), nullable=False),
        sa.Column(
            "urgency",
            sa.Enum(
                "self_care",
                "see_professional",
                "emergency",
                name="urgency",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("display_order", sa.Integer(), nullable=False),
        sa.Column("implied_after_hours", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_symptoms")),
        sa.UniqueConstraint("slug", name=op.f("uq_symptoms_slug")),
    )
    with op.batch_alter_table("symptoms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_symptoms_group"), ["group"], unique=False)
        batch_op.create_index(batch_op.f("ix_symptoms_red_flag"), ["red_flag"], unique=False)
        batch_op.create_index(batch_op.f("ix_symptoms_status"), ["status"], unique=False)
        batch_op.create_index("ix_symptoms_tags", ["tags"], unique=False, postgresql_using="gin")

    op.create_table(
        "causes_sources",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["causes.id"],
            name=op.f("fk_causes_sources_item_id_causes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_causes_sources_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("item_id", "source_id", name=op.f("pk_causes_sources")),
    )
    with op.batch_alter_table("causes_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_causes_sources_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "exercise_contraindications",
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("cause_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "translations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["cause_id"],
            ["causes.id"],
            name=op.f("fk_exercise_contraindications_cause_id_causes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercises.id"],
            name=op.f("fk_exercise_contraindications_exercise_id_exercises"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "exercise_id", "cause_id", name=op.f("pk_exercise_contraindications")
        ),
    )
    with op.batch_alter_table("exercise_contraindications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exercise_contraindications_cause_id"), ["cause_id"], unique=False
        )

    op.create_table(
        "exercise_helps",
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("cause_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cause_id"],
            ["causes.id"],
            name=op.f("fk_exercise_helps_cause_id_causes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercises.id"],
            name=op.f("fk_exercise_helps_exercise_id_exercises"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("exercise_id", "cause_id", name=op.f("pk_exercise_helps")),
    )
    with op.batch_alter_table("exercise_helps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exercise_helps_cause_id"), ["cause_id"], unique=False)

    op.create_table(
        "exercises_sources",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["exercises.id"],
            name=op.f("fk_exercises_sources_item_id_exercises"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_exercises_sources_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("item_id", "source_id", name=op.f("pk_exercises_sources")),
    )
    with op.batch_alter_table("exercises_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exercises_sources_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "faqs_sources",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["faqs.id"], name=op.f("fk_faqs_sources_item_id_faqs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_faqs_sources_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("item_id", "source_id", name=op.f("pk_faqs_sources")),
    )
    with op.batch_alter_table("faqs_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_faqs_sources_source_id"), ["source_id"], unique=False)

    op.create_table(
        "remedies_sources",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["remedies.id"],
            name=op.f("fk_remedies_sources_item_id_remedies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_remedies_sources_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("item_id", "source_id", name=op.f("pk_remedies_sources")),
    )
    with op.batch_alter_table("remedies_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_remedies_sources_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "remedy_helps",
        sa.Column("remedy_id", sa.Integer(), nullable=False),
        sa.Column("cause_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cause_id"],
            ["causes.id"],
            name=op.f("fk_remedy_helps_cause_id_causes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["remedy_id"],
            ["remedies.id"],
            name=op.f("fk_remedy_helps_remedy_id_remedies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("remedy_id", "cause_id", name=op.f("pk_remedy_helps")),
    )
    with op.batch_alter_table("remedy_helps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_remedy_helps_cause_id"), ["cause_id"], unique=False)

    op.create_table(
        "routine_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("routine_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stretch_id", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("per_side", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "translations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["routine_id"],
            ["routines.id"],
            name=op.f("fk_routine_steps_routine_id_routines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stretch_id"],
            ["stretches.id"],
            name=op.f("fk_routine_steps_stretch_id_stretches"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routine_steps")),
        sa.UniqueConstraint("routine_id", "position", name=op.f("uq_routine_steps_routine_id")),
    )
    with op.batch_alter_table("routine_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_routine_steps_stretch_id"), ["stretch_id"], unique=False
        )

    op.create_table(
        "routines_sources",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["routines.id"],
            name=op.f("fk_routines_sources_item_id_routines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_routines_sources_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("item_id", "source_id", name=op.f("pk_routines_sources")),
    )
    with op.batch_alter_table("routines_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_routines_sources_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "stretch_contraindications",
        sa.Column("stretch_id", sa.Integer(), nullable=False),
        sa.Column("cause_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "translations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["cause_id"],
            ["causes.id"],
            name=op.f("fk_stretch_contraindications_cause_id_causes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stretch_id"],
            ["stretches.id"],
            name=op.f("fk_stretch_contraindications_stretch_id_stretches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "stretch_id", "cause_id", name=op.f("pk_stretch_contraindications")
        ),
    )
    with op.batch_alter_table("stretch_contraindications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stretch_contraindications_cause_id"), ["cause_id"], unique=False
        )

    op.create_table(
        "stretch_helps",
        sa.Column("stretch_id", sa.Integer(), nullable=False),
        sa.Column("cause_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cause_id"],
            ["causes.id"],
            name=op.f("fk_stretch_helps_cause_id_causes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stretch_id"],
            ["stretches.id"],
            name=op.f("fk_stretch_helps_stretch_id_stretches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("stretch_id", "cause_id", name=op.f("pk_stretch_helps")),
    )
    with op.batch_alter_table("stretch_helps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stretch_helps_cause_id"), ["cause_id"], unique=False)

    op.create_table(
        "stretches_sources",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["stretches.id"],
            name=op.f("fk_stretches_sources_item_id_stretches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_stretches_sources_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("item_id", "source_id", name=op.f("pk_stretches_sources")),
    )
    with op.batch_alter_table("stretches_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stretches_sources_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "symptom_causes",
        sa.Column("symptom_id", sa.Integer(), nullable=False),
        sa.Column("cause_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cause_id"],
            ["causes.id"],
            name=op.f("fk_symptom_causes_cause_id_causes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["symptom_id"],
            ["symptoms.id"],
            name=op.f("fk_symptom_causes_symptom_id_symptoms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("symptom_id", "cause_id", name=op.f("pk_symptom_causes")),
    )
    with op.batch_alter_table("symptom_causes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_symptom_causes_cause_id"), ["cause_id"], unique=False)

    op.create_table(
        "symptoms_sources",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["symptoms.id"],
            name=op.f("fk_symptoms_sources_item_id_symptoms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_symptoms_sources_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("item_id", "source_id", name=op.f("pk_symptoms_sources")),
    )
    with op.batch_alter_table("symptoms_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_symptoms_sources_source_id"), ["source_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("symptoms_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_symptoms_sources_source_id"))

    op.drop_table("symptoms_sources")
    with op.batch_alter_table("symptom_causes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_symptom_causes_cause_id"))

    op.drop_table("symptom_causes")
    with op.batch_alter_table("stretches_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stretches_sources_source_id"))

    op.drop_table("stretches_sources")
    with op.batch_alter_table("stretch_helps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stretch_helps_cause_id"))

    op.drop_table("stretch_helps")
    with op.batch_alter_table("stretch_contraindications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stretch_contraindications_cause_id"))

    op.drop_table("stretch_contraindications")
    with op.batch_alter_table("routines_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routines_sources_source_id"))

    op.drop_table("routines_sources")
    with op.batch_alter_table("routine_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routine_steps_stretch_id"))

    op.drop_table("routine_steps")
    with op.batch_alter_table("remedy_helps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remedy_helps_cause_id"))

    op.drop_table("remedy_helps")
    with op.batch_alter_table("remedies_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remedies_sources_source_id"))

    op.drop_table("remedies_sources")
    with op.batch_alter_table("faqs_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_faqs_sources_source_id"))

    op.drop_table("faqs_sources")
    with op.batch_alter_table("exercises_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exercises_sources_source_id"))

    op.drop_table("exercises_sources")
    with op.batch_alter_table("exercise_helps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exercise_helps_cause_id"))

    op.drop_table("exercise_helps")
    with op.batch_alter_table("exercise_contraindications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exercise_contraindications_cause_id"))

    op.drop_table("exercise_contraindications")
    with op.batch_alter_table("causes_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_causes_sources_source_id"))

    op.drop_table("causes_sources")
    with op.batch_alter_table("symptoms", schema=None) as batch_op:
        batch_op.drop_index("ix_symptoms_tags", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_symptoms_status"))
        batch_op.drop_index(batch_op.f("ix_symptoms_red_flag"))
        batch_op.drop_index(batch_op.f("ix_symptoms_group"))

    op.drop_table("symptoms")
    with op.batch_alter_table("stretches", schema=None) as batch_op:
        batch_op.drop_index("ix_stretches_tags", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_stretches_status"))
        batch_op.drop_index(batch_op.f("ix_stretches_intensity"))
        batch_op.drop_index("ix_stretches_body_areas", postgresql_using="gin")

    op.drop_table("stretches")
    op.drop_table("sources")
    with op.batch_alter_table("routines", schema=None) as batch_op:
        batch_op.drop_index("ix_routines_tags", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_routines_status"))
        batch_op.drop_index(batch_op.f("ix_routines_level"))

    op.drop_table("routines")
    with op.batch_alter_table("remedies", schema=None) as batch_op:
        batch_op.drop_index("ix_remedies_tags", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_remedies_status"))
        batch_op.drop_index(batch_op.f("ix_remedies_kind"))

    op.drop_table("remedies")
    with op.batch_alter_table("faqs", schema=None) as batch_op:
        batch_op.drop_index("ix_faqs_tags", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_faqs_status"))
        batch_op.drop_index(batch_op.f("ix_faqs_position"))

    op.drop_table("faqs")
    with op.batch_alter_table("exercises", schema=None) as batch_op:
        batch_op.drop_index("ix_exercises_tags", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_exercises_status"))
        batch_op.drop_index(batch_op.f("ix_exercises_difficulty"))
        batch_op.drop_index("ix_exercises_body_areas", postgresql_using="gin")

    op.drop_table("exercises")
    with op.batch_alter_table("causes", schema=None) as batch_op:
        batch_op.drop_index("ix_causes_tags", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_causes_status"))
        batch_op.drop_index(batch_op.f("ix_causes_needs_professional"))
        batch_op.drop_index(batch_op.f("ix_causes_category"))

    op.drop_table("causes")
