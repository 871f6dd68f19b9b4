"""Every model of the service, imported in one place for the mapper and Alembic."""

from service.admin.models import ApiKey, AuditEntry, Job, JobPayload, Tombstone
from service.causes.models import Cause
from service.content.models import Source
from service.content.versioning import ContentState
from service.exercises.models import Exercise, ExerciseContraindication
from service.faqs.models import Faq
from service.pain_bands.models import PainBand
from service.remedies.models import Remedy
from service.risk_factors.models import RiskFactor, RiskFactorCause
from service.routine_limits.models import RoutineLimit
from service.routines.models import Routine, RoutineStep
from service.search.models import SearchDocument, SearchTerm
from service.stretches.models import Stretch, StretchContraindication
from service.symptoms.models import Symptom, SymptomCause

__all__ = [
    "ApiKey",
    "AuditEntry",
    "Cause",
    "ContentState",
    "Exercise",
    "ExerciseContraindication",
    "Faq",
    "Job",
    "JobPayload",
    "PainBand",
    "Remedy",
    "RiskFactor",
    "RiskFactorCause",
    "Routine",
    "RoutineLimit",
    "RoutineStep",
    "SearchDocument",
    "SearchTerm",
    "Source",
    "Stretch",
    "StretchContraindication",
    "Symptom",
    "SymptomCause",
    "Tombstone",
]
