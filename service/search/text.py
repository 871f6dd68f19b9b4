"""Text as search sees it: folded words, each language's stop words and stems, trigram similarity.

Both databases are fed the same folded words (lower case, accents and punctuation gone). On
PostgreSQL the language's text search configuration then drops stop words and stems; on SQLite
this module does the same with the same Snowball algorithms and PostgreSQL's own stop-word
lists (copied in `stopwords/`), so a word matches the same items on both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import snowballstemmer

_WORD = re.compile(r"[^\W_]+")
_STOPWORDS = Path(__file__).with_name("stopwords")


@dataclass(frozen=True)
class Language:
    code: str  # as in `?lang=` and item translations
    config: str  # PostgreSQL text search configuration
    algorithm: str | None  # Snowball stemmer; None: words are kept as they are


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "english", "english"),
        Language("es", "spanish", "spanish"),
        Language("fr", "french", "french"),
        Language("de", "german", "german"),
        Language("it", "italian", "italian"),
        Language("pt", "portuguese", "portuguese"),
        Language("nl", "dutch", "dutch"),
    )
}
# Any other language is searched word for word, as PostgreSQL's `simple` configuration does.
SIMPLE = Language("", "simple", None)


def language(code: str) -> Language:
    return LANGUAGES.get(code.split("-", 1)[0].lower(), SIMPLE)


def fold(text: str) -> str:
    """Lower case without accents: "Flexión" -> "flexion", "Straße" -> "strasse"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return _WORD.findall(fold(text))


def spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded word) of each word of `text`, for highlighting.

    Folding is done per word so that the offsets stay those of the original text.
    """
    for match in _WORD.finditer(text):
        folded = words(match.group())
        if folded:
            yield match.start(), match.end(), folded[0]


@cache
def stopwords(lang: Language) -> frozenset[str]:
    if lang.algorithm is None:
        return frozenset()
    lines = (_STOPWORDS / f"{lang.config}.txt").read_text(encoding="utf-8").split()
    return frozenset(line.strip().lower() for line in lines if line.strip())


@cache
def _stemmer(algorithm: str) -> Any:
    return snowballstemmer.stemmer(algorithm)


@lru_cache(maxsize=100_000)
def lexeme(word: str, lang: Language) -> str | None:
    """The indexed form of a folded word, None for a stop word (as PostgreSQL's Snowball
    dictionary does; words with digits go through its `simple` dictionary unchanged)."""
    if lang.algorithm is None or any(c.isdigit() for c in word):
        return word
    if word in stopwords(lang):
        return None
    stemmed: str = _stemmer(lang.algorithm).stemWord(word)
    return stemmed


def lexemes(text: str, lang: Language) -> list[str]:
    return [form for word in words(text) if (form := lexeme(word, lang)) is not None]


def trigrams(word: str) -> frozenset[str]:
    """A word's trigrams as pg_trgm makes them: two spaces before it and one after."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity() of two single words: shared trigrams over all trigrams."""
    first, second = trigrams(a), trigrams(b)
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def vocabulary(texts: Iterable[str | None]) -> set[str]:
    """Words worth completing and correcting to: letters only, two characters or more."""
    found: set[str] = set()
    for text in texts:
        if text:
            found.update(w for w in words(text) if len(w) > 1 and w.isalpha() and len(w) <= 80)
    return found
