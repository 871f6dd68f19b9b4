"""The search index: a document per published item and language, and the words it knows.

What each database builds on these tables is created by the migration and kept out of
Alembic's comparison (migrations/env.py): on PostgreSQL a weighted `tsvector` column over the
three parts with a GIN index, and a pg_trgm index on the words; on SQLite FTS5 tables (the
words in a trigram one) that triggers keep in step with these rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base

# Objects the migration creates that autogenerate cannot describe (or sees as extra).
UNMODELLED_TABLES = ("search_fts", "search_terms_fts")
UNMODELLED_COLUMNS = {("search_documents", "document")}
UNMODELLED_INDEXES = (
    "ix_search_documents_document",
    "ix_search_documents_language_document",
    "ix_search_terms_word_trgm",
)


class SearchDocument(Base):
    """An item's text in one language: as shown (for snippets) and as indexed (`*_terms`)."""

    __tablename__ = "search_documents"
    __table_args__ = (sa.UniqueConstraint("collection", "item_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection: Mapped[str] = mapped_column(sa.String(32))
    item_id: Mapped[int]
    slug: Mapped[str] = mapped_column(sa.String(80))
    language: Mapped[str] = mapped_column(sa.String(16), index=True)
    # None in a translation's document: that part is searched in English.
    name: Mapped[str | None] = mapped_column(sa.Text)
    summary: Mapped[str | None] = mapped_column(sa.Text)
    body: Mapped[str | None] = mapped_column(sa.Text)
    name_terms: Mapped[str | None] = mapped_column(sa.Text)
    summary_terms: Mapped[str | None] = mapped_column(sa.Text)
    body_terms: Mapped[str | None] = mapped_column(sa.Text)
    # The folded name, to order hits of equal score.
    sort_name: Mapped[str] = mapped_column(sa.String(200))


class SearchTerm(Base):
    """A word of the indexed text: what type-ahead completes to and typos are corrected to."""

    __tablename__ = "search_terms"

    word: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
