"""Finding the documents each term matches, part by part, with each database's full-text index.

The question asked is the same on both: for every term, quality and part (name, summary,
body), which documents in the language searched (or in English, for the parts a translation
leaves out) have all the words of one of the term's alternatives in that part. PostgreSQL
answers it from the weighted `tsvector` (a weight per part) with its GIN index, SQLite from
FTS5 column filters. Every sub-question returns at most `window` documents, so that the work
of one search stays bounded on a large catalogue; `Matches.exhaustive` says whether any did.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.db import backend
from service.search import text
from service.search.documents import TIERS
from service.search.query import Alternative, Query

WEIGHTS = {"name": "A", "summary": "B", "body": "C"}


@dataclass(frozen=True)
class Match:
    term: int
    quality: float
    tier: str
    collection: str
    item_id: int
    slug: str
    language: str  # the document's
    sort_name: str
    # For an English document while another language is searched: the parts that the item's
    # translation holds (those are searched in the translation instead), and its name.
    translated: frozenset[str]
    translated_sort_name: str | None


@dataclass
class Matches:
    rows: list[Match]
    exhaustive: bool


@dataclass(frozen=True)
class _Question:
    term: int
    quality: float
    language: text.Language
    code: str  # the documents' language
    alternatives: tuple[tuple[str, ...], ...]  # the words of each, stop words left out


def _questions(query: Query, language: str) -> Iterator[_Question]:
    codes = [language] if language == "en" else [language, "en"]
    for index, term in enumerate(query.terms):
        by_quality: dict[float, list[Alternative]] = {}
        for alternative in term.alternatives:
            by_quality.setdefault(alternative.quality, []).append(alternative)
        for quality, alternatives in sorted(by_quality.items(), reverse=True):
            for code in codes:
                lang = text.language(code)
                kept = tuple(
                    dict.fromkeys(
                        words
                        for alt in alternatives
                        if (words := tuple(w for w in alt.words if text.lexeme(w, lang)))
                    )
                )
                if kept:
                    yield _Question(index, quality, lang, code, kept)


def _translation_columns(question: _Question, language: str) -> tuple[str, str]:
    """SELECT columns and JOIN that tell which parts the item's translation holds."""
    if question.code != "en" or language == "en":
        return (
            # Typed, so that PostgreSQL can unite these rows with the joined ones.
            "CAST(NULL AS BOOLEAN) AS t_name, CAST(NULL AS BOOLEAN) AS t_summary, "
            "CAST(NULL AS BOOLEAN) AS t_body, CAST(NULL AS VARCHAR(200)) AS t_sort_name",
            "",
        )
    return (
        "t.name IS NOT NULL AS t_name, t.summary IS NOT NULL AS t_summary, "
        "t.body IS NOT NULL AS t_body, t.sort_name AS t_sort_name",
        "LEFT JOIN search_documents t ON t.collection = d.collection "
        "AND t.item_id = d.item_id AND t.language = :searched",
    )


def _postgresql(question: _Question, number: int, language: str) -> tuple[str, dict[str, Any]]:
    def tsquery(weight: str = "") -> str:
        label = f":{weight}" if weight else ""
        return " | ".join(
            "(" + " & ".join(f"{w}{label}" for w in words) + ")" for words in question.alternatives
        )

    config = question.language.config
    params: dict[str, Any] = {f"any_{number}": tsquery(), f"lang_{number}": question.code}
    flags = []
    for tier in TIERS:
        params[f"{tier}_{number}"] = tsquery(WEIGHTS[tier])
        flags.append(
            f"d.document @@ to_tsquery('{config}'::regconfig, :{tier}_{number}) AS in_{tier}"
        )
    columns, join = _translation_columns(question, language)
    sql = (
        f"SELECT {number} AS k, {question.term} AS term, {question.quality} AS quality, "
        f"d.collection, d.item_id, d.slug, d.language, d.sort_name, {', '.join(flags)}, "
        f"{columns} FROM search_documents d {join} "
        f"WHERE d.language = :lang_{number} "
        f"AND d.document @@ to_tsquery('{config}'::regconfig, :any_{number}) LIMIT :window"
    )
    return sql, params


def _fts5(question: _Question, number: int, tier: str, language: str) -> tuple[str, dict[str, Any]]:
    groups = []
    for words in question.alternatives:
        forms = [form for w in words if (form := text.lexeme(w, question.language))]
        groups.append("(" + " AND ".join(f'"{form}"' for form in forms) + ")")
    match = f"{{{tier}_terms}} : ({' OR '.join(groups)})"
    columns, join = _translation_columns(question, language)
    flags = ", ".join(f"{int(t == tier)} AS in_{t}" for t in TIERS)
    sql = (
        f"SELECT {number} AS k, {question.term} AS term, {question.quality} AS quality, "
        f"d.collection, d.item_id, d.slug, d.language, d.sort_name, {flags}, {columns} "
        # CROSS JOIN keeps SQLite from scanning documents by language and probing FTS per row.
        "FROM search_fts CROSS JOIN search_documents d ON d.id = search_fts.rowid "
        f"{join} WHERE search_fts MATCH :match_{number} AND d.language = :lang_{number} "
        "LIMIT :window"
    )
    return sql, {f"match_{number}": match, f"lang_{number}": question.code}


def find(session: Session, query: Query, language: str, window: int) -> Matches:
    """Every (term, part) match of the query's terms, at most `window` per sub-question."""
    postgresql = backend(session) == "postgresql"
    parts: list[str] = []
    params: dict[str, Any] = {"window": window, "searched": language}
    for question in _questions(query, language):
        if postgresql:
            pieces: Sequence[tuple[str, dict[str, Any]]] = [
                _postgresql(question, len(parts), language)
            ]
        else:
            pieces = [_fts5(question, len(parts) + i, t, language) for i, t in enumerate(TIERS)]
        for sql, values in pieces:
            parts.append(f"SELECT * FROM ({sql}) AS q{len(parts)}")
            params.update(values)
    if not parts:
        return Matches([], exhaustive=True)
    if postgresql:
        # How many documents a word matches differs by orders of magnitude from one word to
        # the next, and queries of the same shape share one statement: a plan made for the
        # parameters seen, never a generic one (which, once psycopg prepares the statement,
        # scanned every document for a rare word: 0.6 s instead of 20 ms at 100k items).
        session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))
    rows = session.execute(sa.text(" UNION ALL ".join(parts)), params).all()
    per_question: dict[int, int] = {}
    found: list[Match] = []
    for row in rows:
        per_question[row.k] = per_question.get(row.k, 0) + 1
        translated = frozenset(t for t in TIERS if getattr(row, f"t_{t}"))
        for tier in TIERS:
            if getattr(row, f"in_{tier}"):
                found.append(
                    Match(
                        row.term,
                        float(row.quality),
                        tier,
                        row.collection,
                        row.item_id,
                        row.slug,
                        row.language,
                        row.sort_name,
                        translated,
                        row.t_sort_name,
                    )
                )
    exhaustive = all(count < window for count in per_question.values())
    return Matches(found, exhaustive)
