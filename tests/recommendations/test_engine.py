"""The engine as a plain function: routine length, contraindications, determinism, versions."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy.orm import Session

from service.recommendations.engine import Activity, Request, Rules, build_routine, recommend
from service.recommendations.rules import load_rules


@pytest.fixture
def rules(session: Session) -> Rules:
    return load_rules(session)


def step_cost(step: dict[str, Any]) -> int:
    return int(step["seconds"]) * (2 if step["per_side"] else 1)


def test_routine_never_exceeds_the_time_and_leaves_no_room_for_another_stretch(
    rules: Rules,
) -> None:
    for symptoms in ([], ["stiffness"], ["local-pain"], ["radiating-hip-pelvis-pain"]):
        for minutes in range(1, 121):
            answer = recommend(rules, Request(symptoms=tuple(symptoms), minutes_available=minutes))
            routine = answer.routine
            budget = minutes * 60
            assert routine["total_seconds"] == sum(step_cost(s) for s in routine["steps"])
            assert routine["total_seconds"] <= budget
            if not answer.stretches:
                continue
            # Full: no suggested stretch missing from the last round would still fit.
            last = routine["rounds"]
            in_last = {s["slug"] for s in routine["steps"] if s["round"] == last}
            room = budget - routine["total_seconds"]
            for stretch in answer.stretches:
                if stretch["slug"] not in in_last or not routine["steps"]:
                    assert step_cost(stretch) > room, (symptoms, minutes, stretch["slug"])


def test_routine_uses_the_article_hold_times(rules: Rules) -> None:
    answer = recommend(rules, Request(symptoms=("stiffness",), minutes_available=30))
    by_slug = {a.slug: a for a in rules.stretches}
    for step in answer.routine["steps"]:
        assert step["seconds"] == by_slug[step["slug"]].seconds
        assert step["per_side"] == by_slug[step["slug"]].per_side


def test_without_a_time_limit_the_routine_is_one_round(rules: Rules) -> None:
    answer = recommend(rules, Request(symptoms=("stiffness",)))
    assert answer.routine["rounds"] == 1
    assert [s["slug"] for s in answer.routine["steps"]] == [s["slug"] for s in answer.stretches]


def test_nothing_contraindicated_is_ever_suggested(rules: Rules) -> None:
    conditions = sorted(rules.causes)
    symptoms = sorted(rules.symptoms)
    for condition, symptom in itertools.product(conditions, symptoms):
        answer = recommend(
            rules,
            Request(symptoms=(symptom,), conditions=(condition,), minutes_available=15),
        )
        against = {condition} | {c["slug"] for c in answer.likely_causes}
        for activity in (*rules.stretches, *rules.exercises):
            if any(cause in against for cause, _ in activity.contraindications):
                suggested = {x["slug"] for x in answer.stretches + answer.exercises}
                suggested |= {step["slug"] for step in answer.routine["steps"]}
                assert activity.slug not in suggested
                assert activity.slug in {x["slug"] for x in answer.avoid}


def test_same_request_same_answer(rules: Rules) -> None:
    request = Request(
        symptoms=("local-pain", "stiffness", "sharp-pain"),
        conditions=("arthritis",),
        hours_since_onset=30,
        pain_level=6,
        minutes_available=12,
    )
    assert recommend(rules, request) == recommend(rules, request)


def test_symptom_order_does_not_change_the_advice(rules: Rules) -> None:
    one = recommend(rules, Request(symptoms=("local-pain", "stiffness")))
    two = recommend(rules, Request(symptoms=("stiffness", "local-pain")))
    assert one.likely_causes == two.likely_causes
    assert one.stretches == two.stretches


def test_rules_version_follows_rules_not_wording(rules: Rules) -> None:
    renamed = replace(
        rules,
        stretches=tuple(replace(a, name=a.name.upper()) for a in rules.stretches),
    )
    assert renamed.version == rules.version
    first = rules.stretches[0]
    changed = replace(
        rules,
        stretches=(replace(first, contraindications=(("arthritis", "x"),)), *rules.stretches[1:]),
    )
    assert changed.version != rules.version


def test_a_new_contraindication_moves_the_stretch_to_avoid(rules: Rules) -> None:
    before = recommend(rules, Request(symptoms=("stiffness",), minutes_available=10))
    target = before.stretches[0]["slug"]
    stretches = tuple(
        replace(a, contraindications=(("muscle-tightness-and-imbalance", "Made up."),))
        if a.slug == target
        else a
        for a in rules.stretches
    )
    after = recommend(
        replace(rules, stretches=stretches), Request(symptoms=("stiffness",), minutes_available=10)
    )
    assert target not in {s["slug"] for s in after.stretches}
    assert target not in {s["slug"] for s in after.routine["steps"]}
    assert target in {a["slug"] for a in after.avoid}


def test_build_routine_fills_the_remainder_best() -> None:
    stretches = [
        {"slug": "a", "name": "A", "seconds": 100, "per_side": False},
        {"slug": "b", "name": "B", "seconds": 30, "per_side": True},
        {"slug": "c", "name": "C", "seconds": 50, "per_side": False},
    ]
    routine = build_routine(stretches, 2)  # 120 s: one round is 210 s
    assert routine["total_seconds"] == 110  # b (60) + c (50) beats a (100)
    assert {s["slug"] for s in routine["steps"]} == {"b", "c"}
    routine = build_routine(stretches, 8)  # 480 s: two rounds (420) + b (60)
    assert routine["total_seconds"] == 480
    assert routine["rounds"] == 3


def test_build_routine_with_too_little_time_is_empty() -> None:
    stretches = [{"slug": "a", "name": "A", "seconds": 90, "per_side": False}]
    assert build_routine(stretches, 1) == {"steps": [], "total_seconds": 0, "rounds": 0}


def test_activity_type_is_plain_data() -> None:
    activity = Activity("stretch", "x", "X", "gentle", (), (), 30, True, ("src",))
    assert activity.seconds == 30
