"""The content collections in one table: what each is made of, how it is read and imported.

Collections are listed in load order: an item only refers to collections above it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
from sqlalchemy.orm.interfaces import LoaderOption

from service.causes import schemas as causes_schemas
from service.causes import services as causes_services
from service.causes.models import Cause
from service.content.models import Source
from service.content.queries import ListSpec
from service.content.sources import SourceInSchema
from service.exercises import schemas as exercises_schemas
from service.exercises import services as exercises_services
from service.exercises.models import Exercise, ExerciseContraindication
from service.faqs import schemas as faqs_schemas
from service.faqs import services as faqs_services
from service.faqs.models import Faq
from service.pain_bands import schemas as pain_bands_schemas
from service.pain_bands import services as pain_bands_services
from service.pain_bands.models import PainBand
from service.remedies import schemas as remedies_schemas
from service.remedies import services as remedies_services
from service.remedies.models import Remedy
from service.risk_factors import schemas as risk_factors_schemas
from service.risk_factors import services as risk_factors_services
from service.risk_factors.models import RiskFactor, RiskFactorCause
from service.routine_limits import schemas as routine_limits_schemas
from service.routine_limits import services as routine_limits_services
from service.routine_limits.models import RoutineLimit
from service.routines import schemas as routines_schemas
from service.routines import services as routines_services
from service.routines.models import Routine, RoutineStep
from service.stretches import schemas as stretches_schemas
from service.stretches import services as stretches_services
from service.stretches.models import Stretch, StretchContraindication
from service.symptoms import schemas as symptoms_schemas
from service.symptoms import services as symptoms_services
from service.symptoms.models import Symptom, SymptomCause


@dataclass(frozen=True)
class Refs:
    """A list of slugs of another collection (a many-to-many relation)."""

    collection: str


@dataclass(frozen=True)
class Links:
    """A list of link objects, each naming an item of another collection plus its own fields."""

    link_class: type[Any]
    key: str  # the field that holds the other item's slug: "cause", "stretch"
    collection: str
    ordered: bool = False  # the list order is meaningful (stored as `position`)


@dataclass(frozen=True)
class PublicApi:
    """How the public API reads a collection."""

    singular: str
    description: str
    list_schema: type[ma.Schema]
    detail_schema: type[ma.Schema]
    args_schema: type[ma.Schema]
    list_spec: ListSpec
    detail_options: Sequence[LoaderOption]


@dataclass(frozen=True)
class Collection:
    name: str  # as in URLs and bundles: "stretches", "risk-factors"
    model: type[Any]
    input_schema: type[ma.Schema]
    relations: Mapping[str, Refs | Links] = field(default_factory=dict)
    public: PublicApi | None = None

    @property
    def ident(self) -> str:
        """The name as an identifier, for blueprints and operation ids: "risk_factors"."""
        return self.name.replace("-", "_")


_SOURCES = {"sources": Refs("sources")}

COLLECTIONS: tuple[Collection, ...] = (
    Collection("sources", Source, SourceInSchema),
    Collection(
        "causes",
        Cause,
        causes_schemas.CauseInSchema,
        _SOURCES,
        PublicApi(
            "cause",
            "Why the back can hurt after stretching: each cause with the symptoms that point "
            "to it and what helps.",
            causes_schemas.CauseSummarySchema,
            causes_schemas.CauseSchema,
            causes_schemas.CauseQueryArgsSchema,
            causes_services.LIST,
            causes_services.DETAIL,
        ),
    ),
    Collection(
        "symptoms",
        Symptom,
        symptoms_schemas.SymptomInSchema,
        {**_SOURCES, "causes": Links(SymptomCause, "cause", "causes")},
        PublicApi(
            "symptom",
            "Symptoms for a questionnaire: grouped, in display order, red flags marked with "
            "their urgency.",
            symptoms_schemas.SymptomSummarySchema,
            symptoms_schemas.SymptomSchema,
            symptoms_schemas.SymptomQueryArgsSchema,
            symptoms_services.LIST,
            symptoms_services.DETAIL,
        ),
    ),
    Collection(
        "stretches",
        Stretch,
        stretches_schemas.StretchInSchema,
        {
            **_SOURCES,
            "helps_with": Refs("causes"),
            "contraindications": Links(StretchContraindication, "cause", "causes"),
        },
        PublicApi(
            "stretch",
            "Stretches: how to do each one, how long to hold it, what it helps with and when "
            "to avoid it.",
            stretches_schemas.StretchSummarySchema,
            stretches_schemas.StretchSchema,
            stretches_schemas.StretchQueryArgsSchema,
            stretches_services.LIST,
            stretches_services.DETAIL,
        ),
    ),
    Collection(
        "exercises",
        Exercise,
        exercises_schemas.ExerciseInSchema,
        {
            **_SOURCES,
            "helps_with": Refs("causes"),
            "contraindications": Links(ExerciseContraindication, "cause", "causes"),
        },
        PublicApi(
            "exercise",
            "Strengthening exercises for the core, glutes and lower back.",
            exercises_schemas.ExerciseSummarySchema,
            exercises_schemas.ExerciseSchema,
            exercises_schemas.ExerciseQueryArgsSchema,
            exercises_services.LIST,
            exercises_services.DETAIL,
        ),
    ),
    Collection(
        "remedies",
        Remedy,
        remedies_schemas.RemedyInSchema,
        {**_SOURCES, "helps_with": Refs("causes")},
        PublicApi(
            "remedy",
            "Recovery remedies in the order to use them, with their timing after onset.",
            remedies_schemas.RemedySummarySchema,
            remedies_schemas.RemedySchema,
            remedies_schemas.RemedyQueryArgsSchema,
            remedies_services.LIST,
            remedies_services.DETAIL,
        ),
    ),
    Collection(
        "routines",
        Routine,
        routines_schemas.RoutineInSchema,
        {**_SOURCES, "steps": Links(RoutineStep, "stretch", "stretches", ordered=True)},
        PublicApi(
            "routine",
            "Ordered stretching routines; total_seconds counts a per-side step twice.",
            routines_schemas.RoutineSummarySchema,
            routines_schemas.RoutineSchema,
            routines_schemas.RoutineQueryArgsSchema,
            routines_services.LIST,
            routines_services.DETAIL,
        ),
    ),
    Collection(
        "faqs",
        Faq,
        faqs_schemas.FaqInSchema,
        _SOURCES,
        PublicApi(
            "faq",
            "Frequently asked questions about back pain after stretching.",
            faqs_schemas.FaqSummarySchema,
            faqs_schemas.FaqSchema,
            faqs_schemas.FaqQueryArgsSchema,
            faqs_services.LIST,
            faqs_services.DETAIL,
        ),
    ),
    # Collections added later come last, so that delta sync cursors taken before they existed
    # keep their meaning (a cursor names a collection by its position).
    Collection(
        "risk-factors",
        RiskFactor,
        risk_factors_schemas.RiskFactorInSchema,
        {**_SOURCES, "causes": Links(RiskFactorCause, "cause", "causes")},
        PublicApi(
            "risk_factor",
            "History and circumstances that make back pain more worrying: each says what it "
            "raises the advice to and why. Some apply from the age alone.",
            risk_factors_schemas.RiskFactorSummarySchema,
            risk_factors_schemas.RiskFactorSchema,
            risk_factors_schemas.RiskFactorQueryArgsSchema,
            risk_factors_services.LIST,
            risk_factors_services.DETAIL,
        ),
    ),
    Collection(
        "pain-bands",
        PainBand,
        pain_bands_schemas.PainBandInSchema,
        _SOURCES,
        PublicApi(
            "pain_band",
            "The 0-10 pain level in plain words (mild, moderate, severe), and what each band "
            "changes in the advice.",
            pain_bands_schemas.PainBandSummarySchema,
            pain_bands_schemas.PainBandSchema,
            pain_bands_schemas.PainBandQueryArgsSchema,
            pain_bands_services.LIST,
            pain_bands_services.DETAIL,
        ),
    ),
    Collection(
        "routine-limits",
        RoutineLimit,
        routine_limits_schemas.RoutineLimitInSchema,
        {**_SOURCES, "pain_bands": Refs("pain-bands")},
        PublicApi(
            "routine_limit",
            "The dose a recommended routine keeps to: its longest total time and how often a "
            "stretch may repeat, always or with pain in a band.",
            routine_limits_schemas.RoutineLimitSummarySchema,
            routine_limits_schemas.RoutineLimitSchema,
            routine_limits_schemas.RoutineLimitQueryArgsSchema,
            routine_limits_services.LIST,
            routine_limits_services.DETAIL,
        ),
    ),
)

BY_NAME: dict[str, Collection] = {collection.name: collection for collection in COLLECTIONS}

# Words written in capitals in the docs: "List published FAQs", not "faqs".
ACRONYMS = {"faq": "FAQ", "faqs": "FAQs"}
# Capital letters whose name starts with a vowel sound: "an FAQ", "an SOS", but "a PDF".
_VOWEL_SOUND_LETTERS = set("AEFHILMNORSX")


def singular(collection: Collection) -> str:
    """The collection's name for one item, as the public API's paths spell it."""
    return collection.public.singular if collection.public else collection.name.removesuffix("s")


def words(name: str) -> str:
    """A name in words for a reader: `risk_factors` -> "risk factors", `faqs` -> "FAQs"."""
    return " ".join(ACRONYMS.get(word, word) for word in name.replace("-", "_").split("_"))


def with_article(noun: str) -> str:
    """The noun with the indefinite article a reader expects: a stretch, an exercise, an FAQ."""
    first = noun.split(" ", 1)[0]
    if first.isupper():
        vowel_sound = first[0] in _VOWEL_SOUND_LETTERS
    else:
        vowel_sound = first[:1].lower() in set("aeiou")
    return f"{'an' if vowel_sound else 'a'} {noun}"
