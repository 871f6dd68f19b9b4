"""Clinical scenarios, each in plain words, run against the seeded rules on both databases.

Each row: what the person reports, and what a clinician expects the answer to do. Every row
is also checked against the rules that hold for every answer (`check_every_answer`): the
level is the most urgent input's and every raised level says why with sources; urgent and
emergency answers carry no activity; nothing avoided is offered; the routine is a dose; what
NICE advises against is never recommended; keep-active advice leads; the safety net lists
only signs more urgent than the answer. The last tests make sure the table covers every NHS
sign, every risk factor and every pain band of the seed.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from service.recommendations.engine import Request, Rules, recommend
from service.recommendations.rules import load_rules
from tests.toolkit.clients import Client

LEVELS = ["self_care", "see_professional", "urgent", "emergency"]
ARTICLE_DOSE = 180  # seconds: the article's routines last two to three minutes
NOT_RECOMMENDED = {"acupuncture", "back-supports-and-insoles", "traction-and-electrotherapy"}
GENTLE = {"gentle", "beginner"}


@dataclass(frozen=True)
class Scenario:
    story: str
    request: dict[str, Any]
    level: str
    named: frozenset[str] = frozenset()  # slugs that must be triage reasons
    named_via: frozenset[str] = frozenset()  # request fields that must appear as reasons
    top_cause: str | None = None
    causes_include: frozenset[str] = frozenset()
    stretches_include: frozenset[str] = frozenset()
    never_suggested: frozenset[str] = frozenset()  # neither stretch, exercise nor routine
    avoid_include: frozenset[str] = frozenset()
    recovery_first: str | None = None
    recovery_include: frozenset[str] = frozenset()
    recovery_now: frozenset[str] = frozenset()
    recovery_later: frozenset[str] = frozenset()
    recovery_absent: frozenset[str] = frozenset()
    gentle_only: bool = False
    routine_max_seconds: int | None = None
    routine_limit: str | None = None  # the limit that made the routine shorter ("" = none)
    safety_net_include: frozenset[str] = frozenset()
    both_timings: bool = False


def s(*items: str) -> frozenset[str]:
    return frozenset(items)


EMERGENCY_SIGNS = [
    ("symptoms-in-both-legs", "Pain, tingling, weakness or numbness in both legs"),
    ("saddle-numbness", "Numbness or tingling around the genitals, buttocks or inner thighs"),
    ("difficulty-peeing", "Difficulty peeing, or not being able to pee"),
    ("bowel-bladder-problems", "Loss of bladder or bowel control"),
    ("new-problems-with-sex", "New trouble with erections, or loss of feeling during sex"),
    ("chest-pain", "Chest pain with back pain"),
    ("pain-after-serious-accident", "Pain that started after a serious accident or bad fall"),
    ("legs-suddenly-weak-or-heavy", "Legs that suddenly feel weak or heavy"),
]
URGENT_SIGNS = [
    ("fever", "A high temperature, or feeling hot and shivery"),
    ("unexplained-weight-loss", "Losing weight without trying"),
    ("lump-or-changed-shape", "A lump or swelling in the back, or a back that changed shape"),
    ("severe-pain-not-improving-with-rest", "Pain that rest does not ease, or worse at night"),
    ("pain-worse-when-sneezing-coughing-or-pooing", "Pain worse on sneezing, coughing, pooing"),
    ("upper-back-pain", "Pain high in the back, between the shoulder blades"),
]
SEE_PROFESSIONAL_SIGNS = [
    ("numbness-tingling", "Numbness or tingling in one leg or arm"),
    ("weakness", "Weakness in one leg or arm"),
    ("trouble-with-daily-activities", "Pain that stops everyday activities"),
    ("persistent-pain", "Pain lasting longer than a few days"),
    ("pain-getting-worse", "Pain that is getting worse over time"),
    ("worried-or-struggling", "Worried about the pain, or struggling to cope"),
]

SCENARIOS = [
    # --- 999 / A&E: every NHS emergency sign alone, with everyday pain and time on offer ---
    *[
        Scenario(
            f"{words}, with ordinary pain and ten minutes to spare: call 999 or go to A&E, "
            "and nothing to do at home.",
            {"symptoms": ["local-pain", slug], "minutes_available": 10},
            "emergency",
            named=s(slug),
        )
        for slug, words in EMERGENCY_SIGNS
    ],
    Scenario(
        "An emergency wins over a known condition and a long history, and names them all.",
        {
            "symptoms": ["bowel-bladder-problems", "numbness-tingling"],
            "conditions": ["herniated-disc"],
            "hours_since_onset": 200,
        },
        "emergency",
        named=s("bowel-bladder-problems", "numbness-tingling", "persistent-pain"),
        named_via=s("symptoms", "hours_since_onset"),
        avoid_include=s("seated-forward-bend", "partial-crunch"),
    ),
    Scenario(
        "Chest pain, severe pain and a history of cancer: an emergency naming all three inputs.",
        {"symptoms": ["chest-pain"], "risk_factors": ["history-of-cancer"], "pain_level": 9},
        "emergency",
        named=s("chest-pain", "history-of-cancer", "severe"),
        named_via=s("symptoms", "risk_factors", "pain_level"),
    ),
    # --- same day: every NHS urgent sign alone ---
    *[
        Scenario(
            f"{words}: get seen today (urgent GP or 111); no stretches, exercises, routine, "
            "recovery steps or causes.",
            {"symptoms": [slug], "minutes_available": 10},
            "urgent",
            named=s(slug),
            safety_net_include=s("saddle-numbness", "bowel-bladder-problems"),
        )
        for slug, words in URGENT_SIGNS
    ],
    Scenario(
        "Back pain after cancer, even with an everyday strain: get seen the same day.",
        {"symptoms": ["local-pain"], "risk_factors": ["history-of-cancer"]},
        "urgent",
        named=s("history-of-cancer"),
        named_via=s("risk_factors"),
    ),
    Scenario(
        "A fever with stiffness: urgent, and the plank is still listed to avoid (protections "
        "hold at every level).",
        {"symptoms": ["fever", "stiffness"], "minutes_available": 30},
        "urgent",
        named=s("fever"),
        avoid_include=s("plank"),
    ),
    # --- see a GP or physiotherapist ---
    *[
        Scenario(
            f"{words}: book a GP or physiotherapist; gentle self-care until then.",
            {"symptoms": [slug, "local-pain"]},
            "see_professional",
            named=s(slug),
            recovery_first="keep-active",
            safety_net_include=s("fever", "symptoms-in-both-legs"),
        )
        for slug, words in SEE_PROFESSIONAL_SIGNS
    ],
    Scenario(
        "Tingling in one leg points to a pressed nerve.",
        {"symptoms": ["numbness-tingling"]},
        "see_professional",
        named=s("numbness-tingling"),
        causes_include=s("nerve-compression"),
    ),
    Scenario(
        "Pain for four days (over 72 hours) needs a professional, from the time alone.",
        {"symptoms": ["local-pain"], "hours_since_onset": 96},
        "see_professional",
        named=s("persistent-pain"),
        named_via=s("hours_since_onset"),
    ),
    Scenario(
        "Exactly 72 hours is not yet 'more than a few days'.",
        {"symptoms": ["local-pain"], "hours_since_onset": 72},
        "self_care",
    ),
    Scenario(
        "Pain getting worse over time, said as the trend: book a GP or physiotherapist.",
        {"symptoms": ["local-pain"], "trend": "worse"},
        "see_professional",
        named=s("pain-getting-worse"),
        named_via=s("trend"),
    ),
    Scenario(
        "Pain getting better: self-care.",
        {"symptoms": ["local-pain"], "trend": "better"},
        "self_care",
    ),
    Scenario(
        "Pain staying the same: self-care.",
        {"symptoms": ["stiffness"], "trend": "same"},
        "self_care",
    ),
    Scenario(
        "Long-term steroid tablets (infection risk): book a GP.",
        {"symptoms": ["stiffness"], "risk_factors": ["long-term-steroids"]},
        "see_professional",
        named=s("long-term-steroids"),
    ),
    Scenario(
        "A weakened immune system (infection risk): book a GP.",
        {"symptoms": ["stiffness"], "risk_factors": ["weakened-immune-system"]},
        "see_professional",
        named=s("weakened-immune-system"),
    ),
    Scenario(
        "Injecting drugs (infection risk): book a GP.",
        {"symptoms": ["stiffness"], "risk_factors": ["injecting-drugs"]},
        "see_professional",
        named=s("injecting-drugs"),
    ),
    Scenario(
        "Osteoporosis (fracture risk): book a GP, gentle activities only meanwhile.",
        {"symptoms": ["stiffness"], "risk_factors": ["osteoporosis"], "minutes_available": 10},
        "see_professional",
        named=s("osteoporosis"),
        gentle_only=True,
        never_suggested=s("seated-forward-bend"),
    ),
    Scenario(
        "A minor fall at an older age (fracture risk): book a GP, gentle activities only.",
        {"symptoms": ["stiffness"], "risk_factors": ["minor-fall-older-age"]},
        "see_professional",
        named=s("minor-fall-older-age"),
        gentle_only=True,
    ),
    Scenario(
        "Nineteen years old: more reason to be seen, from the age alone.",
        {"symptoms": ["local-pain"], "age": 19},
        "see_professional",
        named=s("age-under-20"),
        named_via=s("age"),
    ),
    Scenario(
        "Twenty years old: no age rule.", {"symptoms": ["local-pain"], "age": 20}, "self_care"
    ),
    Scenario(
        "Fifty-one years old: more reason to be seen, from the age alone.",
        {"symptoms": ["local-pain"], "age": 51},
        "see_professional",
        named=s("age-over-50"),
        named_via=s("age"),
    ),
    Scenario("Fifty years old: no age rule.", {"symptoms": ["local-pain"], "age": 50}, "self_care"),
    Scenario("Thirty-five years old: no age rule.", {"age": 35}, "self_care"),
    # --- pain bands ---
    Scenario(
        "Pain level 0: mild, self-care.", {"symptoms": ["stiffness"], "pain_level": 0}, "self_care"
    ),
    Scenario(
        "Pain level 3: mild, self-care.", {"symptoms": ["stiffness"], "pain_level": 3}, "self_care"
    ),
    Scenario(
        "Pain level 4: moderate, self-care with the usual routine.",
        {"symptoms": ["stiffness"], "pain_level": 4, "minutes_available": 10},
        "self_care",
        routine_max_seconds=ARTICLE_DOSE,
        routine_limit="article-routine-length",
    ),
    Scenario(
        "Pain level 6: moderate, self-care.",
        {"symptoms": ["stiffness"], "pain_level": 6},
        "self_care",
    ),
    Scenario(
        "Pain level 7: severe, so never plain self-care; gentle activities and a short routine.",
        {"symptoms": ["stiffness"], "pain_level": 7, "minutes_available": 10},
        "see_professional",
        named=s("severe"),
        named_via=s("pain_level"),
        gentle_only=True,
        never_suggested=s("seated-forward-bend", "plank"),
        routine_max_seconds=60,
        routine_limit="severe-pain-short-routine",
    ),
    Scenario(
        "Pain level 10 in one spot: severe, gentle only, one short round.",
        {"symptoms": ["local-pain"], "pain_level": 10},
        "see_professional",
        named=s("severe"),
        gentle_only=True,
        routine_max_seconds=60,
    ),
    # --- self-care, causes and protections ---
    Scenario(
        "Pain in one spot the day after a stretch: self-care, a strained muscle is most likely; "
        "keep active first, cold now, heat later.",
        {"symptoms": ["local-pain"], "hours_since_onset": 20},
        "self_care",
        top_cause="muscle-strain",
        stretches_include=s("childs-pose"),
        recovery_first="keep-active",
        recovery_now=s("cold-therapy", "keep-active"),
        recovery_later=s("heat-therapy"),
    ),
    Scenario(
        "Thirty hours in: cold still applies (up to 48 h) and heat may start once the swelling "
        "has settled (from 24 h).",
        {"symptoms": ["local-pain", "stiffness"], "hours_since_onset": 30},
        "self_care",
        recovery_now=s("cold-therapy", "heat-therapy"),
    ),
    Scenario(
        "Sixty hours in, the cold window has passed: heat now, no more cold.",
        {"symptoms": ["local-pain"], "hours_since_onset": 60},
        "self_care",
        recovery_now=s("heat-therapy"),
        recovery_absent=s("cold-therapy"),
    ),
    Scenario(
        "Onset unknown: both cold and heat are given with their timing, cold first.",
        {"symptoms": ["local-pain"]},
        "self_care",
        recovery_first="keep-active",
        both_timings=True,
    ),
    Scenario(
        "Two hours in: what has no start time (a professional's massage, foam rolling) is not "
        "for now.",
        {"symptoms": ["stiffness"], "hours_since_onset": 2},
        "self_care",
        recovery_now=s("keep-active", "cold-therapy"),
        recovery_later=s("massage", "foam-rolling", "heat-therapy"),
    ),
    Scenario(
        "Stiffness points to tight muscles; stretches that loosen them are suggested.",
        {"symptoms": ["stiffness"]},
        "self_care",
        causes_include=s("muscle-tightness-and-imbalance"),
        stretches_include=s("cat-cow"),
    ),
    Scenario(
        "A known herniated disc: no forward bend and no crunch, and both are explained.",
        {"symptoms": ["local-pain"], "conditions": ["herniated-disc"], "minutes_available": 20},
        "self_care",
        causes_include=s("herniated-disc"),
        never_suggested=s("seated-forward-bend", "partial-crunch"),
        avoid_include=s("seated-forward-bend", "partial-crunch"),
    ),
    Scenario(
        "Known sciatica: the forward bend is avoided.",
        {"symptoms": ["stiffness"], "conditions": ["sciatica"], "minutes_available": 30},
        "self_care",
        never_suggested=s("seated-forward-bend"),
        avoid_include=s("seated-forward-bend"),
    ),
    Scenario(
        "Pain down one leg makes a disc or nerve likely, so the forward bend is avoided.",
        {"symptoms": ["radiating-pain"]},
        "self_care",
        causes_include=s("nerve-compression", "sciatica", "herniated-disc"),
        never_suggested=s("seated-forward-bend"),
        avoid_include=s("seated-forward-bend"),
    ),
    Scenario(
        "Hip or pelvis pain alone: the forward bend is avoided (a disc or sciatica is possible).",
        {"symptoms": ["radiating-hip-pelvis-pain"], "minutes_available": 10},
        "self_care",
        never_suggested=s("seated-forward-bend"),
        avoid_include=s("seated-forward-bend"),
    ),
    Scenario(
        "Hip or pelvis pain with stiffness and pain in one spot: the forward bend stays avoided, "
        "though a disc is no longer among the likeliest causes.",
        {
            "symptoms": ["radiating-hip-pelvis-pain", "stiffness", "local-pain"],
            "minutes_available": 10,
        },
        "self_care",
        never_suggested=s("seated-forward-bend"),
        avoid_include=s("seated-forward-bend"),
    ),
    Scenario(
        "A fresh muscle strain: no plank while it is sore.",
        {"symptoms": ["local-pain", "sharp-pain"], "hours_since_onset": 10},
        "self_care",
        top_cause="muscle-strain",
        never_suggested=s("plank"),
        avoid_include=s("plank"),
    ),
    Scenario(
        "Nothing reported: general gentle advice, self-care, keep active first.",
        {},
        "self_care",
        stretches_include=s("cat-cow"),
        recovery_first="keep-active",
    ),
    Scenario(
        "A known condition alone ranks first among the likely causes.",
        {"conditions": ["arthritis"]},
        "self_care",
        top_cause="arthritis",
    ),
    Scenario(
        "Pain that worsens in some positions with hip pain: tight muscles rank high, self-care.",
        {"symptoms": ["pain-worse-in-positions", "radiating-hip-pelvis-pain"]},
        "self_care",
        causes_include=s("muscle-tightness-and-imbalance"),
    ),
    # --- the dose ---
    Scenario(
        "Two hours available: the routine is the two-to-three-minute dose, no marathon.",
        {"symptoms": ["stiffness"], "minutes_available": 120},
        "self_care",
        routine_max_seconds=ARTICLE_DOSE,
        routine_limit="article-routine-length",
    ),
    Scenario(
        "Five minutes available: still the dose, and the note says why it is shorter.",
        {"symptoms": ["stiffness"], "minutes_available": 5},
        "self_care",
        routine_max_seconds=ARTICLE_DOSE,
        routine_limit="article-routine-length",
    ),
    Scenario(
        "Three minutes available: the time and the dose agree, so no note.",
        {"symptoms": ["stiffness"], "minutes_available": 3},
        "self_care",
        routine_max_seconds=ARTICLE_DOSE,
        routine_limit="",
    ),
    Scenario(
        "One minute available: the routine fits in 60 seconds.",
        {"symptoms": ["local-pain"], "minutes_available": 1},
        "self_care",
        routine_max_seconds=60,
        routine_limit="",
    ),
    # --- the evidence rule ---
    Scenario(
        "What NICE advises against (acupuncture, supports, traction, TENS) is never offered, "
        "even where it once was.",
        {"symptoms": ["stiffness", "local-pain"], "hours_since_onset": 100},
        "see_professional",
        recovery_absent=frozenset(NOT_RECOMMENDED),
    ),
    Scenario(
        "Massage is offered alongside the exercises suggested.",
        {"symptoms": ["stiffness"]},
        "self_care",
        recovery_include=s("massage", "foam-rolling"),
    ),
    Scenario(
        "No exercise suggested, so no massage either (manual therapy only with exercise).",
        {"symptoms": ["local-pain"]},
        "self_care",
        recovery_absent=s("massage", "foam-rolling"),
    ),
    # --- the safety net ---
    Scenario(
        "A self-care answer carries the safety net: every emergency and same-day sign, each "
        "with what to do.",
        {"symptoms": ["stiffness"]},
        "self_care",
        safety_net_include=s(
            *(slug for slug, _ in EMERGENCY_SIGNS + URGENT_SIGNS + SEE_PROFESSIONAL_SIGNS)
        ),
    ),
]


def ask(client: Client, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/recommendations", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.json)


def rank(level: str) -> int:
    return LEVELS.index(level)


def check_every_answer(answer: dict[str, Any], request: dict[str, Any]) -> None:
    """What holds for every answer, whatever was reported."""
    triage = answer["triage"]
    level = triage["level"]
    reasons = triage["reasons"]
    assert all(r["sources"] and r["text"] for r in reasons)
    assert max((rank(r["level"]) for r in reasons), default=0) == rank(level)
    assert bool(reasons) == (level != "self_care"), "a raised level must say why, and only then"
    suggestions = answer["stretches"] + answer["exercises"]
    steps = answer["routine"]["steps"]
    if level in {"urgent", "emergency"}:
        assert suggestions == [] and steps == [] and answer["recovery"] == []
        assert answer["likely_causes"] == []
        assert ("999" if level == "emergency" else "111") in triage["action"]
    else:
        assert answer["recovery"][0]["slug"] == "keep-active", "keep-active advice leads"
    net = answer["safety_net"]
    if level == "emergency":
        assert net == []
    else:
        assert net, "every answer below emergency carries a safety net"
        for sign in net:
            assert rank(sign["level"]) > rank(level)
            assert sign["action"] and sign["reason"] and sign["name"] and sign["sources"]
    avoided = {a["slug"] for a in answer["avoid"]}
    offered = {x["slug"] for x in suggestions} | {st["slug"] for st in steps}
    assert not avoided & offered, "an avoided item was also suggested"
    for item in answer["avoid"]:
        assert item["reason"] and item["kind"] in {"stretch", "exercise"}
    for item in suggestions:
        assert item["level"], "every suggestion keeps its level"
    assert not NOT_RECOMMENDED & {r["slug"] for r in answer["recovery"]}
    total = answer["routine"]["total_seconds"]
    assert total == sum(st["seconds"] * (2 if st["per_side"] else 1) for st in steps)
    assert total <= ARTICLE_DOSE
    if request.get("minutes_available"):
        assert total <= request["minutes_available"] * 60
    assert max(Counter(st["slug"] for st in steps).values(), default=0) <= 3
    assert {st["slug"] for st in steps} <= {x["slug"] for x in answer["stretches"]}
    assert answer["disclaimer"] and "not medical advice" in answer["disclaimer"].lower()
    assert answer["rules_version"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[sc.story[:70] for sc in SCENARIOS])
def test_scenario(client: Client, scenario: Scenario) -> None:
    answer = ask(client, scenario.request)
    check_every_answer(answer, scenario.request)
    triage = answer["triage"]
    assert triage["level"] == scenario.level
    assert scenario.named <= {reason["slug"] for reason in triage["reasons"]}
    assert scenario.named_via <= {reason["input"] for reason in triage["reasons"]}

    causes = [c["slug"] for c in answer["likely_causes"]]
    if scenario.top_cause:
        assert causes[0] == scenario.top_cause
    assert scenario.causes_include <= set(causes)
    suggestions = answer["stretches"] + answer["exercises"]
    offered = {x["slug"] for x in suggestions} | {st["slug"] for st in answer["routine"]["steps"]}
    assert scenario.stretches_include <= {x["slug"] for x in answer["stretches"]}
    assert not scenario.never_suggested & offered
    assert scenario.avoid_include <= {x["slug"] for x in answer["avoid"]}
    if scenario.gentle_only:
        assert suggestions and all(x["level"] in GENTLE for x in suggestions)
        assert answer["activities_note"]

    recovery = answer["recovery"]
    if scenario.recovery_first:
        assert recovery[0]["slug"] == scenario.recovery_first
    listed = {r["slug"] for r in recovery}
    assert scenario.recovery_include <= listed
    assert scenario.recovery_now <= {r["slug"] for r in recovery if r["now"] is True}
    assert scenario.recovery_later <= {r["slug"] for r in recovery if r["now"] is False}
    assert not scenario.recovery_absent & listed
    if scenario.both_timings:
        by_slug = {r["slug"]: r for r in recovery}
        cold, heat = by_slug["cold-therapy"], by_slug["heat-therapy"]
        assert cold["now"] is None and heat["now"] is None
        assert (cold["start_hour"], cold["end_hour"]) == (0, 48)
        assert heat["start_hour"] == 24
        assert (cold["duration_minutes_min"], cold["duration_minutes_max"]) == (15, 20)
        assert cold["timing"] and heat["timing"]
        assert [r["slug"] for r in recovery].index("cold-therapy") < [
            r["slug"] for r in recovery
        ].index("heat-therapy")

    routine = answer["routine"]
    if scenario.routine_max_seconds is not None:
        assert 0 < routine["total_seconds"] <= scenario.routine_max_seconds
    if scenario.routine_limit == "":
        assert routine["limit"] is None and routine["note"] is None
    elif scenario.routine_limit is not None:
        assert routine["limit"] == scenario.routine_limit and routine["note"]
    net = {sign["slug"]: sign for sign in answer["safety_net"]}
    assert scenario.safety_net_include <= set(net)
    for slug in scenario.safety_net_include & {slug for slug, _ in EMERGENCY_SIGNS}:
        assert net[slug]["level"] == "emergency" and "999" in net[slug]["action"]


# --- the table covers the whole published triage content ----------------------------------


def lone_requests(field: str, slug: str) -> list[Scenario]:
    return [sc for sc in SCENARIOS if slug in sc.request.get(field, []) and slug in sc.named]


def test_every_raised_symptom_of_the_seed_has_a_scenario(seed_bundle: dict[str, Any]) -> None:
    for symptom in seed_bundle["symptoms"]:
        if symptom["urgency"] == "self_care":
            continue
        found = lone_requests("symptoms", symptom["slug"])
        assert any(sc.level == symptom["urgency"] for sc in found), symptom["slug"]


def test_every_risk_factor_of_the_seed_has_a_scenario(seed_bundle: dict[str, Any]) -> None:
    for factor in seed_bundle["risk-factors"]:
        slug = factor["slug"]
        found = lone_requests("risk_factors", slug) or [
            sc for sc in SCENARIOS if "age" in sc.request and slug in sc.named
        ]
        assert any(sc.level == factor["urgency"] for sc in found), slug


def test_every_pain_band_and_level_of_the_seed_has_a_scenario(
    seed_bundle: dict[str, Any],
) -> None:
    levels = {sc.request["pain_level"]: sc for sc in SCENARIOS if "pain_level" in sc.request}
    for band in seed_bundle["pain-bands"]:
        edges = {band["min_level"], band["max_level"]}
        assert edges <= set(levels), band["slug"]
        for edge in edges:
            expected = band["urgency"]
            if expected == "self_care":
                assert levels[edge].level == "self_care" or levels[edge].named, band["slug"]
            else:
                assert band["slug"] in levels[edge].named, band["slug"]


# --- the seeded rules, in process -----------------------------------------------------------


@pytest.fixture
def seeded_rules(session: Session) -> Rules:
    return load_rules(session)


def test_a_long_time_available_gets_the_articles_dose_not_a_marathon(
    seeded_rules: Rules,
) -> None:
    answer = recommend(seeded_rules, Request(symptoms=("stiffness",), minutes_available=120))
    routine = answer.routine
    assert routine.max_seconds == ARTICLE_DOSE
    assert 0 < routine.total_seconds <= ARTICLE_DOSE
    assert routine.limit == "article-routine-length" and routine.note
    assert "two to three minutes" in routine.note


def test_nothing_the_seed_contraindicates_by_a_condition_or_a_linked_cause_is_suggested(
    seeded_rules: Rules,
) -> None:
    rules = seeded_rules
    for condition, symptom in itertools.product(sorted(rules.causes), sorted(rules.symptoms)):
        answer = recommend(
            rules,
            Request(symptoms=(symptom,), conditions=(condition,), minutes_available=15),
        )
        suggested = {x.slug for x in (*answer.stretches, *answer.exercises)} | {
            step.slug for step in answer.routine.steps
        }
        against = {condition} | {c for c, w in rules.symptoms[symptom].causes if w > 0}
        for activity in (*rules.stretches, *rules.exercises):
            for cause, _reason in activity.contraindications:
                if cause in against:
                    assert activity.slug not in suggested
                    assert (activity.slug, cause) in {(x.slug, x.cause) for x in answer.avoid}
