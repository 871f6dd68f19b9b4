"""Search: one GIN index over each document's language and its words (PostgreSQL).

Every full-text look-up asks for documents of one language holding some words. With a GIN
index on the words alone, PostgreSQL also read the language's B-tree index, a bitmap of every
document in that language (100,000 entries at 100k items, about 5 ms per look-up), and
intersected the two. btree_gin lets one GIN index hold both, so a look-up reads only the
documents it finds. SQLite's FTS5 tables are unchanged.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 16:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Set on btree_gin when this revision installed it, so that the downgrade removes only its own.
OWN_EXTENSION = "btree_gin, installed by the Backcare search language index migration"


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    installed = connection.scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'btree_gin'"))
    if not installed:
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        op.execute(f"COMMENT ON EXTENSION btree_gin IS '{OWN_EXTENSION}'")
    op.execute(
        "CREATE INDEX ix_search_documents_language_document "
        "ON search_documents USING gin (language, document)"
    )
    op.execute("DROP INDEX IF EXISTS ix_search_documents_document")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)")
    op.execute("DROP INDEX IF EXISTS ix_search_documents_language_document")
    comment = connection.scalar(
        sa.text(
            "SELECT obj_description(oid, 'pg_extension') FROM pg_extension "
            "WHERE extname = 'btree_gin'"
        )
    )
    if comment != OWN_EXTENSION:
        return
    savepoint = connection.begin_nested()
    try:
        connection.exec_driver_sql("DROP EXTENSION btree_gin RESTRICT")
    except sa.exc.DBAPIError:
        # Something else now depends on it: it stays.
        savepoint.rollback()
    else:
        savepoint.commit()
