"""What a person typed, as terms to look for: each with the word forms that count for it.

A term is a word, or a phrase of the synonym list. It is found through alternatives, each a
group of words that must all be in the same part of an item, with a quality: the words as
typed (1.0), a synonym (0.9), a completion of the last word while typing (0.8), or a word of
the index that is a likely correction of a typo (by trigram similarity, 0.5 to 0.75).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from service.db import backend
from service.search import text
from service.search.models import SearchTerm

EXACT, SYNONYM, COMPLETION = 1.0, 0.9, 0.8
MAX_TERMS = 8
MAX_COMPLETIONS = 20
MAX_CORRECTIONS = 3
# pg_trgm's default similarity_threshold (0.3) finds the candidates; this keeps the good ones.
MIN_SIMILARITY = 0.4
# Shorter words have too few trigrams for a correction to be more than a guess.
MIN_CORRECTED_LENGTH = 4
MIN_COMPLETED_LENGTH = 3
SYNONYMS_FILE = Path(__file__).with_name("synonyms.yaml")


@dataclass(frozen=True)
class Alternative:
    words: tuple[str, ...]
    quality: float
    kind: str  # "typed", "synonym", "completion" or "correction"


@dataclass
class Term:
    typed: str
    alternatives: list[Alternative] = field(default_factory=list)


@dataclass
class Query:
    terms: list[Term]
    # The query with each corrected word replaced by its best correction ("did you mean").
    corrected: str | None = None


@cache
def synonym_groups(
    path: Path = SYNONYMS_FILE,
) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """{phrase as folded words: every phrase of its group}, from the editable list."""
    groups = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    found: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for group in groups:
        phrases = tuple(
            dict.fromkeys(tuple(text.words(str(p))) for p in group if text.words(str(p)))
        )
        for phrase in phrases:
            found[phrase] = tuple(dict.fromkeys((*found.get(phrase, ()), *phrases)))
    return found


def _split(typed: Sequence[str]) -> list[tuple[str, ...]]:
    """The words typed, with the longest synonym phrases kept together."""
    groups = synonym_groups()
    longest = max((len(p) for p in groups), default=1)
    parts: list[tuple[str, ...]] = []
    position = 0
    while position < len(typed):
        for size in range(min(longest, len(typed) - position), 0, -1):
            phrase = tuple(typed[position : position + size])
            if size == 1 or phrase in groups:
                parts.append(phrase)
                position += size
                break
    return parts


def _meaningful(words: Iterable[str], languages: Sequence[text.Language]) -> bool:
    """Some word is not a stop word in at least one of the languages searched."""
    return any(text.lexeme(word, lang) is not None for word in words for lang in languages)


def known_words(session: Session, words: Iterable[str]) -> set[str]:
    wanted = sorted(set(words))
    if not wanted:
        return set()
    return set(session.scalars(sa.select(SearchTerm.word).where(SearchTerm.word.in_(wanted))))


def completions(session: Session, prefix: str) -> list[str]:
    """Words of the index that start with `prefix`, shortest first."""
    column = SearchTerm.word
    if backend(session) == "postgresql":
        # The trigram index answers LIKE; words hold letters only, nothing to escape.
        condition: sa.ColumnElement[bool] = column.like(f"{prefix}%")
    else:
        # SQLite compares bytes, so the words with the prefix are one range of the key.
        condition = sa.and_(column > prefix, column < prefix + "\U0010ffff")
    found = session.scalars(
        sa.select(column)
        .where(condition, column != prefix)
        .order_by(sa.func.length(column), column)
        .limit(MAX_COMPLETIONS)
    )
    return list(found)


def corrections(session: Session, word: str) -> list[tuple[str, float]]:
    """Words of the index close to `word` in pg_trgm's similarity, best first."""
    if backend(session) == "postgresql":
        candidates = session.scalars(
            sa.select(SearchTerm.word).where(SearchTerm.word.op("%")(word)).limit(500)
        ).all()
    else:
        # Any word sharing a trigram, those sharing the most (and rarest) first.
        match = " OR ".join(f'"{gram}"' for gram in sorted(text.trigrams(word)))
        candidates = [
            padded.strip()
            for padded in session.scalars(
                sa.text(
                    "SELECT word FROM search_terms_fts WHERE search_terms_fts MATCH :match "
                    "ORDER BY rank LIMIT 500"
                ),
                {"match": match},
            )
        ]
    scored = [(c, text.similarity(word, c)) for c in candidates if c != word]
    scored = [(c, s) for c, s in scored if s >= MIN_SIMILARITY]
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:MAX_CORRECTIONS]


def parse(session: Session, q: str, languages: Sequence[text.Language]) -> Query:
    """The terms of `q` for a search in `languages` (the one asked for, then English).

    The last word is completed unless the query ends with a space: the person may still be
    typing it. Stop words alone are no term; a query of stop words only has none.
    """
    typing = not q[-1:].isspace()
    parts = [p for p in _split(text.words(q)) if _meaningful(p, languages)][:MAX_TERMS]
    groups = synonym_groups()
    known = known_words(session, (w for p in parts if len(p) == 1 for w in p))
    terms: list[Term] = []
    corrected: list[str] = []
    any_corrected = False
    for index, phrase in enumerate(parts):
        term = Term(" ".join(phrase), [Alternative(phrase, EXACT, "typed")])
        for other in groups.get(phrase, ()):
            if other != phrase:
                term.alternatives.append(Alternative(other, SYNONYM, "synonym"))
        best = " ".join(phrase)
        word = phrase[0] if len(phrase) == 1 and phrase not in groups else None
        completed: list[str] = []
        if word and typing and index == len(parts) - 1 and len(word) >= MIN_COMPLETED_LENGTH:
            completed = completions(session, word)
            term.alternatives += [Alternative((w,), COMPLETION, "completion") for w in completed]
        if (
            word
            and word.isalpha()
            and len(word) >= MIN_CORRECTED_LENGTH
            and word not in known
            and not completed
        ):
            found = corrections(session, word)
            term.alternatives += [
                Alternative((w,), round(0.25 + 0.5 * score, 3), "correction") for w, score in found
            ]
            if found:
                best, any_corrected = found[0][0], True
        corrected.append(best)
        terms.append(term)
    return Query(terms, " ".join(corrected) if any_corrected else None)
