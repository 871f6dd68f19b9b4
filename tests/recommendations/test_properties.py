"""Safety properties over random requests drawn from the whole published catalogue.

Hypothesis combines any symptoms, conditions and risk factors with any time since onset,
pain level, trend, age and time available. For every combination: adding a symptom, a
condition or a risk factor never lowers the level and never lifts a protection; urgent and
emergency answers never carry an activity; no routine breaks the dose; the same request always
gets the same answer. The rules are the seeded ones, read from the database of the run.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from service.recommendations.engine import (
    MAX_REPEATS,
    SEEK_CARE,
    Answer,
    Level,
    Request,
    Rules,
    applicable_limits,
    findings,
    recommend,
)
from service.recommendations.rules import load_rules

# A few hundred combinations per property: seconds, not minutes, and the same ones each run.
EXAMPLES = 300
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True)


@pytest.fixture
def rules(session: Session) -> Rules:
    loaded = load_rules(session)
    assert loaded.symptoms and loaded.risk_factors and loaded.pain_bands
    return loaded


def requests(rules: Rules) -> st.SearchStrategy[Request]:
    def slugs(names: Any, most: int) -> st.SearchStrategy[tuple[str, ...]]:
        return st.lists(st.sampled_from(sorted(names)), unique=True, max_size=most).map(tuple)

    return st.builds(
        Request,
        symptoms=slugs(rules.symptoms, 6),
        conditions=slugs(rules.causes, 3),
        risk_factors=slugs(rules.risk_factors, 3),
        hours_since_onset=st.none() | st.floats(0, 24 * 30, allow_nan=False),
        pain_level=st.none() | st.integers(0, 10),
        minutes_available=st.none() | st.integers(1, 120),
        age=st.none() | st.integers(0, 120),
        trend=st.none() | st.sampled_from(["better", "same", "worse"]),
    )


def protections(answer: Answer) -> set[tuple[str, str]]:
    return {(a.slug, a.cause) for a in answer.avoid}


def offered(answer: Answer) -> set[str]:
    return {x.slug for x in (*answer.stretches, *answer.exercises)} | {
        step.slug for step in answer.routine.steps
    }


def test_adding_an_input_never_lowers_the_level_or_lifts_a_protection(rules: Rules) -> None:
    extra = st.one_of(
        st.tuples(st.just("symptoms"), st.sampled_from(sorted(rules.symptoms))),
        st.tuples(st.just("conditions"), st.sampled_from(sorted(rules.causes))),
        st.tuples(st.just("risk_factors"), st.sampled_from(sorted(rules.risk_factors))),
    )

    @PROPERTY
    @given(request=requests(rules), added=extra)
    def check(request: Request, added: tuple[str, str]) -> None:
        field, slug = added
        current: tuple[str, ...] = getattr(request, field)
        more = Request(**{**request.__dict__, field: tuple(dict.fromkeys((*current, slug)))})
        before, after = recommend(rules, request), recommend(rules, more)
        assert after.triage.level.rank >= before.triage.level.rank, (request, added)
        assert protections(before) <= protections(after), (request, added)
        assert not {slug for slug, _cause in protections(before)} & offered(after)

    check()


def test_urgent_and_emergency_never_carry_an_activity(rules: Rules) -> None:
    @PROPERTY
    @given(request=requests(rules))
    def check(request: Request) -> None:
        answer = recommend(rules, request)
        level = answer.triage.level
        reasons = answer.triage.reasons
        assert level is max((r.level for r in reasons), key=lambda lv: lv.rank, default=level)
        assert bool(reasons) == (level is not Level.SELF_CARE)
        if level in SEEK_CARE:
            assert answer.stretches == () and answer.exercises == () and answer.recovery == ()
            assert answer.likely_causes == () and answer.routine.steps == ()
        assert all(sign.level.rank > level.rank for sign in answer.safety_net)
        assert (answer.safety_net == ()) == (level is Level.EMERGENCY)

    check()


def test_no_routine_breaks_the_dose_and_nothing_avoided_is_offered(rules: Rules) -> None:
    @PROPERTY
    @given(request=requests(rules))
    def check(request: Request) -> None:
        answer = recommend(rules, request)
        routine = answer.routine
        counts = Counter(step.slug for step in routine.steps)
        assert max(counts.values(), default=0) <= MAX_REPEATS
        limits = applicable_limits(rules, findings(rules, request).band)
        for limit in limits:
            assert routine.total_seconds <= limit.max_total_seconds
            assert max(counts.values(), default=0) <= limit.max_repeats
        if request.minutes_available is not None:
            assert routine.total_seconds <= request.minutes_available * 60
        assert routine.total_seconds == sum(step.total_seconds for step in routine.steps)
        assert set(counts) <= {s.slug for s in answer.stretches}
        assert not {a.slug for a in answer.avoid} & offered(answer)
        if answer.activities_note:
            assert all(x.level in {"gentle", "beginner"} for x in answer.stretches)
            assert all(x.level in {"gentle", "beginner"} for x in answer.exercises)
        not_recommended = {r.slug for r in rules.remedies if r.not_recommended}
        assert not not_recommended & {step.slug for step in answer.recovery}

    check()


def test_the_same_request_always_gets_the_same_answer(rules: Rules) -> None:
    @PROPERTY
    @given(request=requests(rules), data=st.data())
    def check(request: Request, data: st.DataObject) -> None:
        shuffled = Request(
            **{
                **request.__dict__,
                "symptoms": tuple(data.draw(st.permutations(request.symptoms))),
                "conditions": tuple(data.draw(st.permutations(request.conditions))),
                "risk_factors": tuple(data.draw(st.permutations(request.risk_factors))),
            }
        )
        first = recommend(rules, request)
        assert recommend(rules, request) == first
        assert recommend(rules, shuffled) == first

    check()
