"""Judged queries: what people type into the search box, and the item that must come first.

Each query was judged by reading the content, before looking at what the search returns:
the expected item is the one a person typing it is looking for. Precision at 1 (the expected
item is the first hit) and at 3 (it is among the first three) are computed over the table and
must stay above the thresholds; the figures are printed for the record (`pytest -s`).
"""

from __future__ import annotations

import pytest

from tests.search.helpers import search, slugs
from tests.toolkit.clients import Client

JUDGED: list[tuple[str, str]] = [
    # Names, with and without typos, while typing, in other word forms.
    ("piriformis", "stretches/piriformis-stretch"),
    ("piriformus stretch", "stretches/piriformis-stretch"),
    ("pirif", "stretches/piriformis-stretch"),
    ("cat cow", "stretches/cat-cow"),
    ("cat-cow stretch", "stretches/cat-cow"),
    ("childs pose", "stretches/childs-pose"),
    ("child's pose", "stretches/childs-pose"),
    ("knee to chest", "stretches/knees-to-chest"),
    ("seated forward fold", "stretches/seated-forward-bend"),
    ("streching routine for beginners", "routines/beginner-stretching-routine"),
    ("plank", "exercises/plank"),
    ("bird dog", "exercises/bird-dog"),
    ("glute bridges", "exercises/glute-bridge"),
    ("pelvic tilts", "exercises/pelvic-tilt"),
    ("crunches", "exercises/partial-crunch"),
    # What people call a condition, and what the content calls it.
    ("sciatic", "causes/sciatica"),
    ("slipped disc", "causes/herniated-disc"),
    ("pinched nerve", "causes/nerve-compression"),
    ("overstretched", "causes/overstretching"),
    ("pulled muscle", "causes/muscle-strain"),
    ("dehydrated", "causes/dehydration"),
    ("bad posture", "causes/poor-posture"),
    ("not warming up", "causes/insufficient-warm-up"),
    # Remedies.
    ("ice pack", "remedies/cold-therapy"),
    ("heating pad", "remedies/heat-therapy"),
    ("foam roller", "remedies/foam-rolling"),
    ("massage", "remedies/massage"),
    ("acupunture", "remedies/acupuncture"),
    ("physio", "remedies/physical-therapy"),
    ("tens machine", "remedies/traction-and-electrotherapy"),
    # Questions.
    ("how long to hold a stretch", "faqs/recommended-stretches-lower-back-pain"),
    ("why does my back hurt after stretching", "faqs/why-lower-back-hurts-after-stretching"),
    ("is back pain serious", "faqs/is-back-pain-a-sign-of-something-serious"),
    ("should i stretch with a bad back", "faqs/stretching-with-existing-back-problems"),
    # Symptoms, in the person's words.
    ("pins and needles in my leg", "symptoms/numbness-tingling"),
    ("cant pee", "symptoms/difficulty-peeing"),
    ("pain down my leg", "symptoms/radiating-pain"),
    ("fever and back pain", "symptoms/fever"),
    ("losing weight", "symptoms/unexplained-weight-loss"),
    ("pain between shoulder blades", "symptoms/upper-back-pain"),
    ("stiff back", "symptoms/stiffness"),
    # History that matters.
    ("osteoporosis", "risk-factors/osteoporosis"),
    ("steroids", "risk-factors/long-term-steroids"),
    ("cancer", "risk-factors/history-of-cancer"),
]
# Set below the figures measured on both databases (see the closing note in the README's
# search section); a change that lowers them is a regression in what people find.
MIN_PRECISION_AT_1 = 0.9
MIN_PRECISION_AT_3 = 0.95


def test_the_table_is_large_and_names_real_items(client: Client) -> None:
    assert len(JUDGED) >= 30
    assert len({q for q, _ in JUDGED}) == len(JUDGED)
    for _query, expected in JUDGED:
        collection, slug = expected.split("/")
        assert client.get(f"/v1/{collection}/{slug}").status_code == 200, expected


def test_precision_at_1_and_3(client: Client, backend: str) -> None:
    ranks: dict[str, int | None] = {}
    for query, expected in JUDGED:
        found = slugs(search(client, query, page_size=3))
        ranks[query] = found.index(expected) + 1 if expected in found else None
    at_1 = sum(1 for r in ranks.values() if r == 1) / len(JUDGED)
    at_3 = sum(1 for r in ranks.values() if r is not None) / len(JUDGED)
    misses = {q: r for q, r in ranks.items() if r != 1}
    print(f"\njudged search on {backend}: P@1 {at_1:.3f}, P@3 {at_3:.3f}, not first: {misses}")
    assert at_1 >= MIN_PRECISION_AT_1, misses
    assert at_3 >= MIN_PRECISION_AT_3, misses


@pytest.mark.parametrize("query, expected", JUDGED[:3])
def test_judged_queries_are_answered_with_published_items_only(
    client: Client, query: str, expected: str
) -> None:
    for hit in search(client, query)["items"]:
        assert client.get(f"/v1/{hit['collection']}/{hit['slug']}").status_code == 200
