"""One search ranks a bounded number of documents per word and part: past it the answer says
so, and what it does show is still ranked."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.search.services import WINDOW, search


def test_the_seed_catalogue_is_searched_exhaustively(session: Session) -> None:
    result = search(session, "stretch", page_size=100)
    assert result.total > 20
    assert result.exhaustive
    assert result.total <= WINDOW


def test_a_word_matching_more_than_the_window_says_the_count_is_a_floor(session: Session) -> None:
    whole = search(session, "stretch", page_size=100)
    bounded = search(session, "stretch", page_size=100, window=5)
    assert not bounded.exhaustive
    assert 5 <= bounded.total < whole.total
    assert sum(bounded.facets.values()) == bounded.total
    shown = {(hit.collection, hit.slug) for hit in bounded.items}
    assert shown <= {(hit.collection, hit.slug) for hit in whole.items}
    scores = [hit.score for hit in bounded.items]
    assert scores == sorted(scores, reverse=True)


def test_a_rare_word_is_exhaustive_whatever_the_window(session: Session) -> None:
    result = search(session, "piriformis", window=50)
    assert result.exhaustive
    assert result.items and result.items[0].slug.startswith("piriformis")
