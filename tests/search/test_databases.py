"""Both databases index the same words the same way, and the migration builds and removes the
index cleanly, filling it from the content already there."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session

from service.admin.bundle import import_bundle
from service.admin.seed import read_seed
from service.db import make_engine
from service.search import text
from service.search.models import SearchDocument
from tests.toolkit.database import MakeDatabaseUrl
from tests.toolkit.repository import SEED, alembic_config


def _seed_words() -> list[str]:
    found: set[str] = set()
    for items in read_seed(SEED).values():
        for item in items:
            found |= set(text.words(repr(item)))
    return sorted(found)


@pytest.mark.postgres_only
def test_the_stemmer_and_stop_words_are_postgresqls(session: Session) -> None:
    """SQLite is searched with lexemes this service makes; they are PostgreSQL's own."""
    words = [*_seed_words(), "flexiones", "sentado", "hacia", "estiramientos", "dolor"]
    for code in text.LANGUAGES:
        lang = text.language(code)
        rows = session.execute(
            sa.text(
                "SELECT w, array_to_string(tsvector_to_array(to_tsvector("
                "CAST(:config AS regconfig), w)), ' ') FROM unnest(CAST(:words AS text[])) w"
            ),
            {"config": lang.config, "words": words},
        )
        differ = {
            w: (pg, text.lexeme(w, lang)) for w, pg in rows if (pg or None) != text.lexeme(w, lang)
        }
        assert differ == {}, (code, differ)


@pytest.mark.postgres_only
def test_each_language_has_its_configuration_in_the_database(session: Session) -> None:
    for code, lang in text.LANGUAGES.items():
        assert session.scalar(sa.text("SELECT search_config(:c)::text"), {"c": code}) == lang.config
    assert session.scalar(sa.text("SELECT search_config('xx')::text")) == "simple"


@pytest.mark.postgres_only
def test_similarity_is_pg_trgms(session: Session) -> None:
    pairs = [("piriformus", "piriformis"), ("streching", "stretching"), ("abc", "abxbc")]
    pairs += [(w, v) for w in _seed_words()[:40] for v in ("stretch", "osteoporosis")]
    for a, b in pairs:
        expected = session.scalar(sa.text("SELECT similarity(:a, :b)"), {"a": a, "b": b})
        assert text.similarity(a, b) == pytest.approx(expected, abs=1e-6), (a, b)


def _documents(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            count = connection.scalar(sa.select(sa.func.count()).select_from(SearchDocument))
            return int(count or 0)
    finally:
        engine.dispose()


def _index(url: str) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            columns = [c for c in SearchDocument.__table__.c if c.name != "id"]
            return sorted(tuple(row) for row in connection.execute(sa.select(*columns)))
    finally:
        engine.dispose()


def test_upgrading_a_database_with_content_fills_the_index(
    make_database_url: MakeDatabaseUrl, backend: str
) -> None:
    """Content written before the index existed is indexed by the migration itself."""
    url = make_database_url()
    config = alembic_config(url)
    command.upgrade(config, "head")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            import_bundle(session, read_seed(SEED))
            session.commit()
    finally:
        engine.dispose()
    written = _index(url)
    assert len(written) > 50
    command.downgrade(config, "0008")
    engine = make_engine(url)
    try:
        assert not [t for t in sa.inspect(engine).get_table_names() if t.startswith("search")]
        if backend == "postgresql":
            with engine.connect() as connection:
                extension = connection.scalar(
                    sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
                )
                function = connection.scalar(
                    sa.text("SELECT 1 FROM pg_proc WHERE proname = 'search_config'")
                )
            assert extension is None and function is None
    finally:
        engine.dispose()
    command.upgrade(config, "head")
    assert _index(url) == written
