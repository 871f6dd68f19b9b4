"""Every seed item is reachable, lists page in a stable order, details embed what screens need."""

from __future__ import annotations

import dataclasses
from http import HTTPStatus
from importlib import import_module
from typing import Any

import marshmallow as ma
import pytest

from service.catalogue import COLLECTIONS, LOAD_ORDER, Collection, Refs, declared, load_order
from tests.helpers import all_items, assert_problem
from tests.toolkit.clients import Client
from tests.toolkit.repository import ROOT

PUBLIC = [c.name for c in COLLECTIONS if c.public is not None]
TITLE = {"faqs": "question", "media": "alt"}


@pytest.mark.parametrize("collection", PUBLIC)
def test_every_seed_item_is_listed_and_has_a_detail(
    client: Client, seed_bundle: dict[str, list[Any]], collection: str
) -> None:
    seeded = {item["slug"]: item for item in seed_bundle[collection]}
    assert seeded, f"the seed has no {collection}"
    listed = {item["slug"] for item in all_items(client, collection)}
    assert listed == set(seeded)
    title = TITLE.get(collection, "name")
    for slug, item in seeded.items():
        response = client.get(f"/v1/{collection}/{slug}")
        assert response.status_code == HTTPStatus.OK
        assert response.json[title] == item[title]
        assert {s["slug"] for s in response.json["sources"]} == set(item["sources"])


@pytest.mark.parametrize("collection", PUBLIC)
def test_unknown_slug_is_404_problem(client: Client, collection: str) -> None:
    response = client.get(f"/v1/{collection}/no-such-item")
    body = assert_problem(response, HTTPStatus.NOT_FOUND, "no-such-item")
    assert body["instance"] == f"/v1/{collection}/no-such-item"


NHS = {"nhs-back-pain", "nhs-cauda-equina"}


def test_every_item_cites_its_sources_and_warning_signs_cite_public_guidance(
    client: Client,
) -> None:
    """Article content cites the article; the NHS signs cite the NHS, not the article, where
    the article does not cover them; what NICE advises against cites NICE."""
    for collection in PUBLIC:
        for item in all_items(client, collection):
            detail = client.get(f"/v1/{collection}/{item['slug']}").json
            assert detail["sources"], (collection, item["slug"])
            assert all(s["title"] for s in detail["sources"])
    for symptom in all_items(client, "symptoms"):
        cited = {s["slug"] for s in client.get(f"/v1/symptoms/{symptom['slug']}").json["sources"]}
        if symptom["urgency"] in {"urgent", "emergency"}:
            assert cited & NHS, symptom["slug"]
    saddle = {s["slug"] for s in client.get("/v1/symptoms/saddle-numbness").json["sources"]}
    assert "nhs-cauda-equina" in saddle
    assert "article-back-pain-after-stretching" not in saddle
    for remedy in all_items(client, "remedies", "not_recommended=true"):
        detail = client.get(f"/v1/remedies/{remedy['slug']}").json
        assert "nice-ng59" in {s["slug"] for s in detail["sources"]}
        assert "NICE NG59" in detail["evidence_note"]


def test_pages_are_stable_and_cover_every_item_once(client: Client) -> None:
    everything = [i["slug"] for i in all_items(client, "symptoms")]
    paged: list[str] = []
    for page in range(1, 100):
        body = client.get(f"/v1/symptoms?page={page}&page_size=3").json
        assert body["page"] == page and body["page_size"] == 3
        assert body["total"] == len(everything)
        assert body["pages"] == -(-len(everything) // 3)
        paged.extend(i["slug"] for i in body["items"])
        if page == body["pages"]:
            break
    assert paged == everything


def test_page_past_the_end_is_empty_not_an_error(client: Client) -> None:
    body = client.get("/v1/stretches?page=500").json
    assert body["items"] == []
    assert body["total"] > 0


def test_default_page_size_is_20(client: Client) -> None:
    assert client.get("/v1/symptoms").json["page_size"] == 20


@pytest.mark.parametrize(
    "query, field",
    [
        ("page_size=101", "query.page_size"),
        ("page_size=0", "query.page_size"),
        ("page=0", "query.page"),
        ("page=99999999999999999999", "query.page"),
        ("page_size=ten", "query.page_size"),
        ("intensity=extreme", "query.intensity"),
        ("body_area=elbow", "query.body_area"),
        ("helps_with=Not%20A%20Slug", "query.helps_with"),
        ("colour=blue", "query.colour"),
        ("lang=%3Cscript%3E", "query.lang"),
    ],
)
def test_bad_list_arguments_are_422_naming_the_field(
    client: Client, query: str, field: str
) -> None:
    body = assert_problem(client.get(f"/v1/stretches?{query}"), HTTPStatus.UNPROCESSABLE_ENTITY)
    assert field in body["errors"]


def test_filter_naming_an_unknown_cause_is_422_not_an_unfiltered_list(client: Client) -> None:
    body = assert_problem(
        client.get("/v1/stretches?safe_for=no-such-condition"),
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "no-such-condition",
    )
    assert "query.safe_for" in body["errors"]


def test_routine_total_counts_per_side_steps_twice(client: Client) -> None:
    for summary in all_items(client, "routines"):
        routine = client.get(f"/v1/routines/{summary['slug']}").json
        expected = sum(s["seconds"] * (2 if s["per_side"] else 1) for s in routine["steps"])
        assert routine["total_seconds"] == summary["total_seconds"] == expected
        for step in routine["steps"]:
            assert step["total_seconds"] == step["seconds"] * (2 if step["per_side"] else 1)
        assert [s["position"] for s in routine["steps"]] == list(
            range(1, len(routine["steps"]) + 1)
        )


def test_suggested_routine_follows_the_article_table(client: Client) -> None:
    routine = client.get("/v1/routines/suggested-stretching-routine").json
    steps = [(s["stretch"]["slug"], s["seconds"], s["per_side"]) for s in routine["steps"]]
    assert steps == [
        ("cat-cow", 30, False),
        ("childs-pose", 30, False),
        ("knees-to-chest", 30, True),
    ]
    assert routine["total_seconds"] == 120


def test_stretch_detail_embeds_contraindications_with_reasons(client: Client) -> None:
    stretches = all_items(client, "stretches")
    found = 0
    for summary in stretches:
        detail = client.get(f"/v1/stretches/{summary['slug']}").json
        for contraindication in detail["contraindications"]:
            assert contraindication["cause"]["slug"] and contraindication["cause"]["name"]
            assert contraindication["reason"]
            found += 1
    assert found > 0


def test_cause_detail_embeds_its_symptoms_and_what_helps(client: Client) -> None:
    detail = client.get("/v1/causes/muscle-strain").json
    assert detail["symptoms"], "muscle strain should have symptoms pointing to it"
    for symptom in detail["symptoms"]:
        assert 0 < symptom["weight"] <= 1
        linked = client.get(f"/v1/symptoms/{symptom['slug']}").json
        assert "muscle-strain" in {c["cause"]["slug"] for c in linked["causes"]}
    helpers = {s["slug"] for s in detail["stretches"]}
    for slug in helpers:
        stretch = client.get(f"/v1/stretches/{slug}").json
        assert "muscle-strain" in {c["slug"] for c in stretch["helps_with"]}


def test_red_flags_are_marked_with_their_urgency(client: Client) -> None:
    symptoms = {s["slug"]: s for s in all_items(client, "symptoms")}
    for slug in ("bowel-bladder-problems", "saddle-numbness", "symptoms-in-both-legs"):
        assert symptoms[slug]["red_flag"] is True
        assert symptoms[slug]["urgency"] == "emergency"
    for slug in ("fever", "unexplained-weight-loss", "severe-pain-not-improving-with-rest"):
        assert symptoms[slug]["red_flag"] is True
        assert symptoms[slug]["urgency"] == "urgent"
    for slug in ("numbness-tingling", "weakness", "persistent-pain"):
        assert symptoms[slug]["red_flag"] is True
        assert symptoms[slug]["urgency"] == "see_professional"
    assert symptoms["persistent-pain"]["implied_after_hours"] == 72
    assert symptoms["pain-getting-worse"]["implied_by_trend"] == "worse"
    assert symptoms["local-pain"]["red_flag"] is False
    for symptom in symptoms.values():
        assert symptom["red_flag"] is (symptom["urgency"] != "self_care"), symptom["slug"]
        assert symptom["question"] and symptom["question"].endswith("?"), symptom["slug"]
        assert symptom["reason"], symptom["slug"]


def test_symptoms_come_grouped_in_questionnaire_order(client: Client) -> None:
    items = all_items(client, "symptoms")
    sections = ["pain", "mobility", "nerve", "general"]
    keys = [(sections.index(s["group"]), s["display_order"], s["name"]) for s in items]
    assert keys == sorted(keys)
    assert items[0]["group"] == "pain" and items[-1]["group"] == "general"


def test_remedies_come_in_the_order_of_use(client: Client) -> None:
    orders = [r["recovery_order"] for r in all_items(client, "remedies")]
    assert orders == sorted(orders)


def test_cold_then_heat_timing_follows_the_article_and_overlaps_while_swelling_settles(
    client: Client,
) -> None:
    cold = client.get("/v1/remedies/cold-therapy").json
    heat = client.get("/v1/remedies/heat-therapy").json
    assert (cold["start_hour"], cold["end_hour"]) == (0, 48)
    assert (cold["duration_minutes_min"], cold["duration_minutes_max"]) == (15, 20)
    # Heat may start once the swelling has settled, which can be from 24 hours.
    assert heat["start_hour"] == 24 and heat["end_hour"] is None
    assert (heat["duration_minutes_min"], heat["duration_minutes_max"]) == (15, 20)
    assert cold["recovery_order"] < heat["recovery_order"]


def test_every_collection_a_domain_declares_is_registered_once() -> None:
    declaring = sorted(
        f"service.{path.parent.name}.collection"
        for path in (ROOT / "service").glob("*/collection.py")
        if "\nCOLLECTION = " in path.read_text(encoding="utf-8")
    )
    assert len(declaring) >= 10
    missing = [name for name in declaring if import_module(name).COLLECTION not in COLLECTIONS]
    assert missing == [], "declared but not in service/catalogue.py"
    assert len({id(collection) for collection in COLLECTIONS}) == len(COLLECTIONS)


def test_a_module_that_declares_no_collection_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match=r"service\.content\.versioning declares no COLLECTION"):
        declared("service.content.versioning")


def test_writes_take_each_collection_after_every_collection_it_refers_to() -> None:
    position = {collection.name: index for index, collection in enumerate(LOAD_ORDER)}
    assert sorted(position) == sorted(c.name for c in COLLECTIONS)
    for collection in COLLECTIONS:
        for relation in collection.relations.values():
            assert position[relation.collection] <= position[collection.name], collection.name


def test_collections_that_refer_to_each_other_in_a_cycle_are_refused() -> None:
    first = Collection(name="first", model=object, input_schema=ma.Schema, relations={})
    second = Collection(
        name="second", model=object, input_schema=ma.Schema, relations={"x": Refs("first")}
    )
    looped = dataclasses.replace(first, relations={"y": Refs("second")})
    assert [c.name for c in load_order([second, first])] == ["first", "second"]
    with pytest.raises(ValueError, match="first -> second -> first"):
        load_order([looped, second])
