"""Every model of the service, imported in one place for the mapper and Alembic."""

from service.admin.models import ApiKey, AuditEntry, Job, JobPayload, Tombstone
from service.causes.models import Cause
from service.content.models import Source
from service.content.versioning import ContentState
from service.exercises.models import Exercise, ExerciseContraindication
from service.faqs.models import Faq
from service.remedies.models import Remedy
from service.routines.models import Routine, RoutineStep
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
    "Remedy",
    "Routine",
    "RoutineStep",
    "Source",
    "Stretch",
    "StretchContraindication",
    "Symptom",
    "SymptomCause",
    "Tombstone",
]
