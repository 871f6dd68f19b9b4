"""Every model of the service, imported in one place for the mapper and Alembic.

The catalogue imports each collection's models (its link models with them), so a collection
added there is registered here too.
"""

from service.admin.models import ApiKey, AuditEntry, Job, JobPayload, Tombstone
from service.catalogue import COLLECTIONS
from service.content.versioning import ContentState
from service.search.models import SearchDocument, SearchTerm

__all__ = [
    "COLLECTIONS",
    "ApiKey",
    "AuditEntry",
    "ContentState",
    "Job",
    "JobPayload",
    "SearchDocument",
    "SearchTerm",
    "Tombstone",
]
