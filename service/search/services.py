"""Searching the catalogue: ranked hits with snippets, facets and pages.

How an item scores: each term of the query counts once, at its best match in the item, as
the quality of the alternative that matched (typed 1.0, synonym 0.9, completion 0.8, a
correction 0.5-0.75) times the weight of the part it matched in (name 1.0, summary 0.5, body
0.2). The terms' values are added up, each weighted by how rare the term is among the items
found, so an item that has more of the words (and the rarer ones) ranks higher, and for the
same words a match in the name beats one in the summary, which beats one in the body. Ties
go to the shorter name, then the collection order and the slug, so the order is the same on
every database and every run.
"""

from __future__ import annotations

import html
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.search import backends, text
from service.search.documents import BY_COLLECTION, ORDER, TIERS
from service.search.models import SearchDocument
from service.search.query import Query, parse

TIER_WEIGHTS = {"name": 1.0, "summary": 0.5, "body": 0.2}
# At most this many documents per term, quality and part are ranked: enough for every
# realistic catalogue to be searched exhaustively, and a bound on the work on a huge one.
WINDOW = 500
SNIPPET_WORDS = 24
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


@dataclass
class Hit:
    collection: str
    slug: str
    name: str
    snippet: str
    score: float
    language: str
    matched: list[str]  # the parts of the item that matched: name, summary, body


@dataclass
class SearchResult:
    query: str
    language: str
    items: list[Hit]
    total: int
    page: int
    page_size: int
    facets: dict[str, int]
    exhaustive: bool
    corrected: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass
class _Scored:
    collection: str
    item_id: int
    slug: str
    sort_name: str = ""
    translated: bool = False
    best: dict[int, float] = field(default_factory=dict)
    tiers: dict[str, float] = field(default_factory=dict)
    score: float = 0.0


def _weigh(items: Collection[_Scored]) -> None:
    """Score each item: its terms' best values, each weighted by how rare the term is among
    the items found (the square root of log2(1 + found / found with the term): 1 for a term
    every item has), so that in "fever and back pain" the fever counts for more than the back
    pain, without a rare side word ("a long time") outweighing the words that matter."""
    having: dict[int, int] = {}
    for item in items:
        for term in item.best:
            having[term] = having.get(term, 0) + 1
    weight = {term: math.sqrt(math.log2(1 + len(items) / n)) for term, n in having.items()}
    for item in items:
        item.score = round(sum(value * weight[term] for term, value in item.best.items()), 4)


def languages_present(session: Session, codes: Iterable[str]) -> set[str]:
    """Which of these languages some document of the index is written in (English always)."""
    present = {"en"}
    for code in dict.fromkeys(c.split("-", 1)[0].lower() for c in codes if c):
        if code != "en" and session.scalar(
            sa.select(SearchDocument.id).where(SearchDocument.language == code).limit(1)
        ):
            present.add(code)
    return present


def _score(matches: Iterable[backends.Match], language: str) -> dict[tuple[str, int], _Scored]:
    items: dict[tuple[str, int], _Scored] = {}
    for match in matches:
        if match.language == "en" and language != "en" and match.tier in match.translated:
            # The translation holds this part: it is searched there, not in English.
            continue
        key = (match.collection, match.item_id)
        item = items.get(key)
        if item is None:
            item = items[key] = _Scored(match.collection, match.item_id, match.slug)
        if match.language != "en" or match.translated:
            item.translated = True
        if match.language != "en":
            item.sort_name = match.sort_name
        elif match.translated and match.translated_sort_name is not None:
            item.sort_name = match.translated_sort_name
        elif not item.sort_name:
            item.sort_name = match.sort_name
        value = match.quality * TIER_WEIGHTS[match.tier]
        item.best[match.term] = max(item.best.get(match.term, 0.0), value)
        item.tiers[match.tier] = max(item.tiers.get(match.tier, 0.0), value)
    return items


def _order(item: _Scored) -> tuple[float, int, str, int, str]:
    return (-item.score, len(item.sort_name), item.sort_name, ORDER[item.collection], item.slug)


def search(
    session: Session,
    q: str,
    *,
    language: str = "en",
    collections: Collection[str] = (),
    page: int = 1,
    page_size: int = 20,
    window: int = WINDOW,
) -> SearchResult:
    """Search the published catalogue for `q` in `language` (English where not translated).

    `collections` narrows the hits (and `total`); `facets` count the hits of every
    collection whatever it is, so a screen can show the other tabs' numbers.
    """
    code = language.split("-", 1)[0].lower()
    languages = [text.language(code)] + ([text.language("en")] if code != "en" else [])
    query = parse(session, q, languages)
    matches = backends.find(session, query, code, window)
    found = _score(matches.rows, code)
    _weigh(found.values())
    scored = sorted(found.values(), key=_order)
    facets = {name: 0 for name in BY_COLLECTION}
    for item in scored:
        facets[item.collection] += 1
    if collections:
        scored = [item for item in scored if item.collection in collections]
    start = (page - 1) * page_size
    shown = scored[start : start + page_size]
    return SearchResult(
        query=q,
        language=code if any(item.translated for item in shown) else "en",
        items=_hits(session, shown, query, code),
        total=len(scored),
        page=page,
        page_size=page_size,
        facets=facets,
        exhaustive=matches.exhaustive,
        corrected=query.corrected,
    )


def _hits(session: Session, shown: Sequence[_Scored], query: Query, code: str) -> list[Hit]:
    if not shown:
        return []
    docs = SearchDocument
    keys = [(item.collection, item.item_id) for item in shown]
    rows = session.execute(
        sa.select(docs.collection, docs.item_id, docs.language, docs.name, docs.summary, docs.body)
        .where(sa.tuple_(docs.collection, docs.item_id).in_(keys))
        .where(docs.language.in_({code, "en"}))
    ).all()
    texts: dict[tuple[str, int], dict[str, tuple[str, str]]] = {}
    for row in rows:
        parts = texts.setdefault((row.collection, row.item_id), {})
        for tier in TIERS:
            value = getattr(row, tier)
            # The translation's part wins; English fills the parts it leaves out.
            if value is not None and (row.language != "en" or tier not in parts):
                parts[tier] = (value, row.language)
    hits = []
    for item in shown:
        parts = texts.get((item.collection, item.item_id), {})
        name = parts.get("name", ("", "en"))[0]
        chosen = _snippet_tier(item, parts)
        snippet = ""
        if chosen is not None:
            part, part_language = parts[chosen]
            snippet = highlight(part, _forms(query, part_language), text.language(part_language))
        hits.append(
            Hit(
                collection=item.collection,
                slug=item.slug,
                name=name,
                snippet=snippet,
                score=item.score,
                language=code if item.translated else "en",
                matched=[t for t in TIERS if t in item.tiers],
            )
        )
    return hits


def _snippet_tier(item: _Scored, parts: dict[str, tuple[str, str]]) -> str | None:
    """The part the snippet comes from: the best matching one after the name (which is shown
    anyway), else the summary."""
    for tier in sorted(item.tiers, key=lambda t: -item.tiers[t]):
        if tier != "name" and tier in parts:
            return tier
    for tier in ("summary", "body", "name"):
        if tier in parts:
            return tier
    return None


def _forms(query: Query, code: str) -> set[str]:
    """The lexemes (in the text's language) of every word the query looked for."""
    lang = text.language(code)
    return {
        form
        for term in query.terms
        for alternative in term.alternatives
        for word in alternative.words
        if (form := text.lexeme(word, lang)) is not None
    }


def highlight(value: str, forms: set[str], lang: text.Language) -> str:
    """About SNIPPET_WORDS words of `value` around its matches, HTML-escaped, each matching
    word wrapped in <mark></mark>; an ellipsis where text was cut."""
    found = list(text.spans(value))
    if not found:
        return html.escape(value)
    hits = [i for i, (_s, _e, word) in enumerate(found) if text.lexeme(word, lang) in forms]
    start = 0
    if hits:
        # The window holding the most matches, starting a few words before the first of them.
        best = max(hits, key=lambda i: sum(1 for j in hits if i <= j < i + SNIPPET_WORDS))
        start = max(0, best - 3)
    end = min(len(found), start + SNIPPET_WORDS)
    start = max(0, min(start, end - SNIPPET_WORDS))
    begin = 0 if start == 0 else found[start][0]
    finish = len(value) if end == len(found) else found[end - 1][1]
    marked = set(hits)
    pieces: list[str] = ["…" if begin > 0 else ""]
    cursor = begin
    for i in range(start, end):
        s, e, _word = found[i]
        if i in marked:
            pieces.append(html.escape(value[cursor:s]))
            pieces.append(MARK_OPEN + html.escape(value[s:e]) + MARK_CLOSE)
            cursor = e
    pieces.append(html.escape(value[cursor:finish]))
    if finish < len(value):
        pieces.append("…")
    return " ".join("".join(pieces).split())
