"""Every documented list filter narrows the results, and only to items that match it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers import all_items
from tests.toolkit.clients import Client

Check = Callable[[Any, dict[str, Any]], bool]


def detail(client: Client, collection: str, item: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"/v1/{collection}/{item['slug']}")
    assert response.status_code == 200
    return dict(response.json)


def text_of(item: dict[str, Any]) -> str:
    return " ".join(str(item.get(k, "")) for k in ("name", "summary", "description", "question"))


CASES: list[tuple[str, str, Check]] = [
    ("stretches", "q=child", lambda c, i: "child" in text_of(i).lower()),
    ("stretches", "q=CAT", lambda c, i: "cat" in text_of(i).lower()),
    ("stretches", "tag=beginner", lambda c, i: "beginner" in i["tags"]),
    ("stretches", "body_area=hips", lambda c, i: "hips" in i["body_areas"]),
    ("stretches", "intensity=gentle", lambda c, i: i["intensity"] == "gentle"),
    (
        "stretches",
        "helps_with=muscle-strain",
        lambda c, i: (
            "muscle-strain" in {x["slug"] for x in detail(c, "stretches", i)["helps_with"]}
        ),
    ),
    (
        "stretches",
        "safe_for=herniated-disc",
        lambda c, i: (
            "herniated-disc"
            not in {x["cause"]["slug"] for x in detail(c, "stretches", i)["contraindications"]}
        ),
    ),
    ("exercises", "difficulty=beginner", lambda c, i: i["difficulty"] == "beginner"),
    ("exercises", "body_area=glutes", lambda c, i: "glutes" in i["body_areas"]),
    ("exercises", "q=plank", lambda c, i: "plank" in text_of(i).lower()),
    (
        "exercises",
        "safe_for=herniated-disc",
        lambda c, i: (
            "herniated-disc"
            not in {x["cause"]["slug"] for x in detail(c, "exercises", i)["contraindications"]}
        ),
    ),
    (
        "exercises",
        "helps_with=muscle-tightness-and-imbalance",
        lambda c, i: (
            "muscle-tightness-and-imbalance"
            in {x["slug"] for x in detail(c, "exercises", i)["helps_with"]}
        ),
    ),
    ("causes", "category=condition", lambda c, i: i["category"] == "condition"),
    ("causes", "needs_professional=true", lambda c, i: i["needs_professional"] is True),
    ("causes", "needs_professional=false", lambda c, i: i["needs_professional"] is False),
    (
        "causes",
        "symptom=radiating-pain",
        lambda c, i: "radiating-pain" in {s["slug"] for s in detail(c, "causes", i)["symptoms"]},
    ),
    ("causes", "q=disc", lambda c, i: "disc" in text_of(i).lower()),
    ("symptoms", "red_flag=true", lambda c, i: i["red_flag"] is True),
    ("symptoms", "red_flag=false", lambda c, i: i["red_flag"] is False),
    ("symptoms", "group=nerve", lambda c, i: i["group"] == "nerve"),
    ("symptoms", "urgency=emergency", lambda c, i: i["urgency"] == "emergency"),
    ("remedies", "kind=cold", lambda c, i: i["kind"] == "cold"),
    (
        "remedies",
        "hours_since_onset=72",
        lambda c, i: (
            (i["start_hour"] is None or i["start_hour"] <= 72)
            and (i["end_hour"] is None or i["end_hour"] > 72)
        ),
    ),
    (
        "remedies",
        "helps_with=muscle-strain",
        lambda c, i: "muscle-strain" in {x["slug"] for x in detail(c, "remedies", i)["helps_with"]},
    ),
    ("routines", "level=beginner", lambda c, i: i["level"] == "beginner"),
    ("routines", "max_seconds=120", lambda c, i: i["total_seconds"] <= 120),
    (
        "routines",
        "stretch=knees-to-chest",
        lambda c, i: (
            "knees-to-chest" in {s["stretch"]["slug"] for s in detail(c, "routines", i)["steps"]}
        ),
    ),
    (
        "faqs",
        "q=hydrat",
        lambda c, i: (
            "hydrat" in (lambda d: d["question"] + d["answer"])(detail(c, "faqs", i)).lower()
        ),
    ),
    ("faqs", "tag=hydration", lambda c, i: "hydration" in i["tags"]),
]


@pytest.mark.parametrize("collection, query, check", CASES, ids=[f"{c}?{q}" for c, q, _ in CASES])
def test_filter_narrows_to_matching_items(
    client: Client, collection: str, query: str, check: Check
) -> None:
    everything = all_items(client, collection)
    filtered = all_items(client, collection, query)
    assert filtered, f"{query} matched nothing: the case proves nothing"
    assert len(filtered) < len(everything), f"{query} did not narrow the list"
    for item in filtered:
        assert check(client, item), f"{item['slug']} does not match {query}"
    # And every item left out really fails the check: the filter is exact, not just narrower.
    kept = {item["slug"] for item in filtered}
    for item in everything:
        if item["slug"] not in kept:
            assert not check(client, item), f"{item['slug']} matches {query} but was left out"


def test_filters_combine(client: Client) -> None:
    both = all_items(client, "stretches", "intensity=gentle&body_area=hips")
    assert both
    assert all(i["intensity"] == "gentle" and "hips" in i["body_areas"] for i in both)
    assert len(both) < len(all_items(client, "stretches", "intensity=gentle"))


def test_search_treats_wildcards_literally(client: Client) -> None:
    assert all_items(client, "stretches", "q=%25") == []
    assert all_items(client, "stretches", "q=_") == []
