"""The recommendation as a pure function: a snapshot of the rules in, a typed answer out.

Every rule is data in the snapshot (what each symptom, risk factor and pain band calls for,
the time, trend and age that imply them, symptom-to-cause weights, what helps with a cause,
contraindications, remedy windows and evidence flags, routine limits), so editors change the
advice by changing content, and the same input always gives the same answer.

The safety rules the engine holds, whatever the content says:
- the level is the most urgent one any input calls for, and every input that raised it is
  named with its sources;
- at `urgent` and `emergency` the answer is what to do and how soon: no stretch, exercise,
  routine, recovery step or likely cause;
- an activity contraindicated by a stated condition, or by any cause that any present symptom
  or risk factor points to (any weight above zero), is never suggested and is listed in
  `avoid`; more inputs only ever add to that list and never lower the level;
- what the evidence advises against is never recommended;
- a routine never repeats a stretch more than three times and keeps to every routine limit
  that applies;
- below `emergency`, the safety net lists the signs that would call for more urgent help.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal


class Level(enum.StrEnum):
    """The four steps of public triage, from the least to the most urgent."""

    SELF_CARE = "self_care"
    SEE_PROFESSIONAL = "see_professional"
    URGENT = "urgent"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return LEVELS.index(self)


LEVELS: tuple[Level, ...] = tuple(Level)
# At these levels the person needs care today: the answer offers no activity of any kind.
SEEK_CARE = frozenset({Level.URGENT, Level.EMERGENCY})

ACTIONS: Mapping[Level, str] = {
    Level.EMERGENCY: (
        "Call 999 or go to A&E now (outside the UK, your local emergency number). Do not "
        "stretch or exercise, and do not wait to see if it passes."
    ),
    Level.URGENT: (
        "Get seen today: ask your GP surgery for an urgent appointment, or call 111 (outside "
        "England, your local urgent care line). Do not stretch or exercise until you have "
        "been seen."
    ),
    Level.SEE_PROFESSIONAL: (
        "Book an appointment with a GP or physiotherapist; it is not urgent. Until then, keep "
        "gently active and stop anything that makes the pain worse."
    ),
    Level.SELF_CARE: (
        "You can look after this at home: keep moving, ease into gentle stretches, use cold "
        "then heat, and stop any stretch that hurts. See a GP or physiotherapist if it is not "
        "getting better or new signs appear."
    ),
}
HOW_SOON: Mapping[Level, str] = {
    Level.EMERGENCY: "now",
    Level.URGENT: "today",
    Level.SEE_PROFESSIONAL: "soon",
    Level.SELF_CARE: "at home",
}
# What the safety net tells the person to do if a sign appears.
SAFETY_ACTIONS: Mapping[Level, str] = {
    Level.EMERGENCY: "Call 999 or go to A&E now.",
    Level.URGENT: "Get seen today: an urgent GP appointment, or call 111.",
    Level.SEE_PROFESSIONAL: "Book an appointment with a GP or physiotherapist.",
    Level.SELF_CARE: "Look after it at home.",
}
TREND_WORDS: Mapping[str, str] = {
    "better": "getting better",
    "same": "staying the same",
    "worse": "getting worse",
}
DISCLAIMER = (
    "General information, not medical advice: it cannot diagnose you or replace a qualified "
    "professional. If you are worried, or your symptoms change, seek medical help."
)
# Gentler first when two activities are equally relevant; level 0 is what "gentle only" allows.
GENTLENESS: Mapping[str, int] = {
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
# The contract: no stretch appears more than three times in a routine, whatever the limits
# (the routine's note says "three times": change both together).
MAX_REPEATS = 3
# What a request may say: the request schema validates these, the questionnaire shows them.
MAX_HOURS_SINCE_ONSET = 24 * 365 * 10
MAX_AGE = 120
MAX_MINUTES_AVAILABLE = 120

InputName = Literal["symptoms", "risk_factors", "age", "pain_level", "trend", "hours_since_onset"]
ItemCollection = Literal["symptoms", "risk-factors", "pain-bands"]


# --- the rules, as plain data ---------------------------------------------------------------


@dataclass(frozen=True)
class SymptomRule:
    slug: str
    name: str
    urgency: Level
    reason: str = ""
    red_flag: bool = False
    implied_after_hours: int | None = None
    implied_by_trend: str | None = None
    causes: tuple[tuple[str, float], ...] = ()
    sources: tuple[str, ...] = ()
    question: str | None = None
    # Questionnaire order: (group rank, display order).
    order: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class RiskFactorRule:
    slug: str
    name: str
    urgency: Level
    reason: str = ""
    gentle_only: bool = False
    age_under: int | None = None
    age_over: int | None = None
    causes: tuple[tuple[str, float], ...] = ()
    sources: tuple[str, ...] = ()

    def applies_at(self, age: int) -> bool:
        return (self.age_under is not None and age < self.age_under) or (
            self.age_over is not None and age > self.age_over
        )


@dataclass(frozen=True)
class PainBandRule:
    slug: str
    name: str
    reason: str
    min_level: int
    max_level: int
    urgency: Level
    gentle_only: bool = False
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoutineLimitRule:
    slug: str
    name: str
    description: str
    max_total_seconds: int
    max_repeats: int
    pain_bands: tuple[str, ...] = ()  # empty: always applies
    sources: tuple[str, ...] = ()


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

    @property
    def gentle(self) -> bool:
        return GENTLENESS.get(self.level, len(GENTLENESS)) == 0


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
    not_recommended: bool = False
    only_with_exercise: bool = False
    leads_advice: bool = False
    evidence_note: str | None = None


@dataclass(frozen=True)
class Rules:
    """Everything the engine decides with, as plain data."""

    symptoms: Mapping[str, SymptomRule]
    causes: Mapping[str, CauseInfo]
    stretches: tuple[Activity, ...]
    exercises: tuple[Activity, ...]
    remedies: tuple[RemedyInfo, ...]
    risk_factors: Mapping[str, RiskFactorRule] = field(default_factory=dict)
    pain_bands: tuple[PainBandRule, ...] = ()
    routine_limits: tuple[RoutineLimitRule, ...] = ()

    @cached_property
    def version(self) -> str:
        """Changes whenever any rule changes; names and wording do not count."""
        return rules_version(self)


@dataclass(frozen=True)
class Request:
    symptoms: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    risk_factors: tuple[str, ...] = ()
    hours_since_onset: float | None = None
    pain_level: int | None = None
    minutes_available: int | None = None
    age: int | None = None
    trend: str | None = None


# --- the answer ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TriageReason:
    """An input that raised the level, the item it made present, and why that matters."""

    input: InputName
    collection: ItemCollection
    slug: str
    name: str
    level: Level
    text: str
    sources: tuple[str, ...]

    @property
    def symptom(self) -> str | None:
        return self.slug if self.collection == "symptoms" else None


@dataclass(frozen=True)
class Triage:
    level: Level
    how_soon: str
    action: str
    reasons: tuple[TriageReason, ...]


@dataclass(frozen=True)
class LikelyCause:
    slug: str
    name: str
    score: float
    because: tuple[str, ...]
    known_condition: bool
    needs_professional: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    slug: str
    name: str
    level: str
    why: str
    helps_with: tuple[str, ...]
    seconds: int | None
    per_side: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Avoidance:
    slug: str
    name: str
    kind: str
    cause: str
    reason: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RecoveryStep:
    slug: str
    name: str
    kind: str
    timing: str
    start_hour: int | None
    end_hour: int | None
    duration_minutes_min: int | None
    duration_minutes_max: int | None
    frequency: str | None
    now: bool | None
    helps_with: tuple[str, ...]
    note: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RoutineStep:
    slug: str
    name: str
    seconds: int
    per_side: bool
    round: int

    @property
    def total_seconds(self) -> int:
        return self.seconds * (2 if self.per_side else 1)


@dataclass(frozen=True)
class Routine:
    steps: tuple[RoutineStep, ...] = ()
    total_seconds: int = 0
    rounds: int = 0
    max_seconds: int | None = None  # the ceiling the routine limits set
    limit: str | None = None  # the routine limit that made it shorter than the time available
    note: str | None = None


@dataclass(frozen=True)
class SafetyNetSign:
    slug: str
    name: str
    question: str | None
    level: Level
    action: str
    reason: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    triage: Triage
    likely_causes: tuple[LikelyCause, ...]
    stretches: tuple[Suggestion, ...]
    exercises: tuple[Suggestion, ...]
    avoid: tuple[Avoidance, ...]
    recovery: tuple[RecoveryStep, ...]
    routine: Routine
    safety_net: tuple[SafetyNetSign, ...]
    activities_note: str | None
    rules_version: str
    disclaimer: str = DISCLAIMER


# --- the version of the rules ----------------------------------------------------------------


def rules_version(rules: Rules) -> str:
    """A hash of what the engine decides with; names, wording and sources do not count."""
    digest = hashlib.sha256()

    def add(*values: object) -> None:
        digest.update(repr(values).encode())

    for s in sorted(rules.symptoms.values(), key=lambda s: s.slug):
        add(s.slug, s.red_flag, s.urgency, s.implied_after_hours, s.implied_by_trend, s.causes)
    for f in sorted(rules.risk_factors.values(), key=lambda f: f.slug):
        add(f.slug, f.urgency, f.gentle_only, f.age_under, f.age_over, f.causes)
    for b in sorted(rules.pain_bands, key=lambda b: b.slug):
        add(b.slug, b.min_level, b.max_level, b.urgency, b.gentle_only)
    for limit in sorted(rules.routine_limits, key=lambda limit: limit.slug):
        add(limit.slug, limit.max_total_seconds, limit.max_repeats, limit.pain_bands)
    for c in sorted(rules.causes.values(), key=lambda c: c.slug):
        add(c.slug, c.needs_professional)
    for a in (*rules.stretches, *rules.exercises):
        reasons_left_out = tuple(sorted(cause for cause, _reason in a.contraindications))
        add(a.kind, a.slug, a.level, a.helps_with, reasons_left_out, a.seconds, a.per_side)
    for r in rules.remedies:
        add(
            r.slug,
            r.kind,
            r.start_hour,
            r.end_hour,
            r.duration_minutes_min,
            r.duration_minutes_max,
            r.recovery_order,
            r.helps_with,
            r.not_recommended,
            r.only_with_exercise,
            r.leads_advice,
        )
    return digest.hexdigest()[:16]


# --- what is present -------------------------------------------------------------------------


@dataclass(frozen=True)
class Findings:
    """What the request makes present, each with the input that made it so."""

    symptoms: Mapping[str, InputName]
    risk_factors: Mapping[str, InputName]
    band: PainBandRule | None


def pain_band(rules: Rules, pain_level: int | None) -> PainBandRule | None:
    """The band a pain level falls in; where editors' bands overlap, the more urgent wins."""
    if pain_level is None:
        return None
    matching = [b for b in rules.pain_bands if b.min_level <= pain_level <= b.max_level]
    if not matching:
        return None
    return max(matching, key=lambda b: (b.urgency.rank, b.gentle_only, b.slug))


def findings(rules: Rules, request: Request) -> Findings:
    """Reported symptoms and risk factors, plus those implied by time, trend and age."""
    # Sorted, so that the order the person listed things in never changes a sum or a tie.
    symptoms: dict[str, InputName] = dict.fromkeys(sorted(request.symptoms), "symptoms")
    ordered = sorted(rules.symptoms.values(), key=lambda r: r.slug)
    if request.hours_since_onset is not None:
        for rule in ordered:
            threshold = rule.implied_after_hours
            if threshold is not None and request.hours_since_onset > threshold:
                symptoms.setdefault(rule.slug, "hours_since_onset")
    if request.trend is not None:
        for rule in ordered:
            if rule.implied_by_trend == request.trend:
                symptoms.setdefault(rule.slug, "trend")
    risk: dict[str, InputName] = dict.fromkeys(sorted(request.risk_factors), "risk_factors")
    if request.age is not None:
        for factor in sorted(rules.risk_factors.values(), key=lambda f: f.slug):
            if factor.applies_at(request.age):
                risk.setdefault(factor.slug, "age")
    return Findings(symptoms, risk, pain_band(rules, request.pain_level))


# --- triage ----------------------------------------------------------------------------------


def _symptom_text(rule: SymptomRule, how: InputName, request: Request) -> str:
    why = f" {rule.reason}" if rule.reason else ""
    if how == "hours_since_onset":
        return (
            f"{rule.name}: {request.hours_since_onset:g} hours since the pain started is more "
            f"than {rule.implied_after_hours}.{why}"
        )
    if how == "trend":
        return f"{rule.name}: you said the pain is {TREND_WORDS[str(request.trend)]}.{why}"
    return f"{rule.name}.{why}"


def _reasons(rules: Rules, request: Request, found: Findings) -> list[TriageReason]:
    reasons: list[TriageReason] = []
    for slug, how in found.symptoms.items():
        rule = rules.symptoms[slug]
        if rule.urgency is not Level.SELF_CARE:
            text = _symptom_text(rule, how, request)
            reasons.append(
                TriageReason(how, "symptoms", slug, rule.name, rule.urgency, text, rule.sources)
            )
    for slug, how in found.risk_factors.items():
        factor = rules.risk_factors[slug]
        if factor.urgency is not Level.SELF_CARE:
            at = f" (you are {request.age})" if how == "age" else ""
            text = f"{factor.name}{at}: {factor.reason}"
            reasons.append(
                TriageReason(
                    how, "risk-factors", slug, factor.name, factor.urgency, text, factor.sources
                )
            )
    band = found.band
    if band is not None and band.urgency is not Level.SELF_CARE:
        text = f"Pain at {request.pain_level} out of 10 is {band.name.lower()}: {band.reason}"
        reasons.append(
            TriageReason(
                "pain_level", "pain-bands", band.slug, band.name, band.urgency, text, band.sources
            )
        )
    reasons.sort(key=lambda r: (-r.level.rank, r.collection, r.slug))
    return reasons


def triage(rules: Rules, request: Request, found: Findings) -> Triage:
    """The most urgent level any input calls for, and every input that raised it."""
    reasons = _reasons(rules, request, found)
    level = max((r.level for r in reasons), key=lambda lv: lv.rank, default=Level.SELF_CARE)
    return Triage(level, HOW_SOON[level], ACTIONS[level], tuple(reasons))


def safety_net(rules: Rules, level: Level, found: Findings) -> tuple[SafetyNetSign, ...]:
    """Signs that would call for more urgent help than this answer gives, most urgent first."""
    if level is Level.EMERGENCY:
        return ()
    signs = sorted(
        (
            s
            for s in rules.symptoms.values()
            if s.urgency.rank > level.rank and s.slug not in found.symptoms
        ),
        key=lambda s: (-s.urgency.rank, s.order, s.slug),
    )
    return tuple(
        SafetyNetSign(
            s.slug, s.name, s.question, s.urgency, SAFETY_ACTIONS[s.urgency], s.reason, s.sources
        )
        for s in signs
    )


# --- causes and protections ------------------------------------------------------------------


def _links(rules: Rules, found: Findings) -> list[tuple[str, str, float]]:
    """(input slug, cause, weight) of every present symptom and risk factor, to published causes."""
    links = [
        (slug, cause, weight)
        for slug in found.symptoms
        for cause, weight in rules.symptoms[slug].causes
        if cause in rules.causes
    ]
    links += [
        (slug, cause, weight)
        for slug in found.risk_factors
        for cause, weight in rules.risk_factors[slug].causes
        if cause in rules.causes
    ]
    return links


def likely_causes(rules: Rules, request: Request, found: Findings) -> tuple[LikelyCause, ...]:
    scores: dict[str, float] = {}
    because: dict[str, set[str]] = {}
    for slug, cause, weight in _links(rules, found):
        scores[cause] = scores.get(cause, 0.0) + weight
        because.setdefault(cause, set()).add(slug)
    # A condition the person already knows they have counts fully, on top of its symptoms.
    for condition in request.conditions:
        scores[condition] = scores.get(condition, 0.0) + 1.0
        because.setdefault(condition, set())
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        LikelyCause(
            slug=slug,
            name=rules.causes[slug].name,
            score=round(score, 3),
            because=tuple(sorted(because[slug])),
            known_condition=slug in request.conditions,
            needs_professional=rules.causes[slug].needs_professional,
            sources=rules.causes[slug].sources,
        )
        for slug, score in ranked[: max(MAX_CAUSES, len(request.conditions))]
        if score > 0
    )


def protected_against(rules: Rules, request: Request, found: Findings) -> dict[str, str]:
    """Every cause whose contraindications hold: stated conditions, and every cause any present
    symptom or risk factor points to with a weight above zero (not only the likeliest)."""
    against = {c for c in request.conditions if c in rules.causes}
    against |= {cause for _slug, cause, weight in _links(rules, found) if weight > 0}
    return {slug: rules.causes[slug].name for slug in sorted(against)}


def _avoid(
    activities: Iterable[Activity], against: Mapping[str, str]
) -> tuple[list[Avoidance], set[str]]:
    """Activities contraindicated by any of `against` (cause slug -> name)."""
    avoid: list[Avoidance] = []
    blocked: set[str] = set()
    for activity in activities:
        for cause, reason in activity.contraindications:
            if cause in against:
                avoid.append(
                    Avoidance(
                        slug=activity.slug,
                        name=activity.name,
                        kind=activity.kind,
                        cause=cause,
                        reason=f"{against[cause]}: {reason}",
                        sources=activity.sources,
                    )
                )
                blocked.add(activity.slug)
    return avoid, blocked


def _suggest(
    activities: Iterable[Activity],
    scores: Mapping[str, float],
    names: Mapping[str, str],
    blocked: set[str],
    gentle_only: bool,
) -> tuple[Suggestion, ...]:
    """Activities that help with the likely causes and are not contraindicated, best first.

    With no likely cause (no symptoms given), every activity that is not contraindicated.
    """
    picks: list[tuple[float, int, str, Suggestion]] = []
    for activity in activities:
        if activity.slug in blocked or (gentle_only and not activity.gentle):
            continue
        helped = tuple(c for c in activity.helps_with if c in scores)
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
                Suggestion(
                    slug=activity.slug,
                    name=activity.name,
                    level=activity.level,
                    why=why,
                    helps_with=helped,
                    seconds=activity.seconds,
                    per_side=activity.per_side,
                    sources=activity.sources,
                ),
            )
        )
    picks.sort(key=lambda pick: pick[:3])
    return tuple(pick[3] for pick in picks[:MAX_SUGGESTIONS])


# --- recovery --------------------------------------------------------------------------------


def recovery(
    rules: Rules, request: Request, scores: Mapping[str, float], with_exercise: bool
) -> tuple[RecoveryStep, ...]:
    """Remedies in their order of use; with a known onset, those whose time has passed drop out.

    What the evidence advises against never appears; manual therapy only alongside exercise;
    keep-active advice comes first.
    """
    hours = request.hours_since_onset
    steps: list[tuple[bool, bool, RecoveryStep]] = []
    for remedy in sorted(rules.remedies, key=lambda r: (r.recovery_order, r.slug)):
        if remedy.not_recommended or (remedy.only_with_exercise and not with_exercise):
            continue
        helped = tuple(c for c in remedy.helps_with if c in scores)
        if scores and not helped and not remedy.leads_advice:
            continue
        if hours is not None and remedy.end_hour is not None and hours >= remedy.end_hour:
            continue
        now = None
        if hours is not None:
            # A remedy with no start hour (a professional's massage...) is not for right now.
            now = remedy.start_hour is not None and remedy.start_hour <= hours
        note = remedy.evidence_note
        if remedy.only_with_exercise:
            alongside = "Only alongside the exercises above, not instead of them."
            note = f"{note} {alongside}" if note else alongside
        step = RecoveryStep(
            slug=remedy.slug,
            name=remedy.name,
            kind=remedy.kind,
            timing=remedy.timing,
            start_hour=remedy.start_hour,
            end_hour=remedy.end_hour,
            duration_minutes_min=remedy.duration_minutes_min,
            duration_minutes_max=remedy.duration_minutes_max,
            frequency=remedy.frequency,
            now=now,
            helps_with=helped,
            note=note,
            sources=remedy.sources,
        )
        steps.append((not remedy.leads_advice, now is False, step))
    # Keep-active advice first; with a known onset, what applies now before what comes later.
    steps.sort(key=lambda item: item[:2])
    return tuple(item[2] for item in steps[:MAX_RECOVERY_STEPS])


# --- the routine -----------------------------------------------------------------------------


def applicable_limits(rules: Rules, band: PainBandRule | None) -> list[RoutineLimitRule]:
    """Limits that always apply, and those confined to the band the pain level falls in."""
    return [
        limit
        for limit in rules.routine_limits
        if not limit.pain_bands or (band is not None and band.slug in limit.pain_bands)
    ]


def _step_seconds(stretch: Suggestion) -> int:
    return int(stretch.seconds or 0) * (2 if stretch.per_side else 1)


def _rounds(costs: list[int], budget: int | None, repeats: int) -> list[list[int]]:
    """Indexes of the stretches in each round: full rounds while they fit (at most `repeats`),
    then the subset that fills the rest best. Without a budget: one round."""
    if budget is None:
        return [list(range(len(costs)))]
    round_cost = sum(costs)
    full = min(budget // round_cost, repeats) if round_cost else 0
    chosen = [list(range(len(costs)))] * full
    if full < repeats:
        chosen.append(_best_fill(costs, budget - full * round_cost))
    return [indexes for indexes in chosen if indexes]


def _total(costs: list[int], rounds: list[list[int]]) -> int:
    return sum(costs[i] for indexes in rounds for i in indexes)


def build_routine(
    stretches: Sequence[Suggestion],
    minutes: int | None,
    limits: Sequence[RoutineLimitRule] = (),
) -> Routine:
    """Rounds of the suggested stretches within the time available and every limit that applies.

    No stretch appears more than three times (or a limit's `max_repeats`), and the total never
    goes over the strictest limit's `max_total_seconds`. When a limit makes the routine shorter
    than the time would allow, `note` says why. Without a time limit: one round, within limits.
    """
    playable = [s for s in stretches if s.seconds]
    ceiling = min(limits, key=lambda lim: (lim.max_total_seconds, lim.slug), default=None)
    fewest = min(limits, key=lambda lim: (lim.max_repeats, lim.slug), default=None)
    max_seconds = ceiling.max_total_seconds if ceiling else None
    repeats = min(MAX_REPEATS, fewest.max_repeats if fewest else MAX_REPEATS)
    if not playable:
        return Routine(max_seconds=max_seconds)
    costs = [_step_seconds(s) for s in playable]
    time = minutes * 60 if minutes is not None else None
    budgets = [b for b in (time, max_seconds) if b is not None]
    chosen = _rounds(costs, min(budgets) if budgets else None, repeats)
    steps = tuple(
        RoutineStep(s.slug, s.name, int(s.seconds or 0), s.per_side, number)
        for number, indexes in enumerate(chosen, start=1)
        for s in (playable[i] for i in indexes)
    )
    total = _total(costs, chosen)

    # What the time alone would have allowed: more than that means a limit cut it short.
    unlimited = _total(costs, _rounds(costs, time, 10**6))
    limit, note = None, None
    if total < unlimited:
        by_time = _total(costs, _rounds(costs, time, repeats))
        if ceiling is not None and total < by_time:
            limit = ceiling
        elif fewest is not None and fewest.max_repeats < MAX_REPEATS:
            limit = fewest
        if limit is not None:
            note = f"{limit.name}: {limit.description}"
        else:
            note = (
                "No stretch is repeated more than three times: stretching more, or harder, "
                "can make a sore back stiffer and more painful."
            )
    return Routine(
        steps=steps,
        total_seconds=total,
        rounds=len(chosen),
        max_seconds=max_seconds,
        limit=limit.slug if limit else None,
        note=note,
    )


def _best_fill(costs: list[int], budget: int) -> list[int]:
    """Indexes of the subset with the largest total not above `budget` (0/1 knapsack)."""
    best: dict[int, tuple[int, ...]] = {0: ()}
    for index, cost in enumerate(costs):
        for total, items in sorted(best.items(), reverse=True):
            new_total = total + cost
            if new_total <= budget and new_total not in best:
                best[new_total] = (*items, index)
    return list(best[max(best)])


# --- the whole answer ------------------------------------------------------------------------


def _gentle_reasons(rules: Rules, found: Findings) -> list[str]:
    """What calls for gentle activities only: a pain band, risk factors."""
    reasons = [f"{found.band.name} pain"] if found.band and found.band.gentle_only else []
    reasons += [
        rules.risk_factors[slug].name
        for slug in sorted(found.risk_factors)
        if rules.risk_factors[slug].gentle_only
    ]
    return reasons


def recommend(rules: Rules, request: Request) -> Answer:
    """Triage first; at `urgent` and `emergency` nothing but what to do and how soon."""
    found = findings(rules, request)
    decided = triage(rules, request, found)
    names = {slug: info.name for slug, info in rules.causes.items()}
    against = protected_against(rules, request, found)
    avoid_stretches, blocked_stretches = _avoid(rules.stretches, against)
    avoid_exercises, blocked_exercises = _avoid(rules.exercises, against)
    avoid = tuple(avoid_stretches + avoid_exercises)
    net = safety_net(rules, decided.level, found)
    limits = applicable_limits(rules, found.band)
    if decided.level in SEEK_CARE:
        return Answer(
            triage=decided,
            likely_causes=(),
            stretches=(),
            exercises=(),
            avoid=avoid,
            recovery=(),
            routine=Routine(),
            safety_net=net,
            activities_note=None,
            rules_version=rules.version,
        )
    causes = likely_causes(rules, request, found)
    scores = {c.slug: c.score for c in causes}
    gentle = _gentle_reasons(rules, found)
    stretches = _suggest(rules.stretches, scores, names, blocked_stretches, bool(gentle))
    exercises = _suggest(rules.exercises, scores, names, blocked_exercises, bool(gentle))
    return Answer(
        triage=decided,
        likely_causes=causes,
        stretches=stretches,
        exercises=exercises,
        avoid=avoid,
        recovery=recovery(rules, request, scores, with_exercise=bool(exercises)),
        routine=build_routine(stretches, request.minutes_available, limits),
        safety_net=net,
        activities_note=(
            "Only gentle activities are suggested, because of: " + ", ".join(gentle) + "."
            if gentle
            else None
        ),
        rules_version=rules.version,
    )
