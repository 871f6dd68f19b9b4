"""The engine as a plain function: the routine dose, protections, evidence rules, determinism,
versions, on small catalogues built in memory (the seeded rules are tests/recommendations/
test_scenarios.py's)."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace

import pytest

from service.recommendations.engine import (
    MAX_REPEATS,
    Activity,
    Answer,
    CauseInfo,
    Level,
    PainBandRule,
    RemedyInfo,
    Request,
    RiskFactorRule,
    RoutineLimitRule,
    Rules,
    Suggestion,
    SymptomRule,
    applicable_limits,
    build_routine,
    findings,
    recommend,
)


@pytest.fixture
def rules() -> Rules:
    """The small hand-made catalogue of `tiny()`, with a dose like the article's (three
    minutes, three repeats) and stretches of several hold times, one of them per side."""
    return dosed()


def ceiling(rules: Rules, request: Request) -> int | None:
    limits = applicable_limits(rules, findings(rules, request).band)
    return min((limit.max_total_seconds for limit in limits), default=None)


def suggested(answer: Answer) -> set[str]:
    return {x.slug for x in (*answer.stretches, *answer.exercises)} | {
        step.slug for step in answer.routine.steps
    }


def test_routine_keeps_to_the_time_and_the_dose_and_leaves_no_room_for_another_stretch(
    rules: Rules,
) -> None:
    for symptoms, pain in itertools.product(
        ([], ["ache"], ["twinge"], ["ache", "twinge"]), (None, 2, 8)
    ):
        for minutes in range(1, 121):
            request = Request(symptoms=tuple(symptoms), minutes_available=minutes, pain_level=pain)
            answer = recommend(rules, request)
            routine = answer.routine
            budget = min(minutes * 60, ceiling(rules, request) or minutes * 60)
            assert routine.total_seconds == sum(s.total_seconds for s in routine.steps)
            assert routine.total_seconds <= budget
            counts = Counter(step.slug for step in routine.steps)
            assert max(counts.values(), default=0) <= MAX_REPEATS
            if not answer.stretches:
                continue
            # Full: a stretch missing from the last round, still allowed another repeat,
            # would not fit in what is left.
            last = routine.rounds
            in_last = {s.slug for s in routine.steps if s.round == last}
            room = budget - routine.total_seconds
            repeats = min(
                [MAX_REPEATS]
                + [
                    limit.max_repeats
                    for limit in applicable_limits(rules, findings(rules, request).band)
                ]
            )
            for stretch in answer.stretches:
                if stretch.slug not in in_last and counts[stretch.slug] < repeats:
                    cost = int(stretch.seconds or 0) * (2 if stretch.per_side else 1)
                    assert cost > room, (symptoms, minutes, stretch.slug)


def test_a_long_time_available_gets_the_dose_not_a_marathon(rules: Rules) -> None:
    answer = recommend(rules, Request(symptoms=("ache",), minutes_available=120))
    routine = answer.routine
    assert routine.max_seconds == 180
    assert 0 < routine.total_seconds <= 180
    assert routine.limit == "dose" and routine.note == "dose: dose says so."


def test_routine_uses_the_hold_times_of_the_rules(rules: Rules) -> None:
    answer = recommend(rules, Request(symptoms=("ache",), minutes_available=30))
    assert answer.routine.steps
    by_slug = {a.slug: a for a in rules.stretches}
    for step in answer.routine.steps:
        assert step.seconds == by_slug[step.slug].seconds
        assert step.per_side == by_slug[step.slug].per_side


def test_without_a_time_or_a_limit_the_routine_is_one_round_in_the_order_suggested(
    rules: Rules,
) -> None:
    answer = recommend(replace(rules, routine_limits=()), Request(symptoms=("ache",)))
    assert answer.routine.rounds == 1
    offered = [s.slug for s in answer.stretches]
    steps = [s.slug for s in answer.routine.steps]
    assert steps == offered, "every stretch once, in the order suggested"


def test_without_a_time_the_routine_fills_the_dose_round_by_round(rules: Rules) -> None:
    answer = recommend(rules, Request(symptoms=("ache",)))
    routine = answer.routine
    assert 0 < routine.total_seconds <= 180 and routine.max_seconds == 180
    offered = [s.slug for s in answer.stretches]
    for number in range(1, routine.rounds + 1):
        steps = [s.slug for s in routine.steps if s.round == number]
        assert steps and steps == [slug for slug in offered if slug in steps], number


def test_nothing_contraindicated_by_a_condition_or_any_linked_cause_is_ever_suggested(
    rules: Rules,
) -> None:
    for condition, symptom in itertools.product(sorted(rules.causes), sorted(rules.symptoms)):
        answer = recommend(
            rules,
            Request(symptoms=(symptom,), conditions=(condition,), minutes_available=15),
        )
        against = {condition} | {c for c, w in rules.symptoms[symptom].causes if w > 0}
        for activity in (*rules.stretches, *rules.exercises):
            for cause, _reason in activity.contraindications:
                if cause in against:
                    assert activity.slug not in suggested(answer)
                    assert (activity.slug, cause) in {(x.slug, x.cause) for x in answer.avoid}


def test_same_request_same_answer(rules: Rules) -> None:
    request = Request(
        symptoms=("ache", "twinge", "gp"),
        conditions=("strain",),
        risk_factors=("discy",),
        hours_since_onset=30,
        pain_level=6,
        minutes_available=12,
        age=44,
        trend="same",
    )
    assert recommend(rules, request) == recommend(rules, request)


def test_the_order_of_the_inputs_does_not_change_the_answer(rules: Rules) -> None:
    one = recommend(
        rules, Request(symptoms=("ache", "twinge", "gp"), risk_factors=("old", "discy"))
    )
    two = recommend(
        rules, Request(symptoms=("gp", "twinge", "ache"), risk_factors=("discy", "old"))
    )
    assert one == two


def test_rules_version_follows_rules_not_wording(rules: Rules) -> None:
    renamed = replace(
        rules,
        stretches=tuple(replace(a, name=a.name.upper()) for a in rules.stretches),
    )
    assert renamed.version == rules.version
    first = rules.stretches[0]
    changed = replace(
        rules,
        stretches=(replace(first, contraindications=(("strain", "x"),)), *rules.stretches[1:]),
    )
    assert changed.version != rules.version
    band = rules.pain_bands[-1]
    moved = replace(rules, pain_bands=(*rules.pain_bands[:-1], replace(band, min_level=5)))
    assert moved.version != rules.version


def test_a_new_contraindication_moves_the_stretch_to_avoid(rules: Rules) -> None:
    before = recommend(rules, Request(symptoms=("ache",), minutes_available=10))
    target = before.stretches[0].slug
    stretches = tuple(
        replace(a, contraindications=(("strain", "Made up."),)) if a.slug == target else a
        for a in rules.stretches
    )
    after = recommend(
        replace(rules, stretches=stretches), Request(symptoms=("ache",), minutes_available=10)
    )
    assert target not in suggested(after)
    assert target in {a.slug for a in after.avoid}


# --- build_routine on hand-made suggestions ---------------------------------------------------


def stretch(slug: str, seconds: int, per_side: bool = False) -> Suggestion:
    return Suggestion(slug, slug.upper(), "gentle", "why", (), seconds, per_side, ("src",))


def limit(
    slug: str, seconds: int, repeats: int = 3, bands: tuple[str, ...] = ()
) -> RoutineLimitRule:
    return RoutineLimitRule(slug, slug, f"{slug} says so.", seconds, repeats, bands, ("src",))


def test_build_routine_fills_the_remainder_best() -> None:
    stretches = [stretch("a", 100), stretch("b", 30, per_side=True), stretch("c", 50)]
    routine = build_routine(stretches, 2)  # 120 s: one round is 210 s
    assert routine.total_seconds == 110  # b (60) + c (50) beats a (100)
    assert {s.slug for s in routine.steps} == {"b", "c"}
    routine = build_routine(stretches, 8)  # 480 s: two rounds (420) + b (60)
    assert routine.total_seconds == 480
    assert routine.rounds == 3
    assert routine.note is None, "the time, not a limit, made it this length"


def test_build_routine_never_repeats_a_stretch_more_than_three_times() -> None:
    routine = build_routine([stretch("a", 30), stretch("b", 30)], 120)
    assert Counter(s.slug for s in routine.steps) == {"a": 3, "b": 3}
    assert routine.total_seconds == 180 and routine.rounds == 3
    assert routine.note and "three" in routine.note


def test_build_routine_keeps_to_the_strictest_limit_and_says_why() -> None:
    stretches = [stretch("a", 60), stretch("b", 60), stretch("c", 60)]
    limits = [limit("wide", 600), limit("tight", 120, repeats=2)]
    routine = build_routine(stretches, 30, limits)
    assert routine.total_seconds == 120 and routine.max_seconds == 120
    assert routine.limit == "tight" and routine.note == "tight: tight says so."
    routine = build_routine(stretches, 1, limits)  # the time is shorter than any limit
    assert routine.total_seconds == 60 and routine.note is None and routine.limit is None
    one = build_routine([stretch("a", 10)], 30, [limit("once", 600, repeats=1)])
    assert [s.slug for s in one.steps] == ["a"] and one.limit == "once"


def test_build_routine_with_too_little_time_is_empty() -> None:
    routine = build_routine([stretch("a", 90)], 1)
    assert (routine.steps, routine.total_seconds, routine.rounds) == ((), 0, 0)


def test_activity_type_is_plain_data() -> None:
    activity = Activity("stretch", "x", "X", "gentle", (), (), 30, True, ("src",))
    assert activity.seconds == 30 and activity.gentle


# --- the rules on a small hand-made catalogue -------------------------------------------------


def tiny(**changes: object) -> Rules:
    """Two causes, a deep and a gentle stretch, an exercise, and a remedy of each kind."""
    causes = {
        "strain": CauseInfo("strain", "Strain", False, ("src",)),
        "disc": CauseInfo("disc", "Disc", True, ("src",)),
    }
    symptoms = {
        "ache": SymptomRule("ache", "Ache", Level.SELF_CARE, causes=(("strain", 0.9),)),
        "twinge": SymptomRule(
            "twinge", "Twinge", Level.SELF_CARE, causes=(("strain", 0.5), ("disc", 0.01))
        ),
        "alarm": SymptomRule("alarm", "Alarm", Level.EMERGENCY, "It is bad.", red_flag=True),
        "sameday": SymptomRule("sameday", "Same day", Level.URGENT, "Soon.", red_flag=True),
        "gp": SymptomRule("gp", "GP", Level.SEE_PROFESSIONAL, "Check.", red_flag=True),
    }
    stretches = (
        Activity(
            "stretch",
            "deep-fold",
            "Deep fold",
            "deep",
            ("strain",),
            (("disc", "No."),),
            30,
            False,
            ("src",),
        ),
        Activity("stretch", "soft", "Soft", "gentle", ("strain",), (), 30, False, ("src",)),
    )
    exercises = (
        Activity("exercise", "lift", "Lift", "beginner", ("strain",), (), None, False, ("src",)),
    )

    def remedy(slug: str, order: int, **flags: object) -> RemedyInfo:
        return replace(
            RemedyInfo(
                slug, slug, "movement", "t", 0, None, None, None, None, order, ("strain",), ("src",)
            ),
            **flags,  # type: ignore[arg-type]
        )

    remedies = (
        remedy("walk", 5),
        remedy("keep-going", 9, leads_advice=True, helps_with=()),
        remedy("needles", 1, not_recommended=True, evidence_note="NICE says no."),
        remedy("rub", 2, only_with_exercise=True, start_hour=None),
    )
    bands = (
        PainBandRule("low", "Mild", "Fine.", 0, 6, Level.SELF_CARE),
        PainBandRule("high", "Severe", "See someone.", 7, 10, Level.SEE_PROFESSIONAL, True),
    )
    factors = {
        "brittle": RiskFactorRule("brittle", "Brittle", Level.SEE_PROFESSIONAL, "Bones.", True),
        "old": RiskFactorRule("old", "Old", Level.SEE_PROFESSIONAL, "Age.", age_over=50),
        "discy": RiskFactorRule("discy", "Discy", Level.SELF_CARE, causes=(("disc", 0.2),)),
    }
    base = Rules(
        symptoms=symptoms,
        causes=causes,
        stretches=stretches,
        exercises=exercises,
        remedies=remedies,
        risk_factors=factors,
        pain_bands=bands,
        routine_limits=(limit("always", 600), limit("severe-only", 30, 1, ("high",))),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_cause_with_the_smallest_weight_still_protects() -> None:
    answer = recommend(tiny(), Request(symptoms=("twinge",)))
    assert "deep-fold" not in suggested(answer)
    assert [(a.slug, a.cause) for a in answer.avoid] == [("deep-fold", "disc")]


def test_a_risk_factor_pointing_to_a_cause_protects_too() -> None:
    answer = recommend(tiny(), Request(symptoms=("ache",), risk_factors=("discy",)))
    assert "deep-fold" not in suggested(answer) and answer.avoid


def test_urgent_and_emergency_answers_carry_no_activity_but_keep_their_protections() -> None:
    for slug, level in (("sameday", Level.URGENT), ("alarm", Level.EMERGENCY)):
        answer = recommend(
            tiny(), Request(symptoms=("twinge", slug), minutes_available=30, pain_level=3)
        )
        assert answer.triage.level is level
        assert answer.stretches == () and answer.exercises == () and answer.recovery == ()
        assert answer.likely_causes == () and answer.routine.steps == ()
        assert [a.slug for a in answer.avoid] == ["deep-fold"]
        assert answer.triage.reasons[0].slug == slug


def test_severe_pain_or_a_gentle_only_risk_factor_keeps_to_gentle_activities() -> None:
    for request in (
        Request(symptoms=("ache",), pain_level=9, minutes_available=10),
        Request(symptoms=("ache",), risk_factors=("brittle",)),
    ):
        answer = recommend(tiny(), request)
        assert answer.triage.level is Level.SEE_PROFESSIONAL
        assert {s.slug for s in answer.stretches} == {"soft"}
        assert answer.activities_note
    severe = recommend(tiny(), Request(symptoms=("ache",), pain_level=9, minutes_available=10))
    assert severe.routine.total_seconds == 30 and severe.routine.limit == "severe-only"
    reason = severe.triage.reasons[0]
    assert (reason.input, reason.collection, reason.slug) == ("pain_level", "pain-bands", "high")


def test_age_rules_and_trend_make_items_present_and_are_named() -> None:
    rules = tiny(
        symptoms={
            **tiny().symptoms,
            "worse": SymptomRule(
                "worse", "Worse", Level.SEE_PROFESSIONAL, implied_by_trend="worse"
            ),
        }
    )
    assert recommend(rules, Request(age=50)).triage.level is Level.SELF_CARE
    aged = recommend(rules, Request(age=51))
    assert [(r.input, r.slug) for r in aged.triage.reasons] == [("age", "old")]
    worse = recommend(rules, Request(trend="worse"))
    assert [(r.input, r.slug) for r in worse.triage.reasons] == [("trend", "worse")]
    assert recommend(rules, Request(trend="better")).triage.level is Level.SELF_CARE


def test_evidence_rules_for_remedies() -> None:
    with_exercise = recommend(tiny(), Request(symptoms=("ache",), hours_since_onset=1))
    slugs = [r.slug for r in with_exercise.recovery]
    assert slugs[0] == "keep-going", "keep-active advice leads"
    assert "needles" not in slugs, "what NICE advises against is never recommended"
    rub = next(r for r in with_exercise.recovery if r.slug == "rub")
    assert rub.now is False, "no start hour: not 'now' in the first hours"
    assert rub.note and "alongside" in rub.note
    no_exercise = recommend(tiny(exercises=()), Request(symptoms=("ache",), hours_since_onset=1))
    assert "rub" not in {r.slug for r in no_exercise.recovery}, "manual therapy needs exercise"


def test_the_safety_net_lists_what_would_call_for_more_urgent_help() -> None:
    net = recommend(tiny(), Request(symptoms=("ache",))).safety_net
    assert [(s.slug, s.level) for s in net] == [
        ("alarm", Level.EMERGENCY),
        ("sameday", Level.URGENT),
        ("gp", Level.SEE_PROFESSIONAL),
    ]
    assert net[0].action.startswith("Call 999") and net[0].reason == "It is bad."
    assert [s.slug for s in recommend(tiny(), Request(symptoms=("gp",))).safety_net] == [
        "alarm",
        "sameday",
    ]
    assert recommend(tiny(), Request(symptoms=("alarm",))).safety_net == ()


def dosed() -> Rules:
    """`tiny()` with a three-minute dose of at most three repeats, and gentle stretches that
    hold for different times (one on each side), so that a routine has choices to make."""
    base = tiny()
    more = (
        Activity("stretch", "long-hold", "Long hold", "gentle", ("strain",), (), 45, False, ("s",)),
        Activity("stretch", "each-side", "Each side", "gentle", ("strain",), (), 20, True, ("s",)),
        Activity("stretch", "quick", "Quick", "gentle", ("strain",), (), 15, False, ("s",)),
    )
    return replace(
        base,
        stretches=(*base.stretches, *more),
        routine_limits=(limit("dose", 180), limit("severe-only", 30, 1, ("high",))),
    )
