"""Search index: documents per item and language, the words they use, and each database's indexes.

PostgreSQL: pg_trgm, a function naming the text search configuration of each language, a
weighted `tsvector` generated from the three parts (name A, summary B, body C) with a GIN
index, and a trigram GIN index on the words. SQLite: an FTS5 table over the documents (external
content, kept in step by triggers) and a trigram FTS5 table over the words. The index is then
filled from the published content already there.

A later migration that rebuilds `search_documents` or `search_terms` in SQLite batch mode must
create their triggers again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Languages with a configuration of their own (as service/search/text.py's LANGUAGES).
CONFIGS = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "de": "german",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
}

# Set on pg_trgm when this revision installed it, so that the downgrade removes only its own.
OWN_EXTENSION = "pg_trgm, installed by the Backcare search index migration"

POSTGRESQL_UP = [
    """
    CREATE FUNCTION search_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE language
            {cases}
            ELSE 'simple'::regconfig
        END
    $$
    """.format(
        cases="\n            ".join(
            f"WHEN '{code}' THEN '{config}'::regconfig" for code, config in CONFIGS.items()
        )
    ),
    """
    ALTER TABLE search_documents ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(search_config(language), coalesce(name_terms, '')), 'A')
        || setweight(to_tsvector(search_config(language), coalesce(summary_terms, '')), 'B')
        || setweight(to_tsvector(search_config(language), coalesce(body_terms, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)",
    "CREATE INDEX ix_search_terms_word_trgm ON search_terms USING gin (word gin_trgm_ops)",
]

POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS ix_search_terms_word_trgm",
    "DROP INDEX IF EXISTS ix_search_documents_document",
    "ALTER TABLE search_documents DROP COLUMN IF EXISTS document",
    "DROP FUNCTION IF EXISTS search_config(text)",
]

SQLITE_UP = [
    # The parts hold lexemes already (folded, stop words dropped, stemmed by the service), so
    # the tokenizer only splits on spaces.
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        name_terms, summary_terms, body_terms,
        content='search_documents', content_rowid='id', tokenize='unicode61'
    )
    """,
    """
    CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
        INSERT INTO search_fts (rowid, name_terms, summary_terms, body_terms)
        VALUES (new.id, new.name_terms, new.summary_terms, new.body_terms);
    END
    """,
    """
    CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
        INSERT INTO search_fts (search_fts, rowid, name_terms, summary_terms, body_terms)
        VALUES ('delete', old.id, old.name_terms, old.summary_terms, old.body_terms);
    END
    """,
    """
    CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
        INSERT INTO search_fts (search_fts, rowid, name_terms, summary_terms, body_terms)
        VALUES ('delete', old.id, old.name_terms, old.summary_terms, old.body_terms);
        INSERT INTO search_fts (rowid, name_terms, summary_terms, body_terms)
        VALUES (new.id, new.name_terms, new.summary_terms, new.body_terms);
    END
    """,
    # Padded as pg_trgm pads a word, so that both databases see the same trigrams.
    "CREATE VIRTUAL TABLE search_terms_fts USING fts5(word, tokenize='trigram')",
    """
    CREATE TRIGGER search_terms_ai AFTER INSERT ON search_terms BEGIN
        INSERT INTO search_terms_fts (rowid, word) VALUES (new.rowid, '  ' || new.word || ' ');
    END
    """,
    """
    CREATE TRIGGER search_terms_ad AFTER DELETE ON search_terms BEGIN
        DELETE FROM search_terms_fts WHERE rowid = old.rowid;
    END
    """,
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_terms_ad",
    "DROP TRIGGER IF EXISTS search_terms_ai",
    "DROP TABLE IF EXISTS search_terms_fts",
    "DROP TRIGGER IF EXISTS search_documents_au",
    "DROP TRIGGER IF EXISTS search_documents_ad",
    "DROP TRIGGER IF EXISTS search_documents_ai",
    "DROP TABLE IF EXISTS search_fts",
]


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("name_terms", sa.Text(), nullable=True),
        sa.Column("summary_terms", sa.Text(), nullable=True),
        sa.Column("body_terms", sa.Text(), nullable=True),
        sa.Column("sort_name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint(
            "collection",
            "item_id",
            "language",
            name=op.f("uq_search_documents_collection"),
        ),
    )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_search_documents_language"), ["language"], unique=False
        )
    op.create_table(
        "search_terms",
        sa.Column("word", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_terms")),
    )
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        installed = connection.scalar(
            sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        )
        if not installed:
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            op.execute(f"COMMENT ON EXTENSION pg_trgm IS '{OWN_EXTENSION}'")
    statements = POSTGRESQL_UP if connection.dialect.name == "postgresql" else SQLITE_UP
    for statement in statements:
        op.execute(statement)

    # Fill the index from the content already published, with the service's own code so that
    # the documents are exactly those its writers make.
    from service.search.index import rebuild

    rebuild(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for statement in POSTGRESQL_DOWN:
            op.execute(statement)
    else:
        for statement in SQLITE_DOWN:
            op.execute(statement)
    op.drop_table("search_terms")
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_documents_language"))
    op.drop_table("search_documents")
    if connection.dialect.name == "postgresql":
        _drop_pg_trgm_unless_used(connection)


def _drop_pg_trgm_unless_used(connection: sa.Connection) -> None:
    """Drop pg_trgm if this revision installed it and nothing else has come to use it since."""
    comment = connection.scalar(
        sa.text(
            "SELECT obj_description(oid, 'pg_extension') FROM pg_extension "
            "WHERE extname = 'pg_trgm'"
        )
    )
    if comment != OWN_EXTENSION:
        return
    savepoint = connection.begin_nested()
    try:
        connection.exec_driver_sql("DROP EXTENSION pg_trgm RESTRICT")
    except sa.exc.DBAPIError:
        # Something else now depends on it: it stays.
        savepoint.rollback()
    else:
        savepoint.commit()
