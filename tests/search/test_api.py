"""GET /v1/search as an app's search box uses it: ranking, forgiveness, filters, pages, caching."""

from __future__ import annotations

from http import HTTPStatus

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.causes.models import Cause
from service.stretches.models import Stretch
from tests.helpers import assert_problem
from tests.search.helpers import create, faq, search, slugs
from tests.toolkit.clients import Client


@pytest.fixture
def tiers(editor: Client) -> None:
    """The same rare word in an FAQ's question (name), answer (summary) and a point (body)."""
    create(editor, "faqs", faq("in-body", "Is this one?", "No.", "Mind the platypus here."))
    create(editor, "faqs", faq("in-summary", "Is this one too?", "A platypus answer."))
    create(editor, "faqs", faq("in-name", "What about the platypus?", "Yes."))


@pytest.mark.usefixtures("tiers")
def test_name_beats_summary_beats_body(client: Client) -> None:
    body = search(client, "platypus")
    assert slugs(body) == ["faqs/in-name", "faqs/in-summary", "faqs/in-body"]
    scores = [hit["score"] for hit in body["items"]]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 3
    assert [hit["matched"] for hit in body["items"]] == [["name"], ["summary"], ["body"]]


@pytest.mark.usefixtures("tiers")
def test_each_hit_says_what_it_is_with_a_highlighted_snippet(client: Client) -> None:
    hit = search(client, "platypus")["items"][1]
    assert hit["collection"] == "faqs" and hit["slug"] == "in-summary"
    assert hit["name"] == "Is this one too?"
    assert hit["snippet"] == "A <mark>platypus</mark> answer."
    assert hit["language"] == "en" and hit["score"] > 0


def test_more_of_the_words_ranks_higher(client: Client) -> None:
    body = search(client, "piriformis stretch")
    assert slugs(body)[0] == "stretches/piriformis-stretch"
    assert body["items"][0]["score"] > body["items"][1]["score"]


@pytest.mark.parametrize(
    "typed, first",
    [
        ("piriformus", "stretches/piriformis-stretch"),  # a typo
        ("PIRIFORMIS", "stretches/piriformis-stretch"),  # case
        ("pirif", "stretches/piriformis-stretch"),  # a prefix while typing
        ("Piriformís", "stretches/piriformis-stretch"),  # a stray accent
        ("osteoporsis", "risk-factors/osteoporosis"),  # a typo
        ("dehydrated", "causes/dehydration"),  # another form of the word
        ("sciatic", "causes/sciatica"),  # a synonym
        ("slipped disc", "causes/herniated-disc"),  # what people call it
        ("glute bridges", "exercises/glute-bridge"),  # a plural
    ],
)
def test_forgiving(client: Client, typed: str, first: str) -> None:
    assert slugs(search(client, typed))[:1] == [first]


def test_a_typo_says_what_was_searched_instead(client: Client) -> None:
    body = search(client, "streching routine ")
    assert body["corrected"] == "stretching routine"
    assert body["total"] > 0
    assert search(client, "stretching routine")["corrected"] is None


def test_plural_and_singular_find_the_same(client: Client) -> None:
    plural, singular = (
        search(client, "stretches ", page_size=100),
        search(client, "stretch ", page_size=100),
    )
    assert set(slugs(plural)) == set(slugs(singular)) and plural["total"] > 5
    assert "stretches/cat-cow" in slugs(plural)
    assert "<mark>stretch</mark>" in " ".join(h["snippet"] for h in plural["items"]).lower()


def test_the_last_word_is_completed_only_while_typing(client: Client) -> None:
    assert slugs(search(client, "bir"))[:1] == ["exercises/bird-dog"]
    assert search(client, "bir ")["total"] == 0


def test_a_query_of_stop_words_finds_nothing_and_is_no_error(client: Client) -> None:
    body = search(client, "how to the")
    assert body["items"] == [] and body["total"] == 0 and body["pages"] == 1


def test_accents_in_the_content_do_not_matter(session: Session, client: Client) -> None:
    cause = session.scalar(sa.select(Cause).where(Cause.slug == "herniated-disc"))
    assert cause is not None
    cause.translations = {"es": {"name": "Hernia de disco lumbar", "summary": "Un disco déplacé."}}
    session.commit()
    assert slugs(search(client, "deplace", lang="es"))[:1] == ["causes/herniated-disc"]
    assert slugs(search(client, "DÉPLACÉ", lang="es"))[:1] == ["causes/herniated-disc"]


@pytest.fixture
def spanish(session: Session) -> None:
    stretch = session.scalar(sa.select(Stretch).where(Stretch.slug == "seated-forward-bend"))
    assert stretch is not None
    stretch.translations = {"es": {"name": "Flexión hacia delante sentado"}}
    session.commit()


@pytest.mark.usefixtures("spanish")
def test_lang_searches_the_translation_and_falls_back_to_english(client: Client) -> None:
    response = client.get("/v1/search", query_string={"q": "flexiones sentado", "lang": "es"})
    body = response.json
    assert slugs(body)[:1] == ["stretches/seated-forward-bend"]
    hit = body["items"][0]
    assert hit["name"] == "Flexión hacia delante sentado" and hit["language"] == "es"
    assert response.headers["Content-Language"] == "es"
    # An untranslated part is searched in English: the stretch's English summary.
    assert "stretches/seated-forward-bend" in slugs(search(client, "toes", lang="es"))
    # Items with no translation at all are found in English.
    other = search(client, "piriformis", lang="es")
    assert slugs(other)[:1] == ["stretches/piriformis-stretch"]
    assert other["items"][0]["language"] == "en"
    # The translated name replaces the English one in Spanish searches...
    assert search(client, "seated forward bend", lang="es")["items"][0]["matched"] != ["name"]
    # ...and English searches do not see the translation.
    assert search(client, "flexion sentado")["total"] == 0


@pytest.mark.usefixtures("spanish")
def test_accept_language_picks_the_language_too(client: Client) -> None:
    response = client.get(
        "/v1/search", query_string={"q": "sentado"}, headers={"Accept-Language": "es-ES,en;q=0.5"}
    )
    assert response.headers["Content-Language"] == "es"
    assert slugs(response.json)[:1] == ["stretches/seated-forward-bend"]
    assert "Accept-Language" in response.headers["Vary"]


def test_collection_filter_is_repeatable_and_facets_count_every_collection(client: Client) -> None:
    everything = search(client, "pain", page_size=100)
    facets = everything["facets"]
    assert sum(facets.values()) == everything["total"] > 0
    counted: dict[str, int] = {}
    for hit in everything["items"]:
        counted[hit["collection"]] = counted.get(hit["collection"], 0) + 1
    assert counted == {name: n for name, n in facets.items() if n}
    both = client.get("/v1/search?q=pain&collection=symptoms&collection=faqs&page_size=100").json
    assert {h["collection"] for h in both["items"]} == {"symptoms", "faqs"}
    assert both["total"] == facets["symptoms"] + facets["faqs"]
    assert both["facets"] == facets


def test_pages_cover_every_hit_once_in_order(client: Client) -> None:
    whole = search(client, "back", page_size=100)
    assert whole["total"] > 10
    seen: list[str] = []
    for page in range(1, whole["total"] // 7 + 2):
        body = search(client, "back", page_size=7, page=page)
        assert body["pages"] == -(-whole["total"] // 7) and body["total"] == whole["total"]
        seen += slugs(body)
    assert seen == slugs(whole)
    assert search(client, "back", page=500)["items"] == []


def test_snippets_are_escaped(editor: Client, client: Client) -> None:
    create(editor, "faqs", faq("escaped", "Tags?", "A <b>narwhal</b> & <script>x</script>"))
    snippet = search(client, "narwhal")["items"][0]["snippet"]
    assert (
        snippet == "A &lt;b&gt;<mark>narwhal</mark>&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;"
    )


def test_etag_and_304_like_every_public_get(client: Client, editor: Client) -> None:
    first = client.get("/v1/search?q=plank")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"].startswith("public")
    again = client.get("/v1/search?q=plank", headers={"If-None-Match": etag})
    assert again.status_code == HTTPStatus.NOT_MODIFIED and again.data == b""
    create(editor, "faqs", faq("plank-faq", "How long should I hold a plank?", "Not long."))
    after = client.get("/v1/search?q=plank", headers={"If-None-Match": etag})
    assert after.status_code == HTTPStatus.OK and after.headers["ETag"] != etag
    assert "faqs/plank-faq" in slugs(after.json)


@pytest.mark.parametrize(
    "query, field",
    [
        ("", "query.q"),
        ("q=", "query.q"),
        (f"q={'x' * 201}", "query.q"),
        ("q=back&collection=pain-bands", "query.collection"),
        ("q=back&collection=nothing", "query.collection"),
        ("q=back&page=0", "query.page"),
        ("q=back&page_size=101", "query.page_size"),
        ("q=back&lang=not%20a%20language", "query.lang"),
        ("q=back&sort=name", "query.sort"),
    ],
)
def test_bad_queries_are_422_problems(client: Client, query: str, field: str) -> None:
    body = assert_problem(client.get(f"/v1/search?{query}"), 422)
    assert any(key.startswith(field) for key in body["errors"]), body["errors"]


@pytest.mark.parametrize(
    "q", ["' OR 1=1 --", '"unbalanced', "NEAR(a b)", "a:* & !b", "{name_terms}: x", "%_\\", "🦘"]
)
def test_query_syntax_of_either_database_is_just_text(client: Client, q: str) -> None:
    body = search(client, q)
    assert body["total"] >= 0
