"""Clinical scenarios, each in plain words, run against the seeded rules on both databases.

Each row: what the person reports, and what a clinician expects the answer to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest


@dataclass(frozen=True)
class Scenario:
    story: str
    request: dict[str, Any]
    level: str
    reasons: frozenset[str] = frozenset()  # symptoms that must be named as triage reasons
    top_cause: str | None = None
    causes_include: frozenset[str] = frozenset()
    stretches_include: frozenset[str] = frozenset()
    never_suggested: frozenset[str] = frozenset()  # neither stretch, exercise nor routine
    avoid_include: frozenset[str] = frozenset()
    recovery_first: str | None = None
    recovery_now: frozenset[str] = frozenset()
    recovery_later: frozenset[str] = frozenset()
    recovery_absent: frozenset[str] = frozenset()
    routine_max_seconds: int | None = None
    extra: tuple[str, ...] = field(default=())


def s(*items: str) -> frozenset[str]:
    return frozenset(items)


SCENARIOS = [
    Scenario(
        "Loss of bladder control after stretching is an emergency: no exercise advice at all.",
        {"symptoms": ["bowel-bladder-problems"]},
        "emergency",
        reasons=s("bowel-bladder-problems"),
    ),
    Scenario(
        "Numbness in the saddle area is an emergency even with ordinary back pain alongside.",
        {"symptoms": ["local-pain", "saddle-numbness"], "minutes_available": 10},
        "emergency",
        reasons=s("saddle-numbness"),
    ),
    Scenario(
        "An emergency wins over a known condition and a long history.",
        {
            "symptoms": ["bowel-bladder-problems", "numbness-tingling"],
            "conditions": ["herniated-disc"],
            "hours_since_onset": 200,
        },
        "emergency",
        reasons=s("bowel-bladder-problems", "numbness-tingling", "persistent-pain"),
    ),
    Scenario(
        "Tingling in the legs needs a professional; gentle self-care may still follow.",
        {"symptoms": ["numbness-tingling"]},
        "see_professional",
        reasons=s("numbness-tingling"),
        causes_include=s("nerve-compression"),
    ),
    Scenario(
        "Weakness in a leg needs a professional.",
        {"symptoms": ["weakness", "local-pain"]},
        "see_professional",
        reasons=s("weakness"),
    ),
    Scenario(
        "Back pain with a fever needs a professional.",
        {"symptoms": ["fever", "local-pain"]},
        "see_professional",
        reasons=s("fever"),
    ),
    Scenario(
        "Back pain with weight loss nobody can explain needs a professional.",
        {"symptoms": ["unexplained-weight-loss"]},
        "see_professional",
        reasons=s("unexplained-weight-loss"),
    ),
    Scenario(
        "Pain that gets in the way of daily life needs a professional.",
        {"symptoms": ["trouble-with-daily-activities", "stiffness"]},
        "see_professional",
        reasons=s("trouble-with-daily-activities"),
    ),
    Scenario(
        "Pain for four days (over 72 hours) needs a professional, from the time alone.",
        {"symptoms": ["local-pain"], "hours_since_onset": 96},
        "see_professional",
        reasons=s("persistent-pain"),
    ),
    Scenario(
        "Exactly 72 hours is not yet 'more than a few days'.",
        {"symptoms": ["local-pain"], "hours_since_onset": 72},
        "self_care",
    ),
    Scenario(
        "Reporting pain that lasts more than a few days needs a professional.",
        {"symptoms": ["persistent-pain"]},
        "see_professional",
        reasons=s("persistent-pain"),
    ),
    Scenario(
        "Severe pain that rest does not ease needs a professional.",
        {"symptoms": ["severe-pain-not-improving-with-rest"]},
        "see_professional",
        reasons=s("severe-pain-not-improving-with-rest"),
    ),
    Scenario(
        "Pain in one spot the day after a stretch: self-care, a strained muscle is most likely.",
        {"symptoms": ["local-pain"], "hours_since_onset": 20},
        "self_care",
        top_cause="muscle-strain",
        stretches_include=s("childs-pose"),
        recovery_first="cold-therapy",
        recovery_now=s("cold-therapy"),
        recovery_later=s("heat-therapy"),
    ),
    Scenario(
        "Thirty hours in, cold still applies (24-48 h) and heat comes after.",
        {"symptoms": ["local-pain", "stiffness"], "hours_since_onset": 30},
        "self_care",
        recovery_now=s("cold-therapy"),
        recovery_later=s("heat-therapy"),
    ),
    Scenario(
        "Sixty hours in, the cold window has passed: heat now, no more cold.",
        {"symptoms": ["local-pain"], "hours_since_onset": 60},
        "self_care",
        recovery_first="heat-therapy",
        recovery_now=s("heat-therapy"),
        recovery_absent=s("cold-therapy"),
    ),
    Scenario(
        "Onset unknown: both cold and heat are given with their timing, cold first.",
        {"symptoms": ["local-pain"]},
        "self_care",
        recovery_first="cold-therapy",
        extra=("both_timings",),
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
        "Pain down the legs makes a disc or nerve likely, so the forward bend is avoided.",
        {"symptoms": ["radiating-pain"]},
        "self_care",
        causes_include=s("nerve-compression", "sciatica", "herniated-disc"),
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
        "Five minutes available: the routine fits in 300 seconds.",
        {"symptoms": ["stiffness"], "minutes_available": 5},
        "self_care",
        routine_max_seconds=300,
    ),
    Scenario(
        "One minute available: the routine fits in 60 seconds.",
        {"symptoms": ["local-pain"], "minutes_available": 1},
        "self_care",
        routine_max_seconds=60,
    ),
    Scenario(
        "Two hours available: the routine stays within 7200 seconds.",
        {"symptoms": ["stiffness"], "minutes_available": 120},
        "self_care",
        routine_max_seconds=7200,
    ),
    Scenario(
        "Nothing reported: general gentle advice, self-care.",
        {},
        "self_care",
        stretches_include=s("cat-cow"),
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
]


def ask(client: Any, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/recommendations", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.json)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[sc.story[:60] for sc in SCENARIOS])
def test_scenario(client: Any, scenario: Scenario) -> None:
    answer = ask(client, scenario.request)
    triage = answer["triage"]
    assert triage["level"] == scenario.level
    named = {reason["symptom"] for reason in triage["reasons"]}
    assert scenario.reasons <= named
    assert all(reason["sources"] for reason in triage["reasons"])
    if scenario.level == "self_care":
        assert triage["reasons"] == []
    else:
        assert triage["reasons"], "a raised level must say why"

    if scenario.level == "emergency":
        assert answer["stretches"] == answer["exercises"] == []
        assert answer["routine"]["steps"] == [] and answer["routine"]["total_seconds"] == 0
        assert "emergency" in triage["action"].lower()

    causes = [c["slug"] for c in answer["likely_causes"]]
    if scenario.top_cause:
        assert causes[0] == scenario.top_cause
    assert scenario.causes_include <= set(causes)
    suggested = {x["slug"] for x in answer["stretches"]} | {x["slug"] for x in answer["exercises"]}
    routine = {step["slug"] for step in answer["routine"]["steps"]}
    assert scenario.stretches_include <= {x["slug"] for x in answer["stretches"]}
    assert not scenario.never_suggested & (suggested | routine)
    avoided = {x["slug"] for x in answer["avoid"]}
    assert scenario.avoid_include <= avoided
    assert not avoided & (suggested | routine), "an avoided item was also suggested"
    for item in answer["avoid"]:
        assert item["reason"] and item["kind"] in {"stretch", "exercise"}

    recovery = answer["recovery"]
    if scenario.recovery_first:
        assert recovery[0]["slug"] == scenario.recovery_first
    now = {r["slug"] for r in recovery if r["now"] is True}
    later = {r["slug"] for r in recovery if r["now"] is False}
    assert scenario.recovery_now <= now
    assert scenario.recovery_later <= later
    assert not scenario.recovery_absent & {r["slug"] for r in recovery}
    if "both_timings" in scenario.extra:
        by_slug = {r["slug"]: r for r in recovery}
        cold, heat = by_slug["cold-therapy"], by_slug["heat-therapy"]
        assert cold["now"] is None and heat["now"] is None
        assert (cold["start_hour"], cold["end_hour"]) == (0, 48)
        assert heat["start_hour"] == 48
        assert (cold["duration_minutes_min"], cold["duration_minutes_max"]) == (15, 20)
        assert cold["timing"] and heat["timing"]

    total = answer["routine"]["total_seconds"]
    steps_total = sum(
        st["seconds"] * (2 if st["per_side"] else 1) for st in answer["routine"]["steps"]
    )
    assert total == steps_total
    if scenario.routine_max_seconds is not None:
        assert 0 < total <= scenario.routine_max_seconds
    assert answer["disclaimer"] and "not medical advice" in answer["disclaimer"].lower()
    assert answer["rules_version"]
