"""The recommendation as a pure function: a snapshot of the rules in, an answer out.

Every rule is data in the snapshot (symptom urgencies and onset thresholds, symptom-to-cause
weights, what helps with a cause, contraindications, remedy time windows, routine times), so
editors change the advice by changing content, and the same input always gives the same answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

LEVELS = ("self_care", "see_professional", "emergency")
ACTIONS = {
    "emergency": (
        "Seek emergency care now (call your local emergency number or go to an emergency "
        "department). Do not stretch or exercise until you have been seen."
    ),
    "see_professional": (
        "Book an appointment with a doctor or physical therapist soon. Until then, keep to "
        "gentle self-care and stop anything that makes the pain worse."
    ),
    "self_care": (
        "This sounds manageable with self-care. Stop any stretch that hurts, and see a "
        "professional if the pain lasts more than a few days or new symptoms appear."
    ),
}
DISCLAIMER = (
    "General information, not medical advice: it cannot diagnose you or replace a qualified "
    "professional. If you are worried, or your symptoms change, seek medical help."
)
# Gentler first when two activities are equally relevant.
GENTLENESS = {
    "gentle": 0,
    "beginner": 0,
    "moderate": 1,
    "intermediate": 1,
    "deep": 2,
    "advanced": 2,
}
MAX_CAUSES = 5
# A screen shows a handful; the routine is built from these.
MAX_SUGGESTIONS = 10
MAX_RECOVERY_STEPS = 12


@dataclass(frozen=True)
class SymptomRule:
    slug: str
    name: str
    red_flag: bool
    urgency: str
    implied_after_hours: int | None
    causes: tuple[tuple[str, float], ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class CauseInfo:
    slug: str
    name: str
    needs_professional: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Activity:
    """A stretch or an exercise, with what it helps and when it must be avoided."""

    kind: str  # "stretch" | "exercise"
    slug: str
    name: str
    level: str  # intensity of a stretch, difficulty of an exercise
    helps_with: tuple[str, ...]
    contraindications: tuple[tuple[str, str], ...]  # (cause slug, reason)
    seconds: int | None  # one round in a routine, per side when per_side (stretches)
    per_side: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RemedyInfo:
    slug: str
    name: str
    kind: str
    timing: str
    start_hour: int | None
    end_hour: int | None
    duration_minutes_min: int | None
    duration_minutes_max: int | None
    frequency: str | None
    recovery_order: int
    helps_with: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    """Everything the engine decides with, as plain data."""

    symptoms: Mapping[str, SymptomRule]
    causes: Mapping[str, CauseInfo]
    stretches: tuple[Activity, ...]
    exercises: tuple[Activity, ...]
    remedies: tuple[RemedyInfo, ...]

    @cached_property
    def version(self) -> str:
        """Changes whenever any rule changes; names and wording do not count."""
        return rules_version(self)


@dataclass(frozen=True)
class Request:
    symptoms: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    hours_since_onset: float | None = None
    pain_level: int | None = None
    minutes_available: int | None = None


@dataclass
class Answer:
    triage: dict[str, Any]
    likely_causes: list[dict[str, Any]]
    stretches: list[dict[str, Any]]
    exercises: list[dict[str, Any]]
    avoid: list[dict[str, Any]]
    recovery: list[dict[str, Any]]
    routine: dict[str, Any]
    rules_version: str
    disclaimer: str = DISCLAIMER
    inputs: dict[str, Any] = field(default_factory=dict)


def rules_version(rules: Rules) -> str:
    """A hash of what the engine decides with; names, wording and sources do not count."""
    digest = hashlib.sha256()
    for s in sorted(rules.symptoms.values(), key=lambda s: s.slug):
        digest.update(
            repr((s.slug, s.red_flag, s.urgency, s.implied_after_hours, s.causes)).encode()
        )
    for c in sorted(rules.causes.values(), key=lambda c: c.slug):
        digest.update(repr((c.slug, c.needs_professional)).encode())
    for a in (*rules.stretches, *rules.exercises):
        reasons_left_out = tuple(sorted(cause for cause, _reason in a.contraindications))
        digest.update(
            repr(
                (a.kind, a.slug, a.level, a.helps_with, reasons_left_out, a.seconds, a.per_side)
            ).encode()
        )
    for r in rules.remedies:
        digest.update(
            repr(
                (
                    r.slug,
                    r.kind,
                    r.start_hour,
                    r.end_hour,
                    r.duration_minutes_min,
                    r.duration_minutes_max,
                    r.recovery_order,
                    r.helps_with,
                )
            ).encode()
        )
    return digest.hexdigest()[:16]


def present_symptoms(rules: Rules, request: Request) -> list[str]:
    """The reported symptoms plus those implied by the time since onset, in a stable order."""
    present = dict.fromkeys(request.symptoms)
    if request.hours_since_onset is not None:
        for rule in sorted(rules.symptoms.values(), key=lambda r: r.slug):
            threshold = rule.implied_after_hours
            if threshold is not None and request.hours_since_onset > threshold:
                present.setdefault(rule.slug)
    return list(present)


def triage(rules: Rules, request: Request, present: Iterable[str]) -> dict[str, Any]:
    """The most urgent level any present symptom calls for, and every input that raised it."""
    reasons: list[dict[str, Any]] = []
    level = "self_care"
    for slug in present:
        rule = rules.symptoms[slug]
        if rule.urgency == "self_care" and not rule.red_flag:
            continue
        implied = slug not in request.symptoms
        reasons.append(
            {
                "input": "hours_since_onset" if implied else "symptoms",
                "symptom": slug,
                "level": rule.urgency,
                "text": (
                    f"{rule.name}: {request.hours_since_onset:g} hours since onset is more than "
                    f"{rule.implied_after_hours}."
                    if implied
                    else f"{rule.name} is a warning sign."
                ),
                "sources": list(rule.sources),
            }
        )
        if LEVELS.index(rule.urgency) > LEVELS.index(level):
            level = rule.urgency
    reasons.sort(key=lambda r: (-LEVELS.index(r["level"]), r["symptom"]))
    return {"level": level, "reasons": reasons, "action": ACTIONS[level]}


def likely_causes(rules: Rules, request: Request, present: Iterable[str]) -> list[dict[str, Any]]:
    scores: dict[str, float] = {}
    because: dict[str, list[str]] = {}
    for slug in present:
        for cause, weight in rules.symptoms[slug].causes:
            if cause not in rules.causes:
                continue
            scores[cause] = scores.get(cause, 0.0) + weight
            because.setdefault(cause, []).append(slug)
    # A condition the person already knows they have counts fully, on top of its symptoms.
    for condition in request.conditions:
        scores[condition] = scores.get(condition, 0.0) + 1.0
        because.setdefault(condition, [])
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [
        {
            "slug": slug,
            "name": rules.causes[slug].name,
            "score": round(score, 3),
            "because": sorted(because[slug]),
            "known_condition": slug in request.conditions,
            "needs_professional": rules.causes[slug].needs_professional,
            "sources": list(rules.causes[slug].sources),
        }
        for slug, score in ranked[: max(MAX_CAUSES, len(request.conditions))]
        if score > 0
    ]


def _avoid(
    activities: Iterable[Activity], against: Mapping[str, str]
) -> tuple[list[dict[str, Any]], set[str]]:
    """Activities contraindicated by any of `against` (cause slug -> name)."""
    avoid: list[dict[str, Any]] = []
    blocked: set[str] = set()
    for activity in activities:
        for cause, reason in activity.contraindications:
            if cause in against:
                avoid.append(
                    {
                        "slug": activity.slug,
                        "name": activity.name,
                        "kind": activity.kind,
                        "cause": cause,
                        "reason": f"{against[cause]}: {reason}",
                        "sources": list(activity.sources),
                    }
                )
                blocked.add(activity.slug)
    return avoid, blocked


def _suggest(
    activities: Iterable[Activity],
    scores: Mapping[str, float],
    names: Mapping[str, str],
    blocked: set[str],
) -> list[dict[str, Any]]:
    """Activities that help with the likely causes and are not contraindicated, best first.

    With no likely cause (no symptoms given), every activity that is not contraindicated.
    """
    picks: list[tuple[float, int, str, dict[str, Any]]] = []
    for activity in activities:
        if activity.slug in blocked:
            continue
        helped = [c for c in activity.helps_with if c in scores]
        if scores and not helped:
            continue
        relevance = sum(scores[c] for c in helped)
        why = (
            "Helps with " + ", ".join(names[c] for c in helped) + "."
            if helped
            else "A general option for a sore back: go gently and stop if it hurts."
        )
        picks.append(
            (
                -relevance,
                GENTLENESS.get(activity.level, len(GENTLENESS)),
                activity.slug,
                {
                    "slug": activity.slug,
                    "name": activity.name,
                    "level": activity.level,
                    "why": why,
                    "helps_with": helped,
                    "seconds": activity.seconds,
                    "per_side": activity.per_side,
                    "sources": list(activity.sources),
                },
            )
        )
    picks.sort(key=lambda pick: pick[:3])
    return [pick[3] for pick in picks[:MAX_SUGGESTIONS]]


def recovery(rules: Rules, request: Request, scores: Mapping[str, float]) -> list[dict[str, Any]]:
    """Remedies in their order of use; with a known onset, those whose time has passed drop out."""
    hours = request.hours_since_onset
    steps = []
    for remedy in sorted(rules.remedies, key=lambda r: (r.recovery_order, r.slug)):
        helped = [c for c in remedy.helps_with if c in scores]
        if scores and not helped:
            continue
        if hours is not None and remedy.end_hour is not None and hours >= remedy.end_hour:
            continue
        now = None
        if hours is not None:
            now = remedy.start_hour is None or remedy.start_hour <= hours
        steps.append(
            {
                "slug": remedy.slug,
                "name": remedy.name,
                "kind": remedy.kind,
                "timing": remedy.timing,
                "start_hour": remedy.start_hour,
                "end_hour": remedy.end_hour,
                "duration_minutes_min": remedy.duration_minutes_min,
                "duration_minutes_max": remedy.duration_minutes_max,
                "frequency": remedy.frequency,
                "now": now,
                "helps_with": helped,
                "sources": list(remedy.sources),
            }
        )
    # With a known onset, what applies now comes before what comes later.
    steps.sort(key=lambda step: step["now"] is False)
    return steps[:MAX_RECOVERY_STEPS]


def _step_seconds(step: Mapping[str, Any]) -> int:
    return int(step["seconds"]) * (2 if step["per_side"] else 1)


def build_routine(stretches: list[dict[str, Any]], minutes: int | None) -> dict[str, Any]:
    """Rounds of the suggested stretches that fill the time without going over it.

    As many full rounds as fit, then the subset of stretches that fills the rest best
    (earlier, more relevant stretches win ties). Without a time limit: one round.
    """
    if not stretches:
        return {"steps": [], "total_seconds": 0, "rounds": 0}
    costs = [_step_seconds(s) for s in stretches]
    if minutes is None:
        chosen = [list(range(len(stretches)))]
    else:
        budget = minutes * 60
        full_rounds = budget // sum(costs)
        chosen = [list(range(len(stretches)))] * full_rounds
        chosen.append(_best_fill(costs, budget - full_rounds * sum(costs)))
    steps = [
        {
            "slug": stretches[i]["slug"],
            "name": stretches[i]["name"],
            "seconds": stretches[i]["seconds"],
            "per_side": stretches[i]["per_side"],
            "round": number,
        }
        for number, indexes in enumerate(chosen, start=1)
        for i in indexes
    ]
    rounds = len([r for r in chosen if r])
    return {"steps": steps, "total_seconds": sum(_step_seconds(s) for s in steps), "rounds": rounds}


def _best_fill(costs: list[int], budget: int) -> list[int]:
    """Indexes of the subset with the largest total not above `budget` (0/1 knapsack)."""
    best: dict[int, tuple[int, ...]] = {0: ()}
    for index, cost in enumerate(costs):
        for total, items in sorted(best.items(), reverse=True):
            new_total = total + cost
            if new_total <= budget and new_total not in best:
                best[new_total] = (*items, index)
    return list(best[max(best)])


def recommend(rules: Rules, request: Request) -> Answer:
    """Triage first; at an emergency nothing but the triage is offered."""
    present = present_symptoms(rules, request)
    decided = triage(rules, request, present)
    causes = likely_causes(rules, request, present)
    scores = {c["slug"]: c["score"] for c in causes}
    names = {slug: info.name for slug, info in rules.causes.items()}
    against = {slug: names[slug] for slug in scores}
    avoid_stretches, blocked_stretches = _avoid(rules.stretches, against)
    avoid_exercises, blocked_exercises = _avoid(rules.exercises, against)
    answer = Answer(
        triage=decided,
        likely_causes=causes,
        stretches=[],
        exercises=[],
        avoid=avoid_stretches + avoid_exercises,
        recovery=[],
        routine={"steps": [], "total_seconds": 0, "rounds": 0},
        rules_version=rules.version,
        inputs={"symptoms": present, "conditions": list(request.conditions)},
    )
    if decided["level"] == "emergency":
        return answer
    answer.stretches = _suggest(rules.stretches, scores, names, blocked_stretches)
    answer.exercises = _suggest(rules.exercises, scores, names, blocked_exercises)
    answer.recovery = recovery(rules, request, scores)
    answer.routine = build_routine(answer.stretches, request.minutes_available)
    return answer
