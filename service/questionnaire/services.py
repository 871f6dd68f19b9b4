"""Building the questionnaire from the published catalogue, as plain data.

The order is a safety rule: the red-flag screen comes first, so that a person with an
emergency sign is told what to do before being asked anything else. Every question names the
request field it fills and the slugs a "yes" adds, so that a front end turns answers into a
`POST /v1/recommendations` body without knowing the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.causes.models import Cause
from service.content.i18n import translated
from service.content.models import ContentMixin, Status, Trend, Urgency
from service.pain_bands.models import PainBand
from service.recommendations.engine import MAX_AGE, MAX_HOURS_SINCE_ONSET, MAX_MINUTES_AVAILABLE
from service.risk_factors.models import RiskFactor
from service.symptoms.models import Symptom, SymptomGroup

# Signs at these levels are screened first, one yes/no question each.
SCREENED = (Urgency.EMERGENCY, Urgency.URGENT)
GROUP_TEXT = {
    SymptomGroup.PAIN: "Where and how does it hurt?",
    SymptomGroup.MOBILITY: "How does it affect the way you move?",
    SymptomGroup.NERVE: "Do you notice any of these in your legs or arms?",
    SymptomGroup.GENERAL: "Anything else?",
}
TREND_TEXT = {
    Trend.BETTER: "Getting better",
    Trend.SAME: "About the same",
    Trend.WORSE: "Getting worse",
}


@dataclass(frozen=True)
class Option:
    value: str | int
    text: str
    description: str | None = None
    min_level: int | None = None
    max_level: int | None = None
    level: Urgency | None = None


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # yes_no | scale | number | choice | multi_choice
    text: str
    field: str
    slugs: tuple[str, ...] = ()
    help: str | None = None
    level: Urgency | None = None
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    unit: str | None = None
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    language: str
    sections: tuple[Section, ...]


def _published(session: Session, model: type[Any], *order: Any) -> Sequence[Any]:
    query = sa.select(model).where(model.status == Status.PUBLISHED).order_by(*order, model.slug)
    return session.scalars(query).all()


def _text(item: ContentMixin, name: str, language: str) -> Any:
    return translated(item, name, getattr(item, name), language)


def _sign(item: Symptom, language: str) -> Question:
    return Question(
        id=f"symptoms.{item.slug}",
        kind="yes_no",
        text=_text(item, "question", language) or _text(item, "name", language),
        field="symptoms",
        slugs=(item.slug,),
        help=_text(item, "reason", language),
        level=item.urgency,
    )


def build(session: Session, choose_language: Callable[[set[str]], str]) -> Questionnaire:
    """The questionnaire in the language `choose_language` picks among those the items have.

    Text from the content follows its translations (English where an item has none).
    """
    symptoms = _published(session, Symptom, Symptom.group_rank, Symptom.display_order)
    risk_factors = _published(session, RiskFactor, RiskFactor.display_order)
    bands = _published(session, PainBand, PainBand.min_level)
    causes = _published(session, Cause, Cause.name)
    items: list[ContentMixin] = [*symptoms, *risk_factors, *bands, *causes]
    language = choose_language({"en", *(lang for i in items for lang in i.translations or {})})

    screen = sorted(
        (s for s in symptoms if s.urgency in SCREENED),
        key=lambda s: -list(Urgency).index(s.urgency),
    )
    others = [s for s in symptoms if s.urgency not in SCREENED]
    sections = [
        Section(
            "red_flags",
            "First, some safety questions",
            "A yes to any of these needs care before anything else: the answer will say how soon.",
            tuple(_sign(s, language) for s in screen),
        ),
        *(
            Section(
                f"symptoms.{group.value}",
                GROUP_TEXT[group],
                "Answer yes to each that fits.",
                tuple(_sign(s, language) for s in others if s.group == group),
            )
            for group in SymptomGroup
            if any(s.group == group for s in others)
        ),
        Section(
            "pain",
            "How bad is the pain?",
            "0 is no pain and 10 the worst you can imagine.",
            (
                Question(
                    id="pain_level",
                    kind="scale",
                    text="How bad is the pain right now, from 0 to 10?",
                    field="pain_level",
                    minimum=0,
                    maximum=10,
                    options=tuple(
                        Option(
                            value=b.slug,
                            text=_text(b, "name", language),
                            description=_text(b, "description", language),
                            min_level=b.min_level,
                            max_level=b.max_level,
                            level=b.urgency,
                        )
                        for b in bands
                    ),
                ),
            ),
        ),
        Section(
            "course",
            "When it started and how it is going",
            "",
            (
                Question(
                    id="hours_since_onset",
                    kind="number",
                    text="How long ago did the pain start?",
                    help="In hours: a day is 24, a week 168.",
                    field="hours_since_onset",
                    minimum=0,
                    maximum=MAX_HOURS_SINCE_ONSET,
                    unit="hours",
                ),
                Question(
                    id="trend",
                    kind="choice",
                    text="Since it started, is the pain getting better, staying the same or "
                    "getting worse?",
                    field="trend",
                    options=tuple(Option(t.value, TREND_TEXT[t]) for t in Trend),
                ),
            ),
        ),
        Section(
            "history",
            "About your health",
            "Some history makes back pain worth checking sooner.",
            (
                *(
                    Question(
                        id=f"risk_factors.{r.slug}",
                        kind="yes_no",
                        text=_text(r, "question", language),
                        field="risk_factors",
                        slugs=(r.slug,),
                        help=_text(r, "reason", language),
                        level=r.urgency,
                    )
                    # Age rules have no question: the age answers them.
                    for r in risk_factors
                    if r.question
                ),
                Question(
                    id="conditions",
                    kind="multi_choice",
                    text="Has a doctor or physiotherapist told you that you have any of these?",
                    field="conditions",
                    options=tuple(Option(c.slug, _text(c, "name", language)) for c in causes),
                ),
                Question(
                    id="age",
                    kind="number",
                    text="How old are you?",
                    help="In whole years.",
                    field="age",
                    minimum=0,
                    maximum=MAX_AGE,
                    unit="years",
                ),
            ),
        ),
        Section(
            "time",
            "Your time",
            "",
            (
                Question(
                    id="minutes_available",
                    kind="number",
                    text="How many minutes do you have for gentle exercise today?",
                    field="minutes_available",
                    minimum=1,
                    maximum=MAX_MINUTES_AVAILABLE,
                    unit="minutes",
                ),
            ),
        ),
    ]
    return Questionnaire(language, tuple(sections))
